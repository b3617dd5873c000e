/**
 * Delayed retries of a failed attempt. In the cloud a message on the retry queue (SQS DelaySeconds);
 * locally an in-process timer. Either way the retry runs `runOperation` for the same operationId, without
 * touching the account (a failure record never re-triggers the worker through the stream).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { errorKind } from '../errors';
import { errorMessage, logLine } from '../observability';
import { MAX_DELAY_SECONDS } from './retry-policy';

/** The retry queue's message body. `round` drops a retry left over from a round an operator replaced. */
interface RetryMessage {
  readonly accountId: string;
  readonly operationId: string;
  readonly round?: number;
}

interface RetryScheduler {
  /** Runs the operation again for `message` after `delaySeconds` (capped at SQS's 900). */
  schedule(message: RetryMessage, delaySeconds: number): Promise<void>;
}

interface LocalRetryScheduler extends RetryScheduler {
  /** Cancels every retry not yet run (the local stack's shutdown). */
  stop(): void;
  /** How many retries are waiting. */
  pending(): number;
}

/** A retry message that is not one this service sent. */
class InvalidRetryMessageError extends errorKind('InvalidRetryMessageError', 'invalid_retry_message') {}

type SqsClient = Pick<SQSClient, 'send'>;

const clampDelay = (delaySeconds: number): number => Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)));

/**
 * Parses a retry-queue message body; InvalidRetryMessageError when it is not one.
 *
 * @example
 * parseRetryMessage('{"accountId":"01J…","operationId":"01J…","round":2}')
 */
function parseRetryMessage(body: string): RetryMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidRetryMessageError('the retry message is not JSON');
  }
  const { accountId, operationId, round } = (value ?? {}) as Record<string, unknown>;
  if (typeof accountId !== 'string' || accountId === '' || typeof operationId !== 'string' || operationId === '') {
    throw new InvalidRetryMessageError('the retry message needs accountId and operationId');
  }
  if (round !== undefined && !(Number.isInteger(round) && (round as number) >= 0)) {
    throw new InvalidRetryMessageError('the retry message has a bad round');
  }
  return round === undefined ? { accountId, operationId } : { accountId, operationId, round: round as number };
}

/**
 * Retries through the SQS retry queue (RETRY_QUEUE_URL), delayed with DelaySeconds.
 *
 * @example
 * const scheduler = createSqsRetryScheduler(config.worker.retryQueueUrl, new SQSClient(awsClientConfig(config)));
 */
function createSqsRetryScheduler(queueUrl: string, client: SqsClient): RetryScheduler {
  return {
    async schedule(message, delaySeconds) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: clampDelay(delaySeconds),
        }),
      );
    },
  };
}

/**
 * Retries on in-process timers, for the local stack. `run` is called with the message when its delay
 * has passed; its errors are logged, never thrown. Timers do not keep the process alive.
 *
 * @example
 * const scheduler = createLocalRetryScheduler((m) => runOperation(deps, m.accountId, m.operationId, m));
 * // on shutdown:
 * scheduler.stop();
 */
function createLocalRetryScheduler(run: (message: RetryMessage) => Promise<unknown>): LocalRetryScheduler {
  const timers = new Set<NodeJS.Timeout>();
  return {
    async schedule(message, delaySeconds) {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          run(message).catch((error: unknown) => {
            logLine('ERROR', 'local retry failed', {
              accountId: message.accountId,
              operationId: message.operationId,
              error: errorMessage(error),
            });
          });
        },
        clampDelay(delaySeconds) * 1000,
      );
      timer.unref();
      timers.add(timer);
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    pending: () => timers.size,
  };
}

export { createSqsRetryScheduler, createLocalRetryScheduler, parseRetryMessage, InvalidRetryMessageError };
export type { LocalRetryScheduler, RetryMessage, RetryScheduler };
