/**
 * The scim function (SPEC §10): the routes of ROUTES that name it, each behind its own token check (SCIM
 * 401/403), the body limits (413, 415), then parse, call a use-case, shape the SCIM response. Every error is
 * a SCIM error (shared/scim/errors.ts). Around the router: request id, logs, metrics, tracing, the SCIM
 * error handler (last) and header normalization (first), as for the other HTTP functions.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouter from '@middy/http-router';
import type { Account } from '../domain/account';
import { bodyText, hasBody } from '../http/body';
import type { ApiEvent, ApiResult } from '../http/event';
import type { HttpHandler } from '../http/http-function';
import { bodyLimit, jsonContentType } from '../http/middleware/limits';
import { requestContext } from '../http/middleware/request-context';
import { logger, observability } from '../http/observability';
import { ROUTES } from '../http/routes';
import type { ApiCaller } from '../services/caller';
import type { AdminDeps } from '../services/admin';
import { scimAuthenticate, type TokenVerifier } from './auth';
import {
  ENTERPRISE_SCHEMA,
  LIST_RESPONSE,
  MAX_COUNT,
  SERVICE_PROVIDER_CONFIG,
  USER_RESOURCE_TYPE,
  USER_SCHEMA,
  listOf,
} from './documents';
import { badRequest, SCIM_CONTENT_TYPE, ScimError, scimErrorResponse, ScimType, toScimError } from './errors';
import { loadFilterParser, planFilter } from './filter';
import { loadPatcher, patchedUser } from './patch';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './service';
import { desiredUser, toScimUser } from './user';

type Middleware = MiddlewareObj<ApiEvent, ApiResult>;
type Handle = (event: ApiEvent, caller: ApiCaller) => Promise<ApiResult>;

/** SCIM's default page size when `count` is not given. */
const DEFAULT_COUNT = 100;

/** A SCIM response. */
function scim(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** The base URL of the SCIM routes as the client called them (for `meta.location`). */
function baseUrl(event: ApiEvent): string {
  const headers = event.headers ?? {};
  const host = headers.host ?? event.requestContext.domainName;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  return `${proto}://${host}/scim/v2`;
}

/** The body as JSON; 400 invalidSyntax when it is not. */
function jsonBody(event: ApiEvent): unknown {
  if (!hasBody(event)) throw badRequest(ScimType.INVALID_SYNTAX, 'A JSON body is required.');
  try {
    return JSON.parse(bodyText(event)) as unknown;
  } catch {
    throw badRequest(ScimType.INVALID_SYNTAX, 'The body is not JSON.');
  }
}

/** If-Match: `"<version>"` (meta.version) or `*`; a weak or other tag never matches (412), garbage is 400. */
function expectedVersion(event: ApiEvent): number | undefined {
  const header = event.headers?.['if-match']?.trim();
  if (header === undefined || header === '' || header === '*') return undefined;
  const strong = /^"(\d{1,15})"$/.exec(header);
  if (strong) return Number(strong[1]);
  if (/^(W\/)?"[^"]*"(\s*,\s*(W\/)?"[^"]*")*$/.test(header)) return -1;
  throw badRequest(ScimType.INVALID_SYNTAX, 'If-Match must be an entity tag as meta.version gives it.');
}

/** A non-negative integer query parameter; 400 invalidValue when it is not one. */
function integer(event: ApiEvent, name: string): number | undefined {
  const raw = event.queryStringParameters?.[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d{1,9}$/.test(raw.trim())) throw badRequest(ScimType.INVALID_VALUE, `${name} must be an integer.`);
  return Number(raw.trim());
}

const userId = (event: ApiEvent): string => event.pathParameters?.userId ?? '';

/**
 * The handlers of the scim routes, bound to `deps`.
 *
 * @example
 * scimHandler(serviceDeps(config), () => tokenVerifier(config.auth))
 */
