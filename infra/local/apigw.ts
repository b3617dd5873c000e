/**
 * What API Gateway's HTTP API does between a client and a Lambda function, for the local server: route
 * matching over ROUTES, the payload format 2.0 event, the JWT authorizer's claims in their string form, and
 * mapping the function's result back to an HTTP response. Pure: no sockets, no clock unless passed in.
 */
import { randomBytes } from 'node:crypto';
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
} from 'aws-lambda';
import type { Route } from '../../shared/http/routes';
import { LOCAL_ACCOUNT_ID } from './lambda';

/** API Gateway's payload limit for HTTP APIs. The 16 KiB rule of SPEC §4 is the handlers'. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const LOCAL_API_ID = 'local';

/** The request as the server read it. */
interface RawRequest {
  readonly method: string;
  /** Path and query exactly as sent (`/accounts?domain=a.org`). */
  readonly url: string;
  /** Node's alternating name/value list, names in their sent case. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** `HTTP/1.1` */
  readonly protocol: string;
}

interface RouteMatch {
  readonly route: Route;
  /** `METHOD /path/{param}` */
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

type ApiGatewayEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const segments = (path: string): string[] => path.split('/').slice(1);
const isParam = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}');

/** How specific a route is: API Gateway prefers literal segments over parameters. */
const literalCount = (route: Route): number => segments(route.path).filter((s) => !isParam(s)).length;

function matchPath(template: string, path: string): Record<string, string> | null {
  const want = segments(template);
  const have = segments(path);
  if (want.length !== have.length) return null;
  const parameters: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = have[i] ?? '';
    if (isParam(segment)) {
      if (actual === '') return null;
      parameters[segment.slice(1, -1)] = decode(actual);
    } else if (segment !== actual) {
      return null;
    }
  }
  return parameters;
}

/**
 * The route a request goes to, or null (API Gateway answers 404 `{"message":"Not Found"}`).
 *
 * @example
 * matchRoute(ROUTES, 'GET', '/accounts/01J…')?.routeKey // 'GET /accounts/{accountId}'
 */
function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | null {
  const candidates = routes
    .filter((route) => route.method === method.toUpperCase())
    .sort((a, b) => literalCount(b) - literalCount(a));
  for (const route of candidates) {
    const pathParameters = matchPath(route.path, path);
    if (pathParameters) return { route, routeKey: `${route.method} ${route.path}`, pathParameters };
  }
  return null;
}

/**
 * One claim value as API Gateway hands it to the function: always a string; an array becomes one bracketed,
 * space-separated string (`[a.org b.org]`), numbers and booleans their literal text. Objects and null, which
 * our tokens never carry, follow the same (Go `%v`) formatting.
 */
function claimString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimString).join(' ')}]`;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, v]) => `${k}:${claimString(v)}`).join(' ')}]`;
  }
  return String(value);
}

/**
 * The verified token's claims in API Gateway's string form.
 *
 * @example
 * apiGatewayClaims({ sub: 'alice', domains: ['a.org', 'b.org'], exp: 1700000000 })
 * // { sub: 'alice', domains: '[a.org b.org]', exp: '1700000000' }
 */
function apiGatewayClaims(payload: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, claimString(value)]));
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's `requestContext.time`. */
function requestTime(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const month = now.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return (
    `${pad(now.getUTCDate())}/${month}/${now.getUTCFullYear()}:${pad(now.getUTCHours())}:` +
    `${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} +0000`
  );
}

/** An id shaped like API Gateway's (`JKJaXmPLvHcESHA=`); also sent back as `apigw-requestid`. */
const newRequestId = (): string => randomBytes(11).toString('base64');

/** Content types API Gateway passes as text; every other body (none included) arrives base64-encoded. */
function isTextContent(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return false;
  return type.startsWith('text/') || ['application/json', 'application/xml', 'application/javascript'].includes(type);
}

/** Header names lower-cased, repeated headers joined with commas; cookies apart, as payload 2.0 has them. */
function collectHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
    } else {
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
  }
  return { headers, cookies };
}

