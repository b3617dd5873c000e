/**
 * Reading table-stream records: images unmarshalled and mapped to domain objects exactly as the store maps
 * its items (key, TTL and derived index attributes stripped), the worker's dispatch mark parsed, and the
 * records handed back as batch item failures.
 */
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { HistoryEntry } from '../domain/account';
import { errorKind } from '../errors';
import { toHistoryEntry } from '../store/items';
import { DISPATCH } from '../store/keys';

type Image = Record<string, AttributeValue>;

/** What a dispatch mark names: one round of one account's operation. */
interface Dispatch {
  readonly accountId: string;
  readonly operationId: string;
  readonly round: number;
}

/** A stream record this service cannot read. */
class StreamRecordError extends errorKind('StreamRecordError', 'invalid_stream_record') {}

/** A stream image as plain values (numbers as numbers, as the store's document client reads them). */
function unmarshallImage(image: Image): Record<string, unknown> {
  return unmarshall(image as Record<string, SdkAttributeValue>);
}

/** The history entry of a history item's stream image. */
function historyEntryFromImage(image: Image): HistoryEntry {
  return toHistoryEntry(unmarshallImage(image));
}

/**
 * Parses a dispatch mark, `<operationId>#<round>`; null when malformed.
 *
 * @example
 * parseDispatch('01J9Z3V6W8K2M4N6P8Q0R2S4T6#2') // { operationId: '01J9Z3V6W8K2M4N6P8Q0R2S4T6', round: 2 }
 */
function parseDispatch(value: string): { operationId: string; round: number } | null {
  const cut = value.lastIndexOf('#');
  if (cut <= 0) return null;
  const round = Number(value.slice(cut + 1));
  if (!/^\d+$/.test(value.slice(cut + 1)) || !Number.isSafeInteger(round)) return null;
  return { operationId: value.slice(0, cut), round };
}

/**
 * The round a worker record starts: from its NewImage's dispatch mark and account id.
 * StreamRecordError when the record carries none (it should not have reached the worker).
 */
function dispatchOf(record: DynamoDBRecord): Dispatch {
  const image = record.dynamodb?.NewImage;
  const mark = image?.[DISPATCH]?.S;
  const accountId = image?.accountId?.S;
  const parsed = mark === undefined ? null : parseDispatch(mark);
  if (parsed === null || accountId === undefined) {
    throw new StreamRecordError(`stream record ${record.eventID ?? '?'} has no valid ${DISPATCH} mark`);
  }
  return { accountId, ...parsed };
}

/** The history entry a history INSERT record carries; StreamRecordError when it carries none. */
function historyEntryOf(record: DynamoDBRecord): HistoryEntry {
  const image = record.dynamodb?.NewImage;
  if (image === undefined) throw new StreamRecordError(`stream record ${record.eventID ?? '?'} has no NewImage`);
  return historyEntryFromImage(image);
}

/**
 * The batch item failures that make the stream deliver `records` again (by sequence number).
 *
 * @example
 * return { batchItemFailures: batchItemFailures(records.slice(firstFailed)) };
 */
function batchItemFailures(records: readonly DynamoDBRecord[]): DynamoDBBatchResponse['batchItemFailures'] {
  return records.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? r.eventID ?? '' }));
}

export {
  unmarshallImage,
  historyEntryFromImage,
  parseDispatch,
  dispatchOf,
  historyEntryOf,
  batchItemFailures,
  StreamRecordError,
};
export type { Dispatch, Image };
