import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../shared/domain/account';
import { EventsMetric, publishStreamBatch } from '../../../shared/events/batch';
import type { EventPublisher } from '../../../shared/events/publisher';
import { accountKey, historyKey } from '../../../shared/store/keys';

const entry = (n: number): HistoryEntry => ({
  id: `01JA00000000000000000000${String(n).padStart(2, '0')}`,
  accountId: 'acc1',
  domain: 'example.org',
  at: '2025-03-01T12:00:00.000Z',
  from: 'active',
  to: 'locked',
  action: 'lock',
  actor: 'alice',
  reason: null,
  requestId: null,
});

const image = (item: Record<string, unknown>) => marshall(item) as Record<string, AttributeValue>;

function historyRecord(n: number): DynamoDBRecord {
  const keys = historyKey('acc1', entry(n).id);
  return {
    eventID: `e${n}`,
    eventName: 'INSERT',
    dynamodb: { Keys: image(keys), NewImage: image({ ...keys, ...entry(n) }), SequenceNumber: String(n) },
  };
}

function accountRecord(n: number): DynamoDBRecord {
  const keys = accountKey('acc1');
  return {
    eventID: `e${n}`,
    eventName: 'MODIFY',
    dynamodb: { Keys: image(keys), NewImage: image({ ...keys, accountId: 'acc1' }), SequenceNumber: String(n) },
  };
}

/** A publisher that records what it got and fails the given indexes of each call. */
function recordingPublisher(failIndexes: number[] = []): EventPublisher & { published: HistoryEntry[][] } {
  const published: HistoryEntry[][] = [];
  return {
    published,
    publish: async (entries) => {
      published.push([...entries]);
      return failIndexes.filter((i) => i < entries.length);
    },
  };
}

describe('publishStreamBatch', () => {
  it('publishes one event per history record and nothing for other records', async () => {
    // Prepare
    const publisher = recordingPublisher();
    const counts: Record<string, number> = {};

    // Act
    const result = await publishStreamBatch(publisher, [historyRecord(1), accountRecord(2), historyRecord(3)], {
      count: (metric, value) => {
        counts[metric] = (counts[metric] ?? 0) + value;
      },
    });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toEqual([[entry(1), entry(3)]]);
    expect(counts).toEqual({ [EventsMetric.PUBLISHED]: 2 });
  });

  it('reports the first unpublished record and every later one', async () => {
    // Prepare: the second history entry (record "3") is rejected
    const publisher = recordingPublisher([1]);

    // Act
    const result = await publishStreamBatch(publisher, [
      historyRecord(1),
      accountRecord(2),
      historyRecord(3),
      historyRecord(4),
    ]);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '3' }, { itemIdentifier: '4' }]);
  });

  it('stops at a history record it cannot read, reporting it and what follows', async () => {
    // Prepare
    const broken: DynamoDBRecord = { ...historyRecord(2), dynamodb: { ...historyRecord(2).dynamodb } };
    delete broken.dynamodb?.NewImage;
    const publisher = recordingPublisher();

    // Act
    const result = await publishStreamBatch(publisher, [historyRecord(1), broken, historyRecord(3)]);

    // Assess
    expect(publisher.published).toEqual([[entry(1)]]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }, { itemIdentifier: '3' }]);
  });

  it('gives the same event ids for duplicated records (consumers drop duplicates by id)', async () => {
    const publisher = recordingPublisher();
    await publishStreamBatch(publisher, [historyRecord(1), historyRecord(1)]);
    expect(publisher.published[0]?.map((e) => e.id)).toEqual([entry(1).id, entry(1).id]);
  });
});
