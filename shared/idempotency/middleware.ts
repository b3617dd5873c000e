/**
 * `Idempotency-Key` for a route (SPEC §4): looked up after the route's scope check; keyed by the caller's
 * grant — `sub`, scopes and domains, as parsed — the method, the path and the key, so a caller whose grant
 * changed gets no replay (its request is checked and processed afresh). The same body again — compared as
 * JSON values: key order and whitespace do not matter — returns the stored response and changes nothing;
 * another body is 422; while the first request still runs, 409. Only successful (2xx) responses are
 * stored, and without the account's address and name (a replay reads them from the account as it is now:
 * null once purged, SPEC §5): a failure releases the key. A body that is not JSON is never looked up (the checks after answer
 * it 4xx). Built on Powertools' middy middleware, which this wraps so that a request without the header
 * skips it and only the request that claimed a key ever releases it. Powertools (./powertools.ts) is
 * loaded on the first request that carries the header: a function start never reads it (SPEC §8).
 */
import type { MiddlewareObj } from '@middy/core';
import { IdempotencyKeyReusedError, RequestInProgressError } from '../errors';
import type { ApiEvent, ApiResult } from '../http/event';
import { once } from '../lazy-modules';
import type * as PowertoolsModule from './powertools';
import type { Refusal } from './powertools';
import type { IdempotencyRecords } from './records';

/** The request header (as normalized: lower case). */
const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The replayed response says so. */
const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * What Powertools hashes: `key` identifies the request (the caller's grant, method, path, the client's key)
 * and `payload` (the body as a JSON value) must match for a replay. Powertools sorts object keys before
 * hashing, so neither key order nor whitespace matters.
 */
interface Keyed {
  readonly key: {
    readonly sub: string | null;
    readonly scopes: readonly string[];
    readonly domains: '*' | readonly string[];
    readonly method: string;
    readonly path: string;
    readonly idempotencyKey: string;
  };
  readonly payload: unknown;
}

const KEY_PATH = 'key';
const PAYLOAD_PATH = 'payload';

/** Marks, on the middy request, that this request claimed its key (and so must store or release it). */
const CLAIMED = 'mailboxLifecycle.idempotencyClaimed';

/** An account's personal data as it is now; null for an account that no longer exists. */
type PersonalData = (accountId: string) => Promise<{ email: string | null; displayName: string | null } | null>;

interface IdempotencyOptions {
  /** Where the records are kept (./records.ts). */
  readonly records: IdempotencyRecords;
  /** How long a stored response is kept (SPEC: 24 hours). */
  readonly ttlSeconds: number;
  /**
   * Where a replay reads the account's address and name (SPEC §5: they are never stored with the response,
   * so nothing of them outlives a purge); without it, replays answer them as null.
   */
  readonly personalData?: PersonalData;
}

/** The personal fields of an account resource: kept out of stored responses. */
const PERSONAL_FIELDS = ['email', 'displayName'] as const;

type Request = Parameters<NonNullable<MiddlewareObj<ApiEvent, ApiResult>['before']>>[0];

const hasKey = (event: ApiEvent): boolean => (event.headers?.[IDEMPOTENCY_KEY_HEADER] ?? '') !== '';

/** What to hash for `event`; null when its body is not JSON (never looked up nor stored). */
function keyed(event: ApiEvent): Keyed | null {
  let payload: unknown = null;
  if (event.body !== undefined && event.body !== null && event.body !== '') {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      payload = JSON.parse(text);
    } catch {
      return null;
    }
  }
  const caller = event.caller;
  return {
    key: {
      sub: caller?.sub ?? null,
      scopes: [...(caller?.scopes ?? [])].sort(),
      domains: caller === undefined ? [] : caller.domains === '*' ? '*' : [...caller.domains].sort(),
      method: event.requestContext.http.method,
      path: event.rawPath,
      idempotencyKey: event.headers?.[IDEMPOTENCY_KEY_HEADER] ?? '',
    },
    payload,
  };
}

