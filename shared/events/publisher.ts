/**
 * Change events (SPEC §3): every history entry is published as one `AccountStatusChanged` EventBridge
 * entry — at least once, so consumers drop duplicates by `detail.id`. In the cloud, PutEvents on
 * EVENT_BUS_NAME; locally one JSON line per event appended to EVENT_FILE (.local/events.jsonl).
 * docs/events.md documents the schema.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { awsClientConfig } from '../aws/clients';
import type { Config } from '../config';
import { reportError } from '../observability';
import type { HistoryEntry } from '../domain/account';

const EVENT_SOURCE = 'mailbox-lifecycle';
const EVENT_DETAIL_TYPE = 'AccountStatusChanged';

/** PutEvents takes at most this many entries per call. */
const PUT_EVENTS_BATCH = 10;

/** The EventBridge event as consumers see it (the local file's line; `id` is the history entry's id). */
interface ChangeEvent {
  readonly id: string;
  readonly source: typeof EVENT_SOURCE;
  readonly 'detail-type': typeof EVENT_DETAIL_TYPE;
  readonly time: string;
  readonly detail: HistoryEntry;
}

interface EventPublisher {
  /** Publishes one event per entry; resolves with the indexes of the entries that were not accepted. */
  publish(entries: readonly HistoryEntry[]): Promise<readonly number[]>;
}

type EventBridge = Pick<EventBridgeClient, 'send'>;

interface EventPublisherOptions {
  /** Injected in tests; one client per publisher otherwise. */
  readonly eventBridge?: EventBridge;
  readonly onError?: (message: string, error: unknown) => void;
}

/** Only the history entry's own fields go into `detail`, in a stable order. */
function detailOf(entry: HistoryEntry): HistoryEntry {
  const { id, accountId, domain, at, from, to, action, actor, reason, requestId } = entry;
  return { id, accountId, domain, at, from, to, action, actor, reason, requestId };
}

/**
 * The event for one history entry, in the shape consumers receive (and the local file holds).
 *
 * @example
 * changeEvent(entry) // { id: entry.id, source: 'mailbox-lifecycle', 'detail-type': 'AccountStatusChanged', time: entry.at, detail }
 */
function changeEvent(entry: HistoryEntry): ChangeEvent {
  return {
    id: entry.id,
    source: EVENT_SOURCE,
    'detail-type': EVENT_DETAIL_TYPE,
    time: entry.at,
    detail: detailOf(entry),
  };
}

/** The PutEvents request entry for one history entry. */
function putEventsEntry(entry: HistoryEntry, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: EVENT_DETAIL_TYPE,
    Time: new Date(entry.at),
    Detail: JSON.stringify(detailOf(entry)),
  };
}

const indexes = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

function eventBridgePublisher(
  busName: string,
  client: EventBridge,
  onError: EventPublisherOptions['onError'] & {},
): EventPublisher {
  return {
    async publish(entries) {
      const failed: number[] = [];
      for (let start = 0; start < entries.length; start += PUT_EVENTS_BATCH) {
        const chunk = entries.slice(start, start + PUT_EVENTS_BATCH);
        try {
          const result = await client.send(
            new PutEventsCommand({ Entries: chunk.map((e) => putEventsEntry(e, busName)) }),
          );
          if (!result.FailedEntryCount) continue;
          (result.Entries ?? []).forEach((answer, i) => {
            if (answer.ErrorCode) failed.push(start + i);
          });
          onError(
            `PutEvents rejected ${result.FailedEntryCount} entries`,
            result.Entries?.find((a) => a.ErrorCode)?.ErrorMessage,
          );
        } catch (error) {
          onError('PutEvents failed', error);
          failed.push(...indexes(start, chunk.length));
        }
      }
      return failed;
    },
  };
}

function filePublisher(file: string | undefined, onError: EventPublisherOptions['onError'] & {}): EventPublisher {
  return {
    async publish(entries) {
      const lines = entries.map((e) => `${JSON.stringify(changeEvent(e))}\n`).join('');
      if (file === undefined) {
        if (lines !== '') process.stdout.write(lines);
        return [];
      }
      try {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, lines);
        return [];
      } catch (error) {
        onError(`events not written to ${file}`, error);
        return indexes(0, entries.length);
      }
    },
  };
}

/**
 * The configured event publisher: EventBridge when EVENT_BUS_NAME is set, else the local file (or
 * standard output when neither is set).
 *
 * @example
 * const failed = await createEventPublisher(loadConfig()).publish(entries); // [] when all went out
 */
function createEventPublisher(
  config: Pick<Config, 'events' | 'region'>,
  options: EventPublisherOptions = {},
): EventPublisher {
  const onError = options.onError ?? reportError;
  const { busName, file } = config.events;
  if (busName !== undefined) {
    return eventBridgePublisher(
      busName,
      options.eventBridge ?? new EventBridgeClient(awsClientConfig(config)),
      onError,
    );
  }
  return filePublisher(file, onError);
}

export { createEventPublisher, changeEvent, putEventsEntry, EVENT_SOURCE, EVENT_DETAIL_TYPE, PUT_EVENTS_BATCH };
export type { ChangeEvent, EventPublisher, EventPublisherOptions };
