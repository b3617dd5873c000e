/**
 * The change-event publisher (SPEC §3): triggered by the table's stream, filtered (STREAM_CONSUMERS.events)
 * to inserted history items; publishes one AccountStatusChanged event each (EventBridge in the cloud,
 * .local/events.jsonl locally). Unpublished records are reported back, so delivery is at least once.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { loadConfig } from '../../shared/config';
import { publishStreamBatch } from '../../shared/events/batch';
import { createEventPublisher, type EventPublisher } from '../../shared/events/publisher';
import { instrument, observability } from '../../shared/observability';

const obs = observability('events');
let publisher: EventPublisher | undefined;

/**
 * An events handler on a given publisher (the local stack and tests).
 *
 * @example
 * const handle = createEventsHandler(createEventPublisher(config));
 * await handle({ Records: records });
 */
function createEventsHandler(eventPublisher: EventPublisher, count?: (metric: string, value: number) => void) {
  return (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
    publishStreamBatch(eventPublisher, event.Records, {
      ...(count ? { count } : {}),
      onError: (message, attributes) => obs.logger.error(message, attributes),
    });
}

const handler = instrument(async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> => {
  publisher ??= createEventPublisher(loadConfig(), {
    onError: (message, error) => obs.logger.error(message, { error: String(error) }),
  });
  return createEventsHandler(publisher, obs.count)(event);
}, obs);

export { handler, createEventsHandler };
