/**
 * The worker of SPEC §5: completes in-progress operations through the mail platform. It is triggered by the
 * table's stream (only the writes that start a round, per shared/stream/filters.ts); a failed attempt is
 * retried later through the retry queue, whose consumer runs the same operation again.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { STREAM_CONSUMER_ENTRIES, STREAM_CONSUMERS } from '../../shared/stream/filters';
import { allowAlerts } from './alerting';
import { LambdaFunction } from './lambda-function';
import { DeadLetterQueue, WorkQueue } from './queues';
import { allowTable, TableAction } from './table-access';

/** Per record: a platform call (MAIL_PLATFORM_TIMEOUT_MS, 10 s by default) and a few writes. */
const WORKER_BATCH_SIZE = 10;
const WORKER_TIMEOUT = Duration.minutes(3);
const RETRY_BATCH_SIZE = 5;
/**
 * At most this many retry functions run at once (SQS's maximum concurrency), so a platform recovering from
 * an outage meets a bounded trickle of retries, not a storm: 5 × 5 messages in flight.
 */
const RETRY_MAX_CONCURRENCY = 5;
const RETRY_TIMEOUT = Duration.minutes(2);
/** Receives of one retry message before it goes to the retry dead-letter queue. */
const RETRY_MAX_RECEIVES = 5;

/** The stream event sources' common settings: bounded retries, split batches, per-record failures. */
const STREAM_SOURCE = {
  startingPosition: StartingPosition.TRIM_HORIZON,
  bisectBatchOnError: true,
  retryAttempts: 3,
  maxRecordAge: Duration.hours(24),
  reportBatchItemFailures: true,
} as const;

interface OperationWorkerProps {
  readonly table: ITable;
  readonly alertTopic: ITopic;
  /** The webhook secret, when the mail platform is a webhook. */
  readonly platformSecret: ISecret | undefined;
  /** Environment of both functions (TABLE_NAME, ALERT_TOPIC_ARN, MAIL_PLATFORM…, settings). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The worker function on the stream, its dead-letter queue, the retry queue (with its own dead-letter queue)
 * and the retry function.
 *
 * @example
 * const worker = new OperationWorker(this, 'Worker', { table, alertTopic, platformSecret, environment });
 */
class OperationWorker extends Construct {
  readonly worker: LambdaFunction;
  readonly retry: LambdaFunction;
  /** Stream batches the worker could not process after its retries (the accounts stay in progress). */
  readonly deadLetterQueue: DeadLetterQueue;
  readonly retryQueue: WorkQueue;
  readonly retryDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: OperationWorkerProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      holds: 'descriptions of stream batches the worker failed on after its retries',
    });
    this.retryDeadLetterQueue = new DeadLetterQueue(this, 'RetryDlq', {
      holds: `retry messages the retry function failed on ${RETRY_MAX_RECEIVES} times`,
    });
    this.retryQueue = new WorkQueue(this, 'RetryQueue', {
      visibilityTimeout: Duration.seconds(RETRY_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.retryDeadLetterQueue, maxReceiveCount: RETRY_MAX_RECEIVES },
    });
    const environment = { ...props.environment, RETRY_QUEUE_URL: this.retryQueue.queueUrl };

    this.worker = new LambdaFunction(this, 'Function', {
      entry: STREAM_CONSUMER_ENTRIES.worker,
      description: 'mailbox-lifecycle worker: starts in-progress operations on the mail platform',
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      environment,
    });
    this.worker.live.addEventSource(
      new DynamoEventSource(props.table, {
        ...STREAM_SOURCE,
        batchSize: WORKER_BATCH_SIZE,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: STREAM_CONSUMERS.worker.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );

    this.retry = new LambdaFunction(this, 'RetryFunction', {
      entry: 'functions/queue/retry.ts',
      description: 'mailbox-lifecycle retry: runs a failed operation attempt again after its backoff',
      timeout: RETRY_TIMEOUT,
      memorySize: 512,
      environment,
    });
    this.retry.live.addEventSource(
      new SqsEventSource(this.retryQueue, {
        batchSize: RETRY_BATCH_SIZE,
        maxConcurrency: RETRY_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );
    Validations.of(this.retry.live).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'An SQS event source has no on-failure destination: a message that keeps failing moves to the ' +
        "retry queue's dead-letter queue through its redrive policy.",
    });

    for (const fn of [this.worker, this.retry]) {
      // Read the account, write attempts and completions (and the domain's counter item); completing a purge
      // deletes the email item and the search tokens.
      allowTable(fn, props.table, {
        actions: [TableAction.GET, TableAction.PUT, TableAction.UPDATE, TableAction.DELETE],
      });
      this.retryQueue.grantSendMessages(fn);
      allowAlerts(fn, props.alertTopic);
      props.platformSecret?.grantRead(fn);
      fn.acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by an event source mapping, never asynchronously: what fails goes to ' +
          "the mapping's on-failure destination (stream) or the queue's redrive dead-letter queue (SQS).",
      });
    }
  }
}

export { OperationWorker, STREAM_SOURCE, RETRY_MAX_CONCURRENCY, WORKER_BATCH_SIZE };
export type { OperationWorkerProps };
