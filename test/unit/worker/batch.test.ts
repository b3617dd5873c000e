import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../shared/domain/policy';
import { createDirectPlatform } from '../../../shared/platform/direct';
import type { AccountStore } from '../../../shared/store/port';
import { accountKey } from '../../../shared/store/keys';
import { BATCH_CONCURRENCY, runRetryBatch, runStreamBatch, WorkerMetric } from '../../../shared/worker/batch';
import type { WorkerDeps } from '../../../shared/worker/run-operation';

/** A store that knows no account, and cannot be reached for `broken`. */
const store = {
  get: async (accountId: string) => {
    if (accountId === 'broken') throw new Error('store unreachable');
    return null;
  },
} as unknown as AccountStore;

const errors: string[] = [];
const deps: WorkerDeps = {
  store,
  policy: DEFAULT_POLICY,
  platform: createDirectPlatform(),
  scheduler: { schedule: async () => {} },
  alerts: { publish: async () => {} },
  worker: { maxAttempts: 5, firstDelaySeconds: 30 },
  log: {
    info: () => {},
    warn: () => {},
    error: (message) => {
      errors.push(message);
    },
  },
};

function streamRecord(accountId: string, sequence: string, dispatch?: string): DynamoDBRecord {
  const keys = accountKey(accountId);
  const item = { ...keys, accountId, ...(dispatch ? { dispatch } : {}) };
  return {
    eventID: `e${sequence}`,
    eventName: 'MODIFY',
    dynamodb: {
      Keys: marshall(keys) as Record<string, AttributeValue>,
      NewImage: marshall(item) as Record<string, AttributeValue>,
      SequenceNumber: sequence,
    },
  };
}

const sqsRecord = (messageId: string, body: string): SQSRecord => ({ messageId, body }) as SQSRecord;

describe('runStreamBatch', () => {
  it('runs every dispatch record and skips the rest', async () => {
    // Prepare
    const counts: Record<string, number> = {};

    // Act
    const result = await runStreamBatch(
      deps,
      [streamRecord('a1', '1', 'a1.1#1'), streamRecord('a2', '2'), streamRecord('a3', '3', 'a3.2#1')],
      {
        count: (metric, value) => {
          counts[metric] = (counts[metric] ?? 0) + value;
        },
      },
    );

    // Assess: both unknown accounts are skipped; the record without dispatch is not run at all
    expect(result).toEqual({ batchItemFailures: [] });
    expect(counts).toEqual({ [WorkerMetric.SKIPPED]: 2 });
  });

  it('stops at a record it cannot process and reports it with every later record', async () => {
    // Act
    const result = await runStreamBatch(deps, [
      streamRecord('a1', '1', 'a1.1#1'),
      streamRecord('broken', '2', 'b.1#1'),
      streamRecord('a3', '3', 'a3.1#1'),
    ]);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }, { itemIdentifier: '3' }]);
    expect(errors).toContain('stream record not processed');
  });

  it('reports a dispatch record with a malformed mark', async () => {
    const result = await runStreamBatch(deps, [streamRecord('a1', '7', 'no-round')]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
  });
});

/**
 * A store whose reads take a moment (a platform call's stand-in: every record's attempt starts with one) and
 * that records how many run at once, in all and per account.
 */
function timedStore() {
  const seen = { max: 0, maxPerAccount: 0, order: [] as string[] };
  let inFlight = 0;
  const perAccount = new Map<string, number>();
  const store = {
    get: async (accountId: string) => {
      inFlight += 1;
      perAccount.set(accountId, (perAccount.get(accountId) ?? 0) + 1);
      seen.max = Math.max(seen.max, inFlight);
      seen.maxPerAccount = Math.max(seen.maxPerAccount, perAccount.get(accountId)!);
      seen.order.push(accountId);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      perAccount.set(accountId, perAccount.get(accountId)! - 1);
      return null;
    },
  } as unknown as AccountStore;
  return { store, seen };
}

describe('a batch runs its records concurrently, bounded', () => {
  it('stream: different accounts at once, never more than the bound, one account in order', async () => {
    // Prepare: 12 accounts, the first with two records.
    const { store: slow, seen } = timedStore();
    const records = [
      streamRecord('x0', '0', 'x0.1#1'),
      ...Array.from({ length: 12 }, (_, i) => streamRecord(`a${i}`, String(i + 1), `a${i}.1#1`)),
      streamRecord('x0', '13', 'x0.2#1'),
    ];

    // Act
    const result = await runStreamBatch({ ...deps, store: slow }, records);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(seen.order).toHaveLength(records.length);
    expect(seen.max).toBe(BATCH_CONCURRENCY);
    expect(seen.maxPerAccount).toBe(1);
  });

  it('stream: a failure reports the earliest failed record and every later one, whatever finished first', async () => {
    // Act
    const result = await runStreamBatch(deps, [
      streamRecord('a1', '1', 'a1.1#1'),
      streamRecord('a2', '2', 'a2.1#1'),
      streamRecord('broken', '3', 'b.1#1'),
      streamRecord('a4', '4', 'a4.1#1'),
      streamRecord('broken', '5', 'b.2#1'),
    ]);

    // Assess
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: '3' },
      { itemIdentifier: '4' },
      { itemIdentifier: '5' },
    ]);
  });

  it('retry queue: messages at once, never more than the bound', async () => {
    // Prepare
    const { store: slow, seen } = timedStore();
    const messages = Array.from({ length: 12 }, (_, i) =>
      sqsRecord(`m${i}`, JSON.stringify({ accountId: `a${i}`, operationId: `a${i}.1`, round: 1 })),
    );

    // Act
    const result = await runRetryBatch({ ...deps, store: slow }, messages);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(seen.max).toBe(BATCH_CONCURRENCY);
  });
});

describe('runRetryBatch', () => {
  it('reports exactly the messages it could not process, malformed ones included', async () => {
    // Act
    const result = await runRetryBatch(deps, [
      sqsRecord('m1', JSON.stringify({ accountId: 'a1', operationId: 'a1.1', round: 1 })),
      sqsRecord('m2', JSON.stringify({ accountId: 'broken', operationId: 'b.1', round: 1 })),
      sqsRecord('m3', 'not json'),
      sqsRecord('m4', JSON.stringify({ accountId: 'a4', operationId: 'a4.1' })),
    ]);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
  });
});
