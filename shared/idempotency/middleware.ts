/**
 * `Idempotency-Key` for a route (SPEC §4): looked up right after authentication; keyed by the caller's
 * `sub`, the method, the path and the key. The same body again returns the stored response and changes
 * nothing; another body is 422; while the first request still runs, 409. Only successful (2xx) responses
 * are stored: a failure releases the key. Built on Powertools' middy middleware, which this wraps so that
 * a request without the header skips it and only the request that claimed a key ever releases it.
 */
import type { MiddlewareObj } from '@middy/core';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { IdempotencyKeyReusedError, RequestInProgressError } from '../errors';
import type { ApiEvent, ApiResult } from '../http/event';

/** The request header (as normalized: lower case). */
const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The replayed response says so. */
const REPLAYED_HEADER = 'Idempotent-Replayed';

/** What identifies a request: caller, method, path and the client's key. */
const KEY_PATH = `[requestContext.authorizer.jwt.claims.sub, requestContext.http.method, rawPath, headers."${IDEMPOTENCY_KEY_HEADER}"]`;

/** Marks, on the middy request, that this request claimed its key (and so must store or release it). */
const CLAIMED = 'mailboxLifecycle.idempotencyClaimed';

interface IdempotencyOptions {
  readonly persistenceStore: BasePersistenceLayer;
  /** How long a stored response is kept (SPEC: 24 hours). */
  readonly ttlSeconds: number;
}

type Request = Parameters<NonNullable<MiddlewareObj<ApiEvent, ApiResult>['before']>>[0];

const hasKey = (event: ApiEvent): boolean => (event.headers?.[IDEMPOTENCY_KEY_HEADER] ?? '') !== '';

const replayed = (response: unknown): unknown => {
  const stored = response as ApiResult;
  return { ...stored, headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' } };
};

/**
 * Powertools' idempotency errors as the family's (shared/errors.ts); anything else as it is.
 *
 * @example
 * fromPowertools(new IdempotencyValidationError('mismatch')) // IdempotencyKeyReusedError
 */
function fromPowertools(error: unknown): unknown {
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return new RequestInProgressError('A request with this Idempotency-Key is still being processed; retry it later.', {
      cause: error,
    });
  }
  if (error instanceof IdempotencyInconsistentStateError) {
    return new RequestInProgressError('A request with this Idempotency-Key is changing state; retry it later.', {
      cause: error,
    });
  }
  if (error instanceof IdempotencyValidationError) {
    return new IdempotencyKeyReusedError('the Idempotency-Key was used with another body', { cause: error });
  }
  return error;
}

/**
 * The middleware; put it right after authentication.
 *
 * @example
 * middy(handler).use([authenticate(), idempotency({ persistenceStore, ttlSeconds: 86_400 }), ...])
 */
function idempotency(options: IdempotencyOptions): MiddlewareObj<ApiEvent, ApiResult> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: KEY_PATH,
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: options.ttlSeconds,
    hashFunction: 'sha256',
    responseHook: replayed as NonNullable<ConstructorParameters<typeof IdempotencyConfig>[0]['responseHook']>,
  });
  const powertools = makeHandlerIdempotent({
    persistenceStore: options.persistenceStore,
    config,
    keyPrefix: 'http',
  }) as Required<Pick<MiddlewareObj, 'before' | 'after' | 'onError'>>;
  const internal = (request: Request): Record<string, unknown> => request.internal as Record<string, unknown>;
  const claimed = (request: Request): boolean => internal(request)[CLAIMED] === true;

  return {
    before: async (request) => {
      if (!hasKey(request.event)) return undefined;
      const stored: unknown = await powertools.before(request).catch((error: unknown) => {
        throw fromPowertools(error);
      });
      if (stored !== undefined) return stored as ApiResult;
      internal(request)[CLAIMED] = true;
      return undefined;
    },
    after: async (request) => {
      if (!claimed(request)) return;
      const status = request.response?.statusCode ?? 500;
      if (status >= 200 && status < 300) await powertools.after(request);
      else await powertools.onError(request);
    },
    onError: async (request) => {
      if (claimed(request)) await powertools.onError(request);
    },
  };
}

export { fromPowertools, idempotency, IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER };
export type { IdempotencyOptions };