const replayed = (response: unknown): unknown => {
  const stored = response as ApiResult;
  return { ...stored, headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' } };
};

/** The body of a JSON response as an object, or null. */
function bodyObject(response: ApiResult): Record<string, unknown> | null {
  try {
    const body: unknown = JSON.parse(typeof response.body === 'string' ? response.body : '');
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The response as stored: an account resource without its address and name (null in their place).
 *
 * @example
 * withoutPersonalData({ statusCode: 202, body: '{"accountId":"01J…","email":"ann@a.org",…}' }).body
 * // '{"accountId":"01J…","email":null,…}'
 */
function withoutPersonalData(response: ApiResult): ApiResult {
  const body = bodyObject(response);
  if (body === null || !PERSONAL_FIELDS.some((field) => field in body)) return response;
  for (const field of PERSONAL_FIELDS) if (field in body) body[field] = null;
  return { ...response, body: JSON.stringify(body) };
}

/** A stored response with the account's address and name as they are now (null once purged). */
async function withPersonalData(response: ApiResult, personalData: PersonalData | undefined): Promise<ApiResult> {
  const body = bodyObject(response);
  if (body === null || typeof body.accountId !== 'string' || !PERSONAL_FIELDS.some((field) => field in body)) {
    return response;
  }
  const current = personalData === undefined ? null : await personalData(body.accountId);
  for (const field of PERSONAL_FIELDS) if (field in body) body[field] = current?.[field] ?? null;
  return { ...response, body: JSON.stringify(body) };
}

/**
 * Powertools, loaded once, when first needed. A Lambda bundle has it as a file of its own beside index.mjs:
 * the bundler puts that file's name in place of `process.env.BUNDLED_IDEMPOTENCY_MODULE` (shared/lazy-modules.ts)
 * and never reads ./powertools.ts into the function's own file. Run from source (the local stack, the tests),
 * it is the module itself.
 */
const loadPowertools = once((): Promise<typeof PowertoolsModule> =>
  process.env.BUNDLED_IDEMPOTENCY_MODULE
    ? (import(process.env.BUNDLED_IDEMPOTENCY_MODULE) as Promise<typeof PowertoolsModule>)
    : import('./powertools'),
);

/**
 * A refusal of Powertools as the family's error (shared/errors.ts).
 *
 * @example
 * refusalError('other_body', cause) // IdempotencyKeyReusedError
 */
function refusalError(refusal: Refusal, cause: unknown): Error {
  switch (refusal) {
    case 'in_progress':
      return new RequestInProgressError(
        'A request with this Idempotency-Key is still being processed; retry it later.',
        {
          cause,
        },
      );
    case 'changing_state':
      return new RequestInProgressError('A request with this Idempotency-Key is changing state; retry it later.', {
        cause,
      });
    case 'other_body':
      return new IdempotencyKeyReusedError('the Idempotency-Key was used with another body', { cause });
  }
}

/**
 * The middleware; put it right after the route's scope check (it reads the caller authentication set).
 *
 * @example
 * middy(handler).use([authenticate(), idempotency({ records, ttlSeconds: 86_400 }), ...])
 */
function idempotency(options: IdempotencyOptions): MiddlewareObj<ApiEvent, ApiResult> {
  const load = once(() =>
    loadPowertools().then(({ powertoolsIdempotency, refusalOf }) => ({
      powertools: powertoolsIdempotency({
        records: options.records,
        ttlSeconds: options.ttlSeconds,
        keyPath: KEY_PATH,
        payloadPath: PAYLOAD_PATH,
        responseHook: replayed,
      }),
      refusalOf,
    })),
  );
  const internal = (request: Request): Record<string, unknown> => request.internal as Record<string, unknown>;
  const claimed = (request: Request): boolean => internal(request)[CLAIMED] === true;

  return {
    before: async (request) => {
      if (!hasKey(request.event)) return undefined;
      const event = keyed(request.event);
      if (event === null) return undefined;
      const { powertools, refusalOf } = await load();
      // Powertools hashes the event it is given; the rest of the request (internal, context) is shared.
      const stored: unknown = await powertools
        .before({ ...request, event } as unknown as Request)
        .catch((error: unknown) => {
          const refusal = refusalOf(error);
          throw refusal === null ? error : refusalError(refusal, error);
        });
      if (stored !== undefined) return withPersonalData(stored as ApiResult, options.personalData);
      internal(request)[CLAIMED] = true;
      return undefined;
    },
    after: async (request) => {
      if (!claimed(request)) return;
      const { powertools } = await load();
      const status = request.response?.statusCode ?? 500;
      // Stored without the address and name: nothing of them outlives a purge (SPEC §5).
      const response = request.response ? withoutPersonalData(request.response) : request.response;
      if (status >= 200 && status < 300) await powertools.after({ ...request, response } as Request);
      else await powertools.onError(request);
    },
    onError: async (request) => {
      if (claimed(request)) await (await load()).powertools.onError(request);
    },
  };
}

export { idempotency, IDEMPOTENCY_KEY_HEADER, refusalError, REPLAYED_HEADER, withoutPersonalData };
export type { IdempotencyOptions, PersonalData };
