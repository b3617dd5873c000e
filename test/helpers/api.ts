/**
 * A small HTTP client for tests of the API: `api.request({ method, path, query?, headers?, body?, claims? })`
 * → `{ status, headers, json, body }`, with two transports behind the same interface:
 * - `serverApi`: real HTTP requests to the real local server (infra/local/server.ts — API Gateway's routing,
 *   JWT authorizer and payload 2.0 events) serving the real handlers; the claims travel as a signed token.
 * - `lambdaApi`: in process, API Gateway HTTP API (payload 2.0) events — routed by ROUTES to the right
 *   function, claims under `requestContext.authorizer.jwt.claims` as given — handed to the real handlers.
 *   Only for what API Gateway would never let reach a function (no claims, a route it does not have).
 * Every response either gives is checked against GET /openapi.json (./openapi.ts): one that departs from the
 * document fails the test that saw it.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { vi } from 'vitest';
import { isTextContent, matchRoute } from '../../infra/local/apigw';
import { createVerifier, type SignOptions } from '../../infra/local/jwt';
import { lambdaContext } from '../../infra/local/lambda';
import { startLocalApi } from '../../infra/local/server';
import type { ApiEvent } from '../../shared/http/event';
import type { HttpHandler } from '../../shared/http/http-function';
import { HTTP_FUNCTIONS, ROUTES, type HttpFunction } from '../../shared/http/routes';
import { assertDocumented } from './openapi';
import { signClaims, testSigningKey, type Claims } from './tokens';

interface ApiRequest {
  readonly method: string;
  /** As sent on the wire (percent-encoded); may carry a `?query`. */
  readonly path: string;
  /** Query parameters (encoded by the client); a list repeats the parameter. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Header names in any case; `content-type` defaults to application/json when a body is sent. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON; a string is sent as is. */
  readonly body?: unknown;
  /**
   * The function gets the body base64-encoded, as API Gateway hands over bodies that are not text. Over
   * HTTP API Gateway decides by the content type, so the request must send one it takes for binary.
   */
  readonly base64?: boolean;
  /** The verified token's claims (API Gateway's string form); absent: no token. */
  readonly claims?: Claims;
}

interface ApiResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The parsed body (undefined when it is not JSON). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
}

interface Api {
  request(request: ApiRequest): Promise<ApiResponse>;
  /** Stops what the transport started (the local server). */
  close(): Promise<void>;
}

interface ServerApi extends Api {
  /** The local server's base URL. */
  readonly url: string;
  /** A token the server accepts carrying `claims` (`options`: expired, another audience, …). */
  token(claims: Claims, options?: SignOptions): Promise<string>;
}

type Handlers = Readonly<Record<HttpFunction, HttpHandler>>;

const MODULES: Readonly<Record<HttpFunction, () => Promise<{ handler: HttpHandler }>>> = {
  accounts: () => import('../../functions/http/accounts'),
  access: () => import('../../functions/http/access'),
  loginEvents: () => import('../../functions/http/login-events'),
  public: () => import('../../functions/http/public'),
  scim: () => import('../../functions/http/scim'),
};

/** Quiet Powertools in tests: no log lines, no EMF metrics on stdout. */
const QUIET = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

/**
 * The four HTTP functions' handlers, loaded afresh with `env` in process.env (their configuration is read
 * at module load, as in Lambda).
 *
 * @example
 * const { env } = await freshTable();
 * const api = lambdaApi(await loadHandlers(env));
 */
async function loadHandlers(env: Readonly<Record<string, string>>): Promise<Handlers> {
  Object.assign(process.env, QUIET, env);
  vi.resetModules();
  const loaded = await Promise.all(HTTP_FUNCTIONS.map(async (fn) => [fn, (await MODULES[fn]()).handler] as const));
  return Object.fromEntries(loaded) as Handlers;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Where a request no route matches goes: the function serving that first path segment (its router answers 404). */
function fallbackFunction(path: string): HttpFunction | null {
  const segment = path.split('/')[1] ?? '';
  return ROUTES.find((route) => route.path.split('/')[1] === segment)?.function ?? null;
}

/** The request's query, inline (`path?…`, as written) and from `query` (encoded); `params` as API Gateway parses them. */
function queryOf(request: ApiRequest): { raw: string; params: Record<string, string> | undefined } {
  const [, inline = ''] = request.path.split(/\?(.*)/s);
  const pairs: [string, string][] =
    inline === ''
      ? []
      : inline.split('&').map((pair) => {
          const [name = '', value = ''] = pair.split(/=(.*)/s);
          return [name, value];
        });
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const item of typeof value === 'string' ? [value] : value)
      pairs.push([encodeURIComponent(name), encodeURIComponent(item)]);
  }
  if (pairs.length === 0) return { raw: '', params: undefined };
  const params: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const key = safeDecode(name.replaceAll('+', ' '));
    const decoded = safeDecode(value.replaceAll('+', ' '));
    params[key] = key in params ? `${params[key]},${decoded}` : decoded; // API Gateway joins repeats with commas
  }
  return { raw: pairs.map(([name, value]) => `${name}=${value}`).join('&'), params };
}

