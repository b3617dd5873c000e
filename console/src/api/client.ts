/**
 * The console's API client: openapi-fetch typed by the service's own OpenAPI document (schema.ts is
 * generated from it). Every request carries the session's token; a 401 ends the session.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type Account = components['schemas']['Account'];
type HistoryEntry = components['schemas']['HistoryEntry'];
type Problem = components['schemas']['Problem'];
type Status = components['schemas']['Status'];
type Api = ReturnType<typeof createClient<paths>>;

/** A failed call, with the problem the API answered (or one made up for a network failure). */
class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
}

/**
 * The client for `baseUrl` ('' is this origin).
 *
 * @example
 * const api = apiClient('', () => session.token, signOut);
 * const { data } = await api.GET('/accounts/{accountId}', { params: { path: { accountId } } });
 */
function apiClient(baseUrl: string, token: () => string | null, onUnauthorized: () => void): Api {
  const client = createClient<paths>({ baseUrl: baseUrl || window.location.origin });
  client.use({
    onRequest({ request }) {
      const value = token();
      if (value) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}

/**
 * The headers of a write: `If-Match` with the version the administrator saw, so a change made meanwhile
 * by someone else is refused (412) rather than overwritten, and a fresh `Idempotency-Key`, so a repeated
 * submission (a double click, a retry after a lost answer) applies once.
 */
function writeHeaders(version: number, idempotencyKey: string = crypto.randomUUID()): Record<string, string> {
  return { 'if-match': `"${version}"`, 'idempotency-key': idempotencyKey };
}

/** The data of a call, or an ApiError with its problem. */
async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError({
      type: 'about:blank',
      title: 'The service could not be reached',
      status: 0,
      detail: `Nothing was changed. Check your connection and try again. (${(error as Error).message})`,
    });
  }
  if (result.data !== undefined && result.response.ok) return result.data;
  const body = result.error as Partial<Problem> & { message?: string };
  throw new ApiError({
    type: body?.type ?? 'about:blank',
    title: body?.title ?? body?.message ?? result.response.statusText,
    status: result.response.status,
    detail: body?.detail ?? body?.message ?? `HTTP ${result.response.status}`,
    ...(body?.allowed ? { allowed: body.allowed } : {}),
    ...(body?.errors ? { errors: body.errors } : {}),
  });
}

export { apiClient, writeHeaders, unwrap, ApiError };
export type { Api, Account, HistoryEntry, Problem, Status };
