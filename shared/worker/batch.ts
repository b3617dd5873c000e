/**
 * The worker's batches: table-stream records that start a round (functions/stream/worker.ts) and delayed
 * retries from the retry queue (functions/queue/retry.ts). A record the worker itself cannot process (the
 * store unreachable, a malformed record) is reported as a batch item failure, so the cloud retries, bisects
 * and finally dead-letters it; the account stays in progress. A platform failure is not such a failure:
 * it is recorded on the account and retried by the worker.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { describeError } from '../observability';
import { batchItemFailures, dispatchOf } from '../stream/images';
import { matchesFilter, STREAM_CONSUMERS } from '../stream/filters';
import { parseRetryMessage, type RetryMessage } from './retry-scheduler';
import { runOperation, type RunResult, type WorkerDeps } from './run-operation';

const WorkerMetric = {
  COMPLETED: 'OperationsCompleted',
  /** Failed attempts that were recorded and retried (or gave up). */
  FAILED_ATTEMPTS: 'FailedAttempts',
  GAVE_UP: 'OperationsGaveUp',
  /** Triggers that found nothing to do (cancelled, completed, replaced rounds). */
  SKIPPED: 'AttemptsSkipped',
  /** Records reported back as batch item failures. */
  UNPROCESSED: 'UnprocessedRecords',
} as const;
type WorkerMetric = (typeof WorkerMetric)[keyof typeof WorkerMetric];

interface BatchOptions {
  /** The invocation's request id, recorded on completions' history entries. */
  readonly requestId?: string | null;
  /** Counts a metric (Powertools Metrics in the functions). */
  readonly count?: (metric: WorkerMetric, value: number) => void;
}

const METRIC_OF: Readonly<Record<RunResult['outcome'], WorkerMetric[]>> = {
  completed: [WorkerMetric.COMPLETED],
  retrying: [WorkerMetric.FAILED_ATTEMPTS],
  gave_up: [WorkerMetric.FAILED_ATTEMPTS, WorkerMetric.GAVE_UP],
  skipped: [WorkerMetric.SKIPPED],
};

/** Runs the attempt a trigger (stream dispatch or retry message) names, and counts its outcome. */
async function runCounted(
  deps: WorkerDeps,
  trigger: RetryMessage,
  options: BatchOptions,
  count: NonNullable<BatchOptions['count']>,
): Promise<void> {
  const { accountId, operationId, round } = trigger;
  const result = await runOperation(deps, accountId, operationId, { round, requestId: options.requestId ?? null });
  for (const metric of METRIC_OF[result.outcome]) count(metric, 1);
}

/**
 * Runs the operation of every worker record, in order. At the first record that cannot be processed it
 * stops, and reports that record and every later one (the stream resumes from the first of them).
 *
 * @example
 * return runStreamBatch(deps, event.Records, { requestId: context.awsRequestId });
 */
async function runStreamBatch(
  deps: WorkerDeps,
  records: readonly DynamoDBRecord[],
  options: BatchOptions = {},
): Promise<DynamoDBBatchResponse> {
  const count = options.count ?? (() => {});
  for (const [index, record] of records.entries()) {
    if (!matchesFilter(record, STREAM_CONSUMERS.worker)) continue;
    try {
      await runCounted(deps, dispatchOf(record), options, count);
    } catch (error) {
      const unprocessed = records.slice(index);
      deps.log.error('stream record not processed', {
        eventID: record.eventID,
        ...describeError(error),
        unprocessed: unprocessed.length,
      });
      count(WorkerMetric.UNPROCESSED, unprocessed.length);
      return { batchItemFailures: batchItemFailures(unprocessed) };
    }
  }
  return { batchItemFailures: [] };
}

/**
 * Runs the delayed retry of every retry-queue message; each message stands alone, and those that cannot be
 * processed (including malformed ones, which then reach the queue's dead-letter queue) are reported.
 *
 * @example
 * return runRetryBatch(deps, event.Records, { requestId: context.awsRequestId });
 */
async function runRetryBatch(
  deps: WorkerDeps,
  records: readonly SQSRecord[],
  options: BatchOptions = {},
): Promise<SQSBatchResponse> {
  const count = options.count ?? (() => {});
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    try {
      await runCounted(deps, parseRetryMessage(record.body), options, count);
    } catch (error) {
      deps.log.error('retry message not processed', { messageId: record.messageId, ...describeError(error) });
      count(WorkerMetric.UNPROCESSED, 1);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

export { runStreamBatch, runRetryBatch, WorkerMetric };
export type { BatchOptions };
