import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../shared/domain/policy';
import { createDirectPlatform } from '../../../shared/platform/direct';
import type { AccountStore } from '../../../shared/store/port';
import { accountKey } from '../../../shared/store/keys';
import { runRetryBatch, runStreamBatch, WorkerMetric } from '../../../shared/worker/batch';
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
