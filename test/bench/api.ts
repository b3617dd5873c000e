/**
 * Calling the HTTP functions the way the bench measures them: in process (the handler with the payload
 * format 2.0 event the local server would build, via infra/local/apigw.ts), or through the local HTTP
 * server (infra/local/server.ts) with a signed token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchRoute, newRequestId, toEvent, type ApiGatewayEvent } from '../../infra/local/apigw';
import { createVerifier, ensureSigningKey, LOCAL_AUDIENCE, LOCAL_ISSUER, signToken } from '../../infra/local/jwt';
import { lambdaContext, type LambdaHandler } from '../../infra/local/lambda';
import { startLocalApi } from '../../infra/local/server';
import { ROUTES, type HttpFunction } from '../../shared/http/routes';

interface ApiResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string | number | boolean>;
  readonly body?: string;
}

type Handler = LambdaHandler<ApiGatewayEvent, ApiResult>;

/** The bench's caller: every scope it needs, every domain. */
const BENCH_CLAIMS = { sub: 'bench', scope: 'accounts:admin access:check login:report', domains: '*' } as const;

/**
 * The event API Gateway (and the local server) would hand the function for this request, with the
 * bench caller's claims as the JWT authorizer passes them.
 *
 * @example
 * const event = apiEvent('PUT', `/accounts/${id}/status`, { status: 'maintenance' });
 */
function apiEvent(method: string, url: string, body?: unknown): ApiGatewayEvent {
  const path = url.split('?')[0] ?? url;
  const match = matchRoute(ROUTES, method, path);
  if (match === null) throw new Error(`no route for ${method} ${path}`);
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...BENCH_CLAIMS, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now, exp: now + 3600 };
  const text = body === undefined ? '' : JSON.stringify(body);
  return toEvent(
    {
      method,
      url,
      rawHeaders: [
        'host',
        'bench.local',
        'user-agent',
        'mbl-bench',
        ...(body === undefined ? [] : ['content-type', 'application/json']),
      ],
      body: Buffer.from(text),
      sourceIp: '127.0.0.1',
      protocol: 'HTTP/1.1',
    },
    match,
    { requestId: newRequestId(), claims },
  );
}

/** Invokes `handler` in process as the Lambda runtime would (a fresh context per invocation). */
async function invoke(handler: Handler, fn: HttpFunction, event: ApiGatewayEvent): Promise<ApiResult> {
  return invocation(handler, fn, event)();
}

/** An invocation made ready (its Lambda context built), to be timed on its own. */
function invocation(handler: Handler, fn: HttpFunction, event: ApiGatewayEvent): () => Promise<ApiResult> {
  const context = lambdaContext(`mailbox-lifecycle-${fn}`);
  return () => handler(event, context);
}

interface HttpApi {
  readonly url: string;
  /** `fetch` with the bench caller's token; the status and the body text. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

/**
 * The local HTTP server (port 0) in front of `handlers`, and a client with a token it accepts.
 *
 * @example
 * const api = await startHttpApi({ accounts, access });
 * await api.request('GET', `/access?email=${email}`);
 */
async function startHttpApi(handlers: Partial<Record<HttpFunction, Handler>>): Promise<HttpApi> {
  const dir = await mkdtemp(join(tmpdir(), 'mbl-bench-'));
  const key = await ensureSigningKey(join(dir, 'signing-key.json'));
  const api = await startLocalApi({ port: 0, handlers, verifier: createVerifier(key), log: () => undefined });
  const token = await signToken(key, { ...BENCH_CLAIMS });
  return {
    url: api.url,
    async request(method, path, body) {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, text: await response.text() };
    },
    async stop() {
      await api.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The HTTP functions' handlers, imported after process.env points at the bench table (they read it at load). */
async function loadHandlers(): Promise<{ accounts: Handler; access: Handler }> {
  const accounts = (await import('../../functions/http/accounts')) as unknown as { handler: Handler };
  const access = (await import('../../functions/http/access')) as unknown as { handler: Handler };
  return { accounts: accounts.handler, access: access.handler };
}

export { apiEvent, invocation, invoke, loadHandlers, startHttpApi };
export type { ApiResult, Handler, HttpApi };
