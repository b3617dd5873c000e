/**
 * The fault injection itself (test/helpers/faults.ts) against DynamoDB Local: its faults reach the code as
 * DynamoDB's own errors would (parsed by the SDK, retried by it where DynamoDB's would be), a faulted write
 * writes nothing, and the store turns a lost transaction into the port's ConflictError — the error `apply`
 * retries on the fresh state.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient, LOCAL_CREDENTIALS } from '../../../shared/store/client';
import { ConflictError } from '../../../shared/store/port';
import { injectFaults, seededRandom, type FaultInjector } from '../../helpers/faults';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { faultWorld, type FaultWorld } from './fixtures';

let table: FreshTable;
let faults: FaultInjector;

beforeAll(async () => {
  table = await freshTable();
  faults = injectFaults(dynamoDbClient(table.config));
});
afterEach(() => {
  faults.set({});
  faults.reset();
});
afterAll(() => faults.remove());

/** The error `promise` rejects with (a resolved promise fails the test). */
async function failure<E = Error & { $metadata: { attempts?: number; httpStatusCode?: number } }>(
  promise: Promise<unknown>,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the call to fail');
}

const key = (pk: string) => ({ PK: { S: pk }, SK: { S: 'ITEM' } });
const exists = async (pk: string): Promise<boolean> =>
  (
    await dynamoDbClient(table.config).send(
      new GetItemCommand({ TableName: table.tableName, Key: key(pk), ConsistentRead: true }),
    )
  ).Item !== undefined;

describe('an injected TransactionConflict', () => {
  it('cancels a TransactWriteItems with one reason per item, as DynamoDB does, and writes none of them', async () => {
    faults.set({ transactionConflict: 1 });

    const error = await failure<TransactionCanceledException>(
      dynamoDbClient(table.config).send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table.tableName, Item: key('tx-a') } },
            { Put: { TableName: table.tableName, Item: key('tx-b') } },
            { Put: { TableName: table.tableName, Item: key('tx-c') } },
          ],
        }),
      ),
    );

    faults.set({});
    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['TransactionConflict', 'None', 'None']);
    expect([await exists('tx-a'), await exists('tx-b'), await exists('tx-c')]).toEqual([false, false, false]);
    expect(faults.stats).toMatchObject({
      conflicts: 1,
      byOperation: { TransactWriteItems: { calls: 1, conflicts: 1 } },
    });
  });

  it('fails a single-item write with TransactionConflictException, which the SDK does not retry', async () => {
    faults.set({ transactionConflict: 1 });

    const error = await failure(
      dynamoDbClient(table.config).send(new PutItemCommand({ TableName: table.tableName, Item: key('single') })),
    );

    faults.set({});
    expect(error.name).toBe('TransactionConflictException');
    expect(error.$metadata.attempts).toBe(1);
    expect(await exists('single')).toBe(false);
  });

  it('never touches reads', async () => {
    faults.set({ transactionConflict: 1 });

    await dynamoDbClient(table.config).send(new GetItemCommand({ TableName: table.tableName, Key: key('absent') }));

    expect(faults.stats).toMatchObject({ calls: 1, conflicts: 0 });
  });
});

/** The SDK's default three attempts, but 10 ms between them instead of its throttling backoff (a 1 s base). */
const QUICK_RETRIES = new ConfiguredRetryStrategy(3, 10);

describe('injected throttling', () => {
  // A client of its own whose retries do not wait: these tests count the SDK's retries, not its backoff.
  let quick: DynamoDBClient;
  let throttles: FaultInjector;

  beforeAll(() => {
    quick = new DynamoDBClient({
      region: table.config.region,
      endpoint: table.config.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
      retryStrategy: QUICK_RETRIES,
    });
    throttles = injectFaults(quick);
  });
  afterEach(() => {
    throttles.set({});
    throttles.reset();
  });
  afterAll(() => {
    throttles.remove();
    quick.destroy();
  });

  it('is retried by the SDK itself, so a call throttled fewer times than its attempts succeeds', async () => {
    throttles.set({ throttle: 1, times: 2 });

    await quick.send(new PutItemCommand({ TableName: table.tableName, Item: key('throttled-once') }));

    expect(throttles.stats).toMatchObject({ calls: 3, throttles: 2 });
    expect(await exists('throttled-once')).toBe(true);
  });

  it("surfaces as DynamoDB's throttling errors once the SDK has spent its attempts", async () => {
    const names = new Set<string>();
    for (const throttleError of ['ThrottlingException', 'ProvisionedThroughputExceededException'] as const) {
      throttles.set({ throttle: 1, throttleError });
      const error = await failure(quick.send(new GetItemCommand({ TableName: table.tableName, Key: key('absent') })));
      names.add(error.name);
      expect(error.$metadata.attempts).toBe(3);
      expect(throttles.stats.throttles).toBe(error.$metadata.attempts ?? 0);
      throttles.reset();
    }
    expect([...names].sort()).toEqual(['ProvisionedThroughputExceededException', 'ThrottlingException']);
  });

  it('draws repeatably from a seeded random source', async () => {
    const draw = seededRandom(3);
    const again = seededRandom(3);
    expect(Array.from({ length: 5 }, draw)).toEqual(Array.from({ length: 5 }, again));
  });
});

describe('removing the injection', () => {
  it('lets every call through again', async () => {
    const other = injectFaults(dynamoDbClient(table.config), { throttle: 1 });
    other.remove();

    await dynamoDbClient(table.config).send(
      new PutItemCommand({ TableName: table.tableName, Item: key('after-remove') }),
    );

    expect(other.stats.calls).toBe(0);
    expect(await exists('after-remove')).toBe(true);
    faults = injectFaults(dynamoDbClient(table.config));
  });
});

describe('the store under an injected TransactionConflict', () => {
  let w: FaultWorld;

  beforeAll(async () => {
    faults.remove();
    w = await faultWorld();
  });
  afterEach(() => w.faults.set({}));

  it('reports a cancelled change transaction as ConflictError and writes nothing', async () => {
    const [made] = await w.seed('activeRecent', 1);
    const account = made?.account;
    if (account === undefined) throw new Error('nothing seeded');
    const next = {
      ...account,
      status: 'maintenance' as const,
      version: account.version + 1,
      revision: account.revision + 1,
    };
    const entry = {
      at: new Date().toISOString(),
      from: account.status,
      to: next.status,
      action: 'set_status',
      actor: 'faults',
      reason: null,
      requestId: null,
    };
    w.faults.set({ transactionConflict: 1 });

    const error = await failure(w.store.change(account, next, entry));

    w.faults.set({});
    expect(error).toBeInstanceOf(ConflictError);
    expect(await w.store.get(account.accountId)).toMatchObject({ status: 'active', version: account.version });
  });

  it('reports a single-item write lost to a transaction (a quiet write) as ConflictError, so it is retried like any lost race', async () => {
    const [made] = await w.seed('activeRecent', 1);
    const account = made?.account;
    if (account === undefined) throw new Error('nothing seeded');
    const next = { ...account, lastActivityAt: new Date().toISOString(), revision: account.revision + 1 };
    w.faults.set({ transactionConflict: 1, operations: ['PutItem'] });

    const error = await failure(w.store.quiet(account, next));

    w.faults.set({});
    expect(error).toBeInstanceOf(ConflictError);
    expect((await w.store.get(account.accountId))?.lastActivityAt).toBe(account.lastActivityAt);
  });
});
