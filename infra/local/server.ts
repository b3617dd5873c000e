/**
 * The local HTTP API: a Node http server on 127.0.0.1 standing in for API Gateway. It routes with ROUTES,
 * verifies the Bearer token like the JWT authorizer for every route that has a scope, and invokes the
 * route's function with a payload format 2.0 event — the same handlers the cloud runs.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES } from '../../shared/http/routes';
import type { HttpFunction, Route } from '../../shared/http/routes';
import { MAX_BODY_BYTES, fromResult, gatewayResponse, matchRoute, newRequestId, toEvent } from './apigw';
import type { ApiGatewayEvent, HttpResponse, RawRequest } from './apigw';
import type { ConsoleSite } from './console';
import { UnauthorizedError } from './jwt';
import type { TokenVerifier } from './jwt';
import { lambdaContext } from './lambda';
import type { LambdaHandler } from './lambda';

type HttpHandler = LambdaHandler<ApiGatewayEvent, unknown>;
type Log = (message: string) => void;

interface LocalApiOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: the local API is never exposed beyond this machine. */
  readonly host?: string;
  readonly handlers: Readonly<Partial<Record<HttpFunction, HttpHandler>>>;
  readonly verifier: TokenVerifier;
  readonly routes?: readonly Route[];
  /** API Gateway's integration timeout (default 30 s): a slower function is answered 503. */
  readonly timeoutMs?: number;
  readonly log?: Log;
  /** What answers a path no route matches: the admin console (infra/local/console.ts). */
  readonly site?: ConsoleSite;
}

interface LocalApi {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

const TIMED_OUT = Symbol('timed out');

/** The function names the cloud gives the HTTP functions (used for the Lambda context). */
const functionName = (fn: HttpFunction): string => `mailbox-lifecycle-${fn}`;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The token API Gateway reads from `Authorization`: the bare token or `Bearer <token>`. */
function bearerToken(header: string | undefined): string | null {
  const value = header?.trim();
  if (!value) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1] ?? (/\s/.test(value) ? null : value);
}

/** The JWT authorizer: the verified claims, null for a public route; UnauthorizedError for a 401. */
async function authorize(
  route: Route,
  header: string | undefined,
  verifier: TokenVerifier,
): Promise<Record<string, unknown> | null> {
  // Public routes, and those whose function verifies the token itself (SCIM), pass without it.
  if (route.scope === null || route.authenticatedBy === 'function') return null;
  const token = bearerToken(header);
  if (token === null) throw new UnauthorizedError('the token is missing');
  return { ...(await verifier.verify(token)) };
}

function send(response: ServerResponse, reply: HttpResponse, requestId: string): void {
  response.statusCode = reply.statusCode;
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  response.setHeader('apigw-requestid', requestId);
  response.setHeader('content-length', reply.body.length);
  response.end(reply.body);
}

/**
 * Invokes the route's function as API Gateway does: its result mapped back, a failure answered 500, no
 * answer within the integration timeout 503.
 */
async function invoke(
  handler: HttpHandler,
  event: ApiGatewayEvent,
  fn: HttpFunction,
  timeoutMs: number,
  log: Log,
): Promise<HttpResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });
  const { routeKey, requestId } = event.requestContext;
  try {
    const result = await Promise.race([handler(event, lambdaContext(functionName(fn), timeoutMs)), timedOut]);
    if (result !== TIMED_OUT) return fromResult(result);
    log(`[api] ${routeKey} ${requestId}: no answer within ${timeoutMs} ms`);
    return gatewayResponse.unavailable();
  } catch (error) {
    log(`[api] ${routeKey} ${requestId}: the function failed: ${(error as Error).stack ?? String(error)}`);
    return gatewayResponse.internalError();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the local HTTP API.
 *
 * @example
 * const api = await startLocalApi({ port: 0, handlers, verifier });
 * await fetch(`${api.url}/status-model`);
 * await api.stop();
 */
async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const routes = options.routes ?? ROUTES;
  const log: Log = options.log ?? ((message) => console.log(message));
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 30_000;
  let port = options.port ?? 3000;

  async function answer(request: IncomingMessage, requestId: string): Promise<HttpResponse> {
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const match = matchRoute(routes, request.method ?? 'GET', path);
    if (!match) {
      const page = options.site ? await options.site(request, () => readBody(request)) : null;
      if (page) return page;
      request.resume();
      return gatewayResponse.notFound();
    }
    let claims: Record<string, unknown> | null;
    let body: Buffer;
    try {
      claims = await authorize(match.route, request.headers.authorization, options.verifier);
      body = await readBody(request);
    } catch (error) {
      request.resume();
      if (error instanceof UnauthorizedError) return gatewayResponse.unauthorized(error.message);
      if (error instanceof BodyTooLargeError) return gatewayResponse.tooLarge();
      throw error;
    }
    const raw: RawRequest = {
      method: request.method ?? 'GET',
      url,
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      protocol: `HTTP/${request.httpVersion}`,
    };
    const event = toEvent(raw, match, { requestId, claims, serverPort: port });
    const handler = options.handlers[match.route.function];
    if (!handler) {
      log(`[api] ${match.routeKey}: no handler for function ${match.route.function}`);
      return gatewayResponse.internalError();
    }
    return invoke(handler, event, match.route.function, timeoutMs, log);
  }

  const server = createServer((request, response) => {
    const requestId = newRequestId();
    const started = Date.now();
    answer(request, requestId)
      .catch((error: unknown) => {
        log(`[api] ${requestId}: ${(error as Error).stack ?? String(error)}`);
        return gatewayResponse.internalError();
      })
      .then((reply) => {
        send(response, reply, requestId);
        // The path only: queries can hold an email address.
        log(
          `[api] ${request.method} ${(request.url ?? '/').split('?')[0]} ${reply.statusCode} ${Date.now() - started}ms`,
        );
      })
      .catch((error: unknown) => log(`[api] ${requestId}: could not answer: ${String(error)}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

export { startLocalApi, bearerToken };
export type { LocalApi, LocalApiOptions, HttpHandler };