/**
 * Query parameters, repeated names joined with commas. Every name becomes an own property, as API Gateway's
 * JSON gives it — `__proto__` and `constructor` too (plain assignment would set the prototype instead, and
 * the parameter would vanish rather than be refused as unknown).
 */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const previous = parameters.get(name);
    parameters.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return Object.fromEntries(parameters);
}

interface EventOptions {
  readonly requestId: string;
  /** The verified token's payload for a route behind the authorizer; null for a public route. */
  readonly claims: Readonly<Record<string, unknown>> | null;
  readonly now?: Date;
  readonly serverPort?: number;
}

/**
 * The payload format 2.0 event API Gateway would send for this request and route.
 *
 * @example
 * const event = toEvent(request, match, { requestId: newRequestId(), claims: payload });
 */
function toEvent(request: RawRequest, match: RouteMatch, options: EventOptions): ApiGatewayEvent {
  const now = options.now ?? new Date();
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
  const query = queryParameters(rawQueryString);
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  headers['x-forwarded-for'] = request.sourceIp;
  headers['x-forwarded-proto'] = 'http';
  if (options.serverPort !== undefined) headers['x-forwarded-port'] = String(options.serverPort);
  headers['x-amzn-trace-id'] =
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const host = (headers.host ?? '127.0.0.1').replace(/:\d+$/, '');

  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: {
      method: request.method.toUpperCase(),
      path: rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: options.requestId,
    routeKey: match.routeKey,
    stage: '$default',
    time: requestTime(now),
    timeEpoch: now.getTime(),
  };
  const hasBody = request.body.length > 0;
  const text = isTextContent(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: { ...match.pathParameters } } : {}),
    requestContext,
    ...(hasBody ? { body: request.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
  if (options.claims === null) return event;
  const authorizer: APIGatewayEventRequestContextJWTAuthorizer = {
    jwt: { claims: apiGatewayClaims(options.claims), scopes: null },
  };
  return { ...event, requestContext: { ...requestContext, authorizer } };
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});

/** API Gateway's own answers, which never reach a function. */
const gatewayResponse = {
  notFound: (): HttpResponse => json(404, { message: 'Not Found' }),
  unauthorized: (description: string): HttpResponse =>
    json(
      401,
      { message: 'Unauthorized' },
      {
        'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description.replaceAll('"', "'")}"`,
      },
    ),
  tooLarge: (): HttpResponse => json(413, { message: 'Request Entity Too Large' }),
  internalError: (): HttpResponse => json(500, { message: 'Internal Server Error' }),
  /** The integration timed out. */
  unavailable: (): HttpResponse => json(503, { message: 'Service Unavailable' }),
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The HTTP response API Gateway makes of a function's result (payload format 2.0): a result with a
 * `statusCode` is taken as is (headers, `cookies` as `set-cookie`, a base64 body decoded; payload 2.0 has no
 * `multiValueHeaders`, so they are ignored); anything else is a 200 `application/json` whose body is the
 * result — a string as it is, any other value as JSON.
 */
function fromResult(result: unknown): HttpResponse {
  if (!isRecord(result) || !('statusCode' in result)) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null)),
    };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return gatewayResponse.internalError();
  }
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(isRecord(headers) ? headers : {})) out[name.toLowerCase()] = String(value);
  if (Array.isArray(cookies) && cookies.length > 0) out['set-cookie'] = cookies.map(String);
  const text = typeof body === 'string' ? body : '';
  return { statusCode, headers: out, body: Buffer.from(text, isBase64Encoded === true ? 'base64' : 'utf8') };
}

export {
  MAX_BODY_BYTES,
  apiGatewayClaims,
  claimString,
  fromResult,
  gatewayResponse,
  isTextContent,
  matchRoute,
  newRequestId,
  requestTime,
  toEvent,
};
export type { ApiGatewayEvent, HttpResponse, RawRequest, RouteMatch };
