/**
 * The public routes (no token): GET /status-model and GET /openapi.json. Hand-written, without the middleware
 * chain of http-function.ts: both answers are strings — the status model made from the policy before the first
 * event, the OpenAPI document generated at build time (shared/http/openapi-json.ts) and loaded on its first
 * request (135 KB: in a Lambda bundle a file of its own, shared/lazy-modules.ts) — so the function starts as
 * fast as an empty one (SPEC §8). It keeps the chain's answers, in its order: a body over 16 KiB is 413,
 * one not declared JSON 415 (the chain's own checks, ../middleware/limits.ts), any body 400 (the query
 * string is ignored: cache busting is fine), an unknown route 404 (problem+json); every response carries X-Request-Id.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Policy } from '../../domain/policy';
import type { FieldError } from '../../errors';
import type { ApiEvent, ApiResult } from '../event';
import { once } from '../../lazy-modules';
import type * as OpenApiModule from '../generated/openapi';
import { bodyLimit, jsonContentType } from '../middleware/limits';
import { invalidInput, problem, ProblemError, problemResponse, ProblemType } from '../problem';
import { statusModel } from '../status-model';

const CACHEABLE = { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' };

type PublicHandler = (event: APIGatewayProxyEventV2) => Promise<ApiResult>;

/**
 * The generated OpenAPI module, loaded once, on the first GET /openapi.json. In a Lambda bundle the bundler
 * puts its file's name in place of `process.env.BUNDLED_OPENAPI_MODULE` (shared/lazy-modules.ts); run from
 * source, it is the module itself.
 */
const loadOpenApi = once((): Promise<typeof OpenApiModule> =>
  process.env.BUNDLED_OPENAPI_MODULE
    ? (import(process.env.BUNDLED_OPENAPI_MODULE) as Promise<typeof OpenApiModule>)
    : import('../generated/openapi'),
);

/** The chain's body checks (413, then 415), run on the event with its header names in lower case. */
const BODY_CHECKS = [bodyLimit(), jsonContentType()];

function checkBody(event: APIGatewayProxyEventV2): void {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const request = { event: { ...event, headers } as unknown as ApiEvent };
  for (const check of BODY_CHECKS) void check.before?.(request as never);
}

/**
 * The public function's handler: GET /status-model and GET /openapi.json.
 *
 * @example
 * export const handler = publicHandler(loadConfig().policy);
 */
function publicHandler(policy: Policy): PublicHandler {
  const model = JSON.stringify(statusModel(policy));
  const bodies: Readonly<Record<string, () => Promise<string>>> = {
    'GET /status-model': async () => model,
    'GET /openapi.json': async () => (await loadOpenApi()).OPENAPI_JSON,
  };
  return async (event) => {
    const requestId = event.requestContext.requestId || globalThis.crypto.randomUUID();
    const stamp = { 'X-Request-Id': requestId };
    const method = event.requestContext.http.method;
    const body = bodies[`${method} ${event.rawPath}`];
    if (body === undefined) {
      const detail = `There is no route ${method} ${event.rawPath}.`;
      return problemResponse(problem(404, ProblemType.NOT_FOUND, 'Not Found', detail), stamp);
    }
    try {
      checkBody(event);
    } catch (error) {
      if (error instanceof ProblemError) return problemResponse(error.problem, stamp);
      throw error;
    }
    // The query string is ignored (SPEC §4: cache busting such as ?v=1 is fine); a body is refused.
    const errors: FieldError[] =
      event.body === undefined || event.body === '' ? [] : [{ path: '/', message: 'this request takes no body' }];
    if (errors.length > 0) return problemResponse(invalidInput(errors), stamp);
    return { statusCode: 200, headers: { ...CACHEABLE, ...stamp }, body: await body() };
  };
}

export { publicHandler };
export type { PublicHandler };
