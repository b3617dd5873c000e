/**
 * SQS queues as this app makes them: encrypted at rest (SQS-managed keys, which EventBridge, SNS and Lambda
 * can all write to without a key policy), TLS only.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type DeadLetterQueue as DeadLetterQueueSpec } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The longest SQS keeps a message: time for on-call to look at what failed. */
const DLQ_RETENTION = Duration.days(14);

interface WorkQueueProps {
  /** Must be at least the consuming function's timeout (AWS requires it; six times is the advice). */
  readonly visibilityTimeout: Duration;
  readonly deadLetterQueue: DeadLetterQueueSpec;
}

/**
 * A queue that something consumes, with its own dead-letter queue.
 *
 * @example
 * const dlq = new DeadLetterQueue(this, 'RetryDlq', { holds: 'retry messages that failed 5 times' });
 * const queue = new WorkQueue(this, 'RetryQueue', {
 *   visibilityTimeout: Duration.minutes(6), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
 * });
 */
class WorkQueue extends Queue {
  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: props.deadLetterQueue,
    });
  }
}

interface DeadLetterQueueProps {
  /** What ends up here, for the acknowledgements ("records the worker could not process", …). */
  readonly holds: string;
}

/**
 * A dead-letter queue: encrypted, TLS only, keeping messages 14 days. It has no dead-letter queue of its
 * own — the acknowledgements say so, with what it holds.
 */
class DeadLetterQueue extends Queue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    const reason =
      `This queue is itself a dead-letter queue (it holds ${props.holds}); nothing consumes it ` +
      'automatically, so there is nothing to redrive from it.';
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
  }
}

export { WorkQueue, DeadLetterQueue, DLQ_RETENTION };
export type { WorkQueueProps, DeadLetterQueueProps };
