/**
 * The change-event consumer's batch (functions/stream/events.ts): one AccountStatusChanged event per
 * inserted history item. Records whose event was not accepted are reported as batch item failures — the
 * first of them and every later record, so the stream delivers them again (at least once; consumers drop
 * duplicates by `detail.id`).
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { HistoryEntry } from '../domain/account';
import { matchesFilter, STREAM_CONSUMERS } from '../stream/filters';
import { batchItemFailures, historyEntryOf } from '../stream/images';
import type { EventPublisher } from './publisher';

const EventsMetric = {
  PUBLISHED: 'EventsPublished',
  /** Records reported back as batch item failures. */
  UNPUBLISHED: 'EventsUnpublished',
} as const;
type EventsMetric = (typeof EventsMetric)[keyof typeof EventsMetric];

interface EventsBatchOptions {
  readonly count?: (metric: EventsMetric, value: number) => void;
  readonly onError?: (message: string, attributes: Record<string, unknown>) => void;
}

/** The history entries of the batch's history records, each with its record's position in the batch. */
function collect(records: readonly DynamoDBRecord[]): {
  entries: { entry: HistoryEntry; position: number }[];
  badPosition: number | null;
} {
  const entries: { entry: HistoryEntry; position: number }[] = [];
  for (const [position, record] of records.entries()) {
    if (!matchesFilter(record, STREAM_CONSUMERS.events)) continue;
    try {
      entries.push({ entry: historyEntryOf(record), position });
    } catch {
      return { entries, badPosition: position };
    }
  }
  return { entries, badPosition: null };
}

/**
 * Publishes the batch's history entries and reports what has to come again.
 *
 * @example
 * return publishStreamBatch(createEventPublisher(config), event.Records);
 */
async function publishStreamBatch(
  publisher: EventPublisher,
  records: readonly DynamoDBRecord[],
  options: EventsBatchOptions = {},
): Promise<DynamoDBBatchResponse> {
  const { entries, badPosition } = collect(records);
  const failed = await publisher.publish(entries.map((e) => e.entry));
  const positions = [...failed.map((i) => entries[i]?.position ?? 0), ...(badPosition === null ? [] : [badPosition])];
  const published = entries.length - failed.length;
  options.count?.(EventsMetric.PUBLISHED, published);
  if (positions.length === 0) return { batchItemFailures: [] };
  const first = Math.min(...positions);
  const again = records.slice(first);
  options.count?.(EventsMetric.UNPUBLISHED, again.length);
  options.onError?.('events not published; the stream will deliver them again', {
    failed: failed.length,
    badRecord: badPosition !== null,
    again: again.length,
  });
  return { batchItemFailures: batchItemFailures(again) };
}

export { publishStreamBatch, EventsMetric };
export type { EventsBatchOptions };
