/**
 * Delayed retries of a failed attempt. In the cloud a message on the retry queue (SQS DelaySeconds);
 * locally an in-process timer, each retry owed also written to a file (RETRY_FILE) so that a restart of
 * the local stack — after a clean stop or a crash — re-arms it (at once if it is overdue). Either way the
 * retry runs `runOperation` for the same operationId, without touching the account (a failure record
 * never re-triggers the worker through the stream).
 */
import { readFileSync } from 'node:fs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import writeFileAtomic from 'write-file-atomic';
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
  /**
   * Cancels every timer not yet run and waits for the retries running (the local stack's shutdown); with a
   * file, the retries owed stay in it for the next start.
   */
  stop(): Promise<void>;
  /** How many retries are waiting. */
  pending(): number;
}

interface LocalRetryOptions {
  /**
   * Where the retries owed are kept (0600, written atomically before schedule() returns); read at creation,
   * and every retry in it armed (at once if overdue). None: timers only.
   */
  readonly file?: string;
  /** Logs a retry that failed (default: an ERROR line). */
  readonly onError?: (message: RetryMessage, error: unknown) => void;
}

/** One line of the retries file. */
interface OwedRetry extends RetryMessage {
  /** When it is due (ISO 8601). */
  readonly dueAt: string;
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

/** The retries a file holds; none when it is missing or unreadable (the stuck detector stays the last net). */
function readOwed(file: string): OwedRetry[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { retries?: unknown };
    if (!Array.isArray(parsed.retries)) return [];
    return parsed.retries.filter(
      (r): r is OwedRetry =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as OwedRetry).accountId === 'string' &&
        typeof (r as OwedRetry).operationId === 'string' &&
        typeof (r as OwedRetry).dueAt === 'string',
    );
  } catch {
    return [];
  }
}

const keyOf = (message: RetryMessage): string => `${message.operationId}#${message.round ?? ''}`;

const logFailure = (message: RetryMessage, error: unknown): void =>
  logLine('ERROR', 'local retry failed', {
    accountId: message.accountId,
    operationId: message.operationId,
    error: errorMessage(error),
  });

/**
 * Retries on in-process timers, for the local stack. `run` is called with the message when its delay
 * has passed; its errors are logged, never thrown. Timers do not keep the process alive. With a file, each
 * retry owed is recorded there until it has run, and those the file already holds are armed now.
 *
 * @example
 * const scheduler = createLocalRetryScheduler((m) => runOperation(deps, m.accountId, m.operationId, m), {
 *   file: '.local/retries.json',
 * });
 * // on shutdown:
 * await scheduler.stop();
 */
function createLocalRetryScheduler(
  run: (message: RetryMessage) => Promise<unknown>,
  options: LocalRetryOptions = {},
): LocalRetryScheduler {
  const { file } = options;
  const onError = options.onError ?? logFailure;
  const timers = new Map<string, NodeJS.Timeout>();
  const owed = new Map<string, OwedRetry>();
  const running = new Set<Promise<void>>();
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;

  const persist = (): Promise<void> => {
    if (file === undefined) return Promise.resolve();
    const body = `${JSON.stringify({ retries: [...owed.values()] }, null, 2)}\n`;
    writing = writing.catch(() => undefined).then(() => writeFileAtomic(file, body, { mode: 0o600 }));
    return writing;
  };

  const arm = (retry: OwedRetry): void => {
    const key = keyOf(retry);
    const previous = timers.get(key);
    if (previous !== undefined) clearTimeout(previous);
    const { dueAt, ...message } = retry;
    const timer = setTimeout(
      () => {
        timers.delete(key);
        const done = run(message)
          .catch((error: unknown) => onError(message, error))
          .then(async () => {
            // Done with this one, unless the run itself scheduled the next attempt under the same key.
            if (owed.get(key)?.dueAt === dueAt) {
              owed.delete(key);
              await persist().catch((error: unknown) => onError(message, error));
            }
          })
          .finally(() => running.delete(done));
        running.add(done);
      },
      Math.max(0, Date.parse(dueAt) - Date.now()),
    );
    timer.unref();
    timers.set(key, timer);
  };

  if (file !== undefined) {
    for (const retry of readOwed(file)) {
      owed.set(keyOf(retry), retry);
      arm(retry);
    }
  }

  return {
    async schedule(message, delaySeconds) {
      if (stopped) return;
      const retry: OwedRetry = {
        ...message,
        dueAt: new Date(Date.now() + clampDelay(delaySeconds) * 1000).toISOString(),
      };
      owed.set(keyOf(retry), retry);
      await persist();
      arm(retry);
    },
    async stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
      await writing.catch(() => undefined);
    },
    pending: () => timers.size,
  };
}

export { createSqsRetryScheduler, createLocalRetryScheduler, parseRetryMessage, InvalidRetryMessageError };
export type { LocalRetryOptions, LocalRetryScheduler, OwedRetry, RetryMessage, RetryScheduler };