/**
 * The API Gateway HTTP API (payload 2.0) event of a request.
 *
 * @example
 * toEvent({ method: 'GET', path: '/access', query: { email: 'ann@a.org' }, claims: platform() })
 */
function toEvent(request: ApiRequest): { event: ApiEvent; fn: HttpFunction | null } {
  const method = request.method.toUpperCase();
  const rawPath = request.path.split('?')[0] ?? '';
  const query = queryOf(request);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    if (!('content-type' in headers)) headers['content-type'] = 'application/json';
    if (request.base64) body = Buffer.from(body, 'utf8').toString('base64');
  }
  const matched = matchRoute(ROUTES, method, rawPath);
  const requestId = randomUUID();
  const routeKey = matched?.routeKey ?? '$default';
  const now = new Date();
  const event: ApiEvent = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: query.raw,
    headers,
    ...(query.params ? { queryStringParameters: query.params } : {}),
    ...(matched && Object.keys(matched.pathParameters).length > 0
      ? { pathParameters: { ...matched.pathParameters } }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'test.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'test',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(request.claims ? { authorizer: { jwt: { claims: request.claims, scopes: null } } } : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: request.base64 === true,
  };
  return { event, fn: matched?.route.function ?? fallbackFunction(rawPath) };
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * A client that invokes `handlers` in process, as API Gateway would.
 *
 * @example
 * const res = await api.request({ method: 'POST', path: '/accounts', body: { email: 'ann@a.org' }, claims: writer(['a.org']) });
 * res.status // 202
 */
function lambdaApi(handlers: Handlers): Api {
  return {
    async request(request) {
      const { event, fn } = toEvent(request);
      if (fn === null)
        return {
          status: 404,
          headers: { 'content-type': 'application/json' },
          body: '{"message":"Not Found"}',
          json: { message: 'Not Found' },
        };
      const result = await handlers[fn](event as never, lambdaContext(fn));
      const headers = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
      );
      const response = { status: result.statusCode, headers, body: result.body, json: parse(result.body) };
      await assertDocumented({ method: request.method, path: request.path, ...response });
      return response;
    },
    close: async () => undefined,
  };
}

/** The body as sent on the wire, and the headers (content type defaulted) that go with it. */
function wireBody(request: ApiRequest): { headers: Record<string, string>; body: Buffer | undefined } {
  const headers = { ...request.headers };
  if (request.body === undefined) return { headers, body: undefined };
  const named = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
  if (named === undefined) headers['content-type'] = 'application/json';
  const contentType = headers[named ?? 'content-type'];
  if (request.base64 && isTextContent(contentType)) {
    throw new Error(
      `API Gateway hands a ${contentType} body over as text: send a content type it takes for binary to get base64`,
    );
  }
  const body = Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body), 'utf8');
  return { headers: { ...headers, 'content-length': String(body.length) }, body };
}

/** One HTTP request to the server at `url`, path and headers exactly as given (no URL normalization: `%2E%2E` stays). */
function send(url: string, request: ApiRequest, token: string | null): Promise<ApiResponse> {
  const query = queryOf(request).raw;
  const path = `${request.path.split('?')[0] ?? ''}${query === '' ? '' : `?${query}`}`;
  const { headers, body } = wireBody(request);
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, path, method: request.method.toUpperCase(), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const received = Object.entries(res.headers).flatMap(([name, value]) =>
          value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value] as const],
        );
        resolve({ status: res.statusCode ?? 0, headers: Object.fromEntries(received), body: text, json: parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's line for every request (`[api] GET /accounts 200 3ms`): left out; anything else (a failing function) is shown. */
const ACCESS_LINE = /^\[api\] [A-Z]+ \S* \d{3} \d+ms$/;

/**
 * A client of the real local HTTP server (infra/local/server.ts) serving `handlers` behind the local JWT
 * authorizer, on a free port of 127.0.0.1: each request's `claims` travel as a token signed with a key of
 * its own, so API Gateway's checks and claim strings are the real ones. `close()` stops the server.
 *
 * @example
 * const api = await serverApi(await loadHandlers(env));
 * const res = await api.request({ method: 'GET', path: '/access', query: { email: 'ann@a.org' }, claims: platform() });
 * await api.close();
 */
async function serverApi(handlers: Handlers): Promise<ServerApi> {
  const key = await testSigningKey();
  const server = await startLocalApi({
    port: 0,
    handlers,
    verifier: createVerifier(key),
    log: (message) => {
      if (!ACCESS_LINE.test(message)) console.error(message);
    },
  });
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (claims: Claims): Promise<string> => {
    const id = JSON.stringify(claims);
    let token = tokens.get(id);
    if (token === undefined) tokens.set(id, (token = signClaims(key, claims)));
    return token;
  };
  return {
    url: server.url,
    token: (claims, options) => signClaims(key, claims, options),
    request: async (request) => {
      const response = await send(
        server.url,
        request,
        request.claims === undefined ? null : await tokenFor(request.claims),
      );
      await assertDocumented({ method: request.method, path: request.path, ...response });
      return response;
    },
    close: () => server.stop(),
  };
}

export { lambdaApi, loadHandlers, serverApi, toEvent };
export type { Api, ApiRequest, ApiResponse, Handlers, ServerApi };
