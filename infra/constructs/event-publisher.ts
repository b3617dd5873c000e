/**
 * The change-event publisher of SPEC §3: every history entry inserted in the table becomes one
 * AccountStatusChanged entry on the event bus, at least once.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { STREAM_CONSUMER_ENTRIES, STREAM_CONSUMERS } from '../../shared/stream/filters';
import { LambdaFunction } from './lambda-function';
import { STREAM_SOURCE } from './operation-worker';
import { DeadLetterQueue } from './queues';

/** PutEvents takes at most 10 entries: one call per batch. */
const EVENTS_BATCH_SIZE = 10;

interface EventPublisherProps {
  readonly table: ITable;
  readonly eventBus: IEventBus;
  /** Environment every function gets (TABLE_NAME, settings). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The events function on the table's stream (history inserts only) and its dead-letter queue.
 *
 * @example
 * const events = new EventPublisher(this, 'Events', { table, eventBus, environment });
 */
class EventPublisher extends Construct {
  readonly fn: LambdaFunction;
  /** Stream batches whose events could not be put after the retries. */
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: EventPublisherProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      holds: 'descriptions of stream batches whose events could not be published after the retries',
    });
    this.fn = new LambdaFunction(this, 'Function', {
      entry: STREAM_CONSUMER_ENTRIES.events,
      description: 'mailbox-lifecycle events: publishes each history entry as AccountStatusChanged',
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: { ...props.environment, EVENT_BUS_NAME: props.eventBus.eventBusName },
    });
    this.fn.live.addEventSource(
      new DynamoEventSource(props.table, {
        ...STREAM_SOURCE,
        batchSize: EVENTS_BATCH_SIZE,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: STREAM_CONSUMERS.events.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );
    props.eventBus.grantPutEventsTo(this.fn);
    this.fn.acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by the stream event source mapping, never asynchronously: what fails ' +
        "goes to the mapping's on-failure destination.",
    });
  }
}

export { EventPublisher };
export type { EventPublisherProps };
