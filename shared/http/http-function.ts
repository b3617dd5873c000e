/**
 * One HTTP function: the routes of ROUTES that name it, each behind the checks of SPEC §4 in their order —
 * 401 token, 413 size, 415 JSON, 403 route scope, (Idempotency-Key lookup), 400 input — then its endpoint.
 * Around the router: request id, logs, metrics and tracing, the error handler (last) and header
 * normalization (first).
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouter from '@middy/http-router';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { ApiCaller } from '../services/caller';
import { authenticate } from './middleware/authenticate';
import { errorHandler } from './middleware/error-handler';
import { bodyLimit, jsonContentType } from './middleware/limits';
import { requestContext } from './middleware/request-context';
import { requireScope } from './middleware/scope';
import { validate } from './middleware/validate';
import type { ApiEvent, ApiResult } from './event';
import type { InputParser } from './input';
import { logger, observability } from './observability';
import { problem, ProblemError, ProblemType } from './problem';
import { ROUTES, type HttpFunction, type Route } from './routes';

interface EndpointRequest<I> {
  readonly input: I;
  /** The authenticated caller; an anonymous one (no scopes, no domains) on public routes. */
  readonly caller: ApiCaller;
  readonly event: ApiEvent;
}

interface Endpoint<I> {
  readonly input: InputParser<I>;
  readonly handle: (request: EndpointRequest<I>) => Promise<ApiResult>;
}

/** A function's endpoints by operationId (any input type). */
type Endpoints = Readonly<
  Record<
    string,
    {
      readonly input: InputParser<unknown>;
      readonly handle: (request: EndpointRequest<never>) => Promise<ApiResult>;
    }
  >
>;

type Middleware = MiddlewareObj<ApiEvent, ApiResult>;

interface HttpFunctionOptions {
  /**
   * Extra middlewares of a route (by operationId), run right after the route's scope check: the
   * idempotency lookup (SPEC §4: a caller without the scope never gets a stored response).
   */
  readonly afterScopeCheck?: Readonly<Record<string, readonly Middleware[]>>;
}

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<ApiResult>;

const ANONYMOUS: ApiCaller = { sub: 'anonymous', scopes: [], domains: [], requestId: null };

/**
 * An endpoint: its input parser and its handler (parse, call a service, shape the response).
 *
 * @example
 * endpoint(schemaInput({ params: AccountParams }), async ({ input, caller }) => json(200, await getAccount(deps, caller, input.params.accountId)))
 */
function endpoint<I>(input: InputParser<I>, handle: (request: EndpointRequest<I>) => Promise<ApiResult>): Endpoint<I> {
  return { input, handle };
}

/** One route's chain of checks around its endpoint. */
function routeHandler(route: Route, target: Endpoints[string], options: HttpFunctionOptions) {
  const checks: Middleware[] = [
    ...(route.scope === null ? [] : [authenticate()]),
    bodyLimit(),
    jsonContentType(),
    ...(route.scope === null ? [] : [requireScope(route.scope)]),
    ...(options.afterScopeCheck?.[route.operationId] ?? []),
    validate(target.input),
  ];
  return middy<ApiEvent, ApiResult>(async (event: ApiEvent) => {
    // Logs name accounts by id (never by email) and never hold the token or the body.
    const accountId = (event.input as { params?: { accountId?: string } } | undefined)?.params?.accountId;
    logger.appendKeys({ operation: route.operationId, ...(accountId ? { accountId } : {}) });
    return target.handle({ input: event.input as never, caller: event.caller ?? ANONYMOUS, event });
  }).use(checks);
}

const routeNotFound = ({ method, path }: { method: string; path: string }): never => {
  throw new ProblemError(problem(404, ProblemType.NOT_FOUND, 'Not Found', `There is no route ${method} ${path}.`));
};

/**
 * The Lambda handler of HTTP function `fn`: every route of ROUTES with `function: fn` must have an endpoint
 * (by operationId), or building it throws.
 *
 * @example
 * export const handler = httpFunction('access', { checkAccess: endpoint(input, handle) });
 */
function httpFunction(fn: HttpFunction, endpoints: Endpoints, options: HttpFunctionOptions = {}): HttpHandler {
  const routes = ROUTES.filter((route) => route.function === fn).map((route) => {
    const target = endpoints[route.operationId];
    if (target === undefined) throw new Error(`the ${fn} function has no endpoint for ${route.operationId}`);
    return { method: route.method, path: route.path, handler: routeHandler(route, target, options) };
  });
  const router = httpRouter<ApiEvent, ApiResult>({ routes: routes as never, notFoundResponse: routeNotFound });
  return middy<ApiEvent, ApiResult>(router as never).use([
    ...(observability() as Middleware[]),
    requestContext(),
    errorHandler(),
    httpHeaderNormalizer() as Middleware,
  ]) as unknown as HttpHandler;
}

export { endpoint, httpFunction };
export type { Endpoint, EndpointRequest, Endpoints, HttpFunctionOptions, HttpHandler };