function scimEndpoints(deps: AdminDeps): Readonly<Record<string, Handle>> {
  const user = (event: ApiEvent, account: Account, statusCode = 200, headers: Record<string, string> = {}) => {
    const resource = toScimUser(account, baseUrl(event));
    return scim(statusCode, resource, { ETag: resource.meta.version, ...headers });
  };
  return {
    scimServiceProviderConfig: async () => scim(200, SERVICE_PROVIDER_CONFIG),
    scimResourceTypes: async () => scim(200, listOf([USER_RESOURCE_TYPE])),
    scimSchemas: async () => scim(200, listOf([USER_SCHEMA, ENTERPRISE_SCHEMA])),
    scimListUsers: async (event, caller) => {
      const filter = event.queryStringParameters?.filter;
      const startIndex = Math.max(1, integer(event, 'startIndex') ?? 1);
      const count = Math.min(MAX_COUNT, Math.max(0, integer(event, 'count') ?? DEFAULT_COUNT));
      const plan = filter === undefined || filter.trim() === '' ? null : planFilter(filter, await loadFilterParser());
      const page = await listUsers(deps, caller, { plan, startIndex, count });
      const base = baseUrl(event);
      return scim(200, {
        schemas: [LIST_RESPONSE],
        totalResults: page.totalResults,
        startIndex,
        itemsPerPage: page.items.length,
        Resources: page.items.map((account) => toScimUser(account, base)),
      });
    },
    scimCreateUser: async (event, caller) => {
      const { account } = await createUser(deps, caller, desiredUser(jsonBody(event)));
      return user(event, account, 201, { Location: `${baseUrl(event)}/Users/${account.accountId}` });
    },
    scimGetUser: async (event, caller) => user(event, await getUser(deps, caller, userId(event))),
    scimReplaceUser: async (event, caller) => {
      const desired = desiredUser(jsonBody(event));
      const version = expectedVersion(event);
      return user(
        event,
        await replaceUser(
          deps,
          caller,
          userId(event),
          { displayName: null, name: null, externalId: null, ...desired },
          version,
        ),
      );
    },
    scimPatchUser: async (event, caller) => {
      const body = jsonBody(event);
      const version = expectedVersion(event);
      const base = baseUrl(event);
      const patcher = await loadPatcher();
      const account = await patchUser(
        deps,
        caller,
        userId(event),
        (read) => patchedUser(toScimUser(read, base), body, patcher),
        version,
      );
      return user(event, account);
    },
    scimDeleteUser: async (event, caller) => {
      await deleteUser(deps, caller, userId(event), expectedVersion(event));
      return scim(204, undefined);
    },
  };
}

/** The last error handler: every error as a SCIM error; unknown ones a 500 without details, logged. */
function scimErrorHandler(): Middleware {
  return {
    onError: (request) => {
      if (request.response !== undefined && request.response !== null) return;
      const { error, known } = toScimError(request.error);
      if (!known) logger.error('request failed', { error: request.error as Error });
      request.response = scimErrorResponse(error);
    },
  };
}

const routeNotFound = ({ method, path }: { method: string; path: string }): never => {
  throw new ScimError(404, `There is no route ${method} ${path}.`);
};

/**
 * The scim function's handler: every route of ROUTES with `function: 'scim'` (each must have an endpoint).
 * `verifier` is called on the first request (a function missing its issuer configuration fails there).
 */
function scimHandler(deps: AdminDeps, verifier: () => TokenVerifier): HttpHandler {
  const endpoints = scimEndpoints(deps);
  let verify: TokenVerifier | undefined;
  const lazyVerifier = (): TokenVerifier => (verify ??= verifier());
  const routes = ROUTES.filter((route) => route.function === 'scim').map((route) => {
    const handle = endpoints[route.operationId];
    if (handle === undefined) throw new Error(`the scim function has no endpoint for ${route.operationId}`);
    const chain = middy<ApiEvent, ApiResult>(async (event: ApiEvent) => {
      logger.appendKeys({ operation: route.operationId });
      if (event.caller === undefined) throw new ScimError(401, 'A valid bearer token is required.');
      return handle(event, event.caller);
    }).use([scimAuthenticate(lazyVerifier), bodyLimit(), jsonContentType()]);
    return { method: route.method, path: route.path, handler: chain };
  });
  const router = httpRouter<ApiEvent, ApiResult>({ routes: routes as never, notFoundResponse: routeNotFound });
  return middy<ApiEvent, ApiResult>(router as never).use([
    ...(observability() as Middleware[]),
    requestContext(),
    scimErrorHandler(),
    httpHeaderNormalizer() as Middleware,
  ]) as unknown as HttpHandler;
}

export { scimEndpoints, scimHandler };
