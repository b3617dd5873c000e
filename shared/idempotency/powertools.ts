/**
 * The Powertools half of `Idempotency-Key` (./middleware.ts): Powertools' middy middleware over a
 * persistence layer that keeps its records through ./records.ts. Only a request that carries the header
 * needs it, so it is loaded when first needed (SPEC §8): in a Lambda bundle it is a file of its own
 * (shared/lazy-modules.ts), which a start does not read. It imports nothing of the AWS SDK and none of the
 * service's error classes (the file would carry copies of them): it says how Powertools refused, and the
 * middleware raises the service's own error.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { MiddlewareObj } from '@middy/core';
import type { IdempotencyItem, IdempotencyRecords } from './records';

const toRecord = (item: IdempotencyItem): IdempotencyRecord =>
  new IdempotencyRecord({
    idempotencyKey: item.hashedKey,
    status: item.status as IdempotencyRecord['status'],
    expiryTimestamp: item.expiresAt,
    inProgressExpiryTimestamp: item.inProgressExpiresAt,
    responseData: item.response as IdempotencyRecord['responseData'],
    payloadHash: item.payloadHash,
  });

const toItem = (record: IdempotencyRecord): IdempotencyItem => ({
  hashedKey: record.idempotencyKey,
  status: record.getStatus(),
  expiresAt: record.expiryTimestamp,
  inProgressExpiresAt: record.inProgressExpiryTimestamp,
  response: record.responseData,
  payloadHash: record.payloadHash,
});

/** Powertools' persistence layer on the service's table (./records.ts). */
class TablePersistenceLayer extends BasePersistenceLayer {
  readonly #records: IdempotencyRecords;

  constructor(records: IdempotencyRecords) {
    super();
    this.#records = records;
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const claim = await this.#records.claim(toItem(record));
    if (!claim.claimed) {
      throw new IdempotencyItemAlreadyExistsError(
        `the idempotency key ${record.idempotencyKey} is taken`,
        claim.holder === undefined ? undefined : toRecord(claim.holder),
      );
    }
  }

  protected override async _getRecord(hashedKey: string): Promise<IdempotencyRecord> {
    const item = await this.#records.get(hashedKey);
    if (item === undefined) throw new IdempotencyItemNotFoundError();
    return toRecord(item);
  }

  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    await this.#records.complete(toItem(record));
  }

  protected override async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.#records.release(record.idempotencyKey);
  }
}

/** How Powertools refused a request: its key still running, changing state, or used with another body. */
type Refusal = 'in_progress' | 'changing_state' | 'other_body';

/**
 * How Powertools refused, if `error` is one of its refusals; null for anything else.
 *
 * @example
 * refusalOf(new IdempotencyValidationError('mismatch')) // 'other_body'
 */
function refusalOf(error: unknown): Refusal | null {
  if (error instanceof IdempotencyAlreadyInProgressError) return 'in_progress';
  if (error instanceof IdempotencyInconsistentStateError) return 'changing_state';
  if (error instanceof IdempotencyValidationError) return 'other_body';
  return null;
}

interface PowertoolsOptions {
  readonly records: IdempotencyRecords;
  readonly ttlSeconds: number;
  /** JMESPath of what identifies the request, and of what must match for a replay. */
  readonly keyPath: string;
  readonly payloadPath: string;
  /** Applied to a stored response before it is returned. */
  readonly responseHook: (response: unknown) => unknown;
}

type PowertoolsMiddleware = Required<Pick<MiddlewareObj, 'before' | 'after' | 'onError'>>;

/** Powertools' middleware over the service's records. */
function powertoolsIdempotency(options: PowertoolsOptions): PowertoolsMiddleware {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.keyPath,
    payloadValidationJmesPath: options.payloadPath,
    expiresAfterSeconds: options.ttlSeconds,
    hashFunction: 'sha256',
    responseHook: options.responseHook as NonNullable<
      ConstructorParameters<typeof IdempotencyConfig>[0]['responseHook']
    >,
  });
  return makeHandlerIdempotent({
    persistenceStore: new TablePersistenceLayer(options.records),
    config,
    keyPrefix: 'http',
  }) as PowertoolsMiddleware;
}

export { powertoolsIdempotency, refusalOf };
export type { PowertoolsMiddleware, PowertoolsOptions, Refusal };
