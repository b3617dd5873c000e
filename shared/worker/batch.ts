/**
 * The worker's batches: table-stream records that start a round (functions/stream/worker.ts) and delayed
 * retries from the retry queue (functions/queue/retry.ts). A record the worker itself cannot process (the
 * store unreachable, a malformed record) is reported as a batch item failure, so the cloud retries, bisects
 * and finally dead-letters it; the account stays in progress. A platform failure is not such a failure:
 * it is recorded on the account and retried by the worker.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { groupAlerts } from '../alerts/grouped';
import { mapLimit } from '../concurrency';
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

/**
 * Records of one batch run at once, at most (SPEC §7: the worker calls the platform for a batch's records
 * concurrently, bounded, so a platform outage is not paid for one record at a time, nor does a batch
 * storm the platform). A stream batch is 10 records, a retry batch 5.
 */
const BATCH_CONCURRENCY = 5;

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

/**
 * Runs `work` with the batch's alerts collected, then sends them: one by one, or one grouped page per type
 * past the threshold (SPEC §5), so a platform outage pages once per batch, not once per account.
 */
async function withGroupedAlerts<T>(
  deps: WorkerDeps,
  source: string,
  options: BatchOptions,
  work: (grouped: WorkerDeps) => Promise<T>,
): Promise<T> {
  const alerts = groupAlerts(deps.alerts, { source, logger: deps.log, requestId: options.requestId ?? null });
  try {
    return await work({ ...deps, alerts });
  } finally {
    // Undelivered alerts are logged by the group (their operations stay given up, listed by the stuck detector).
    await alerts.flush();
  }
}

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
 * Runs the operation of every worker record: the records of one account in stream order, different accounts
 * concurrently (at most BATCH_CONCURRENCY at once). An account stops at its first record that cannot be
 * processed; the batch then reports the earliest such record and every later one (the stream resumes from
 * it; records run again find their round done and are skipped).
 *
 * @example
 * return runStreamBatch(deps, event.Records, { requestId: context.awsRequestId });
 */
async function runStreamBatch(
  deps: WorkerDeps,
  records: readonly DynamoDBRecord[],
  options: BatchOptions = {},
): Promise<DynamoDBBatchResponse> {
  return withGroupedAlerts(deps, 'worker batch', options, (grouped) => streamBatch(grouped, records, options));
}

async function streamBatch(
  deps: WorkerDeps,
  records: readonly DynamoDBRecord[],
  options: BatchOptions,
): Promise<DynamoDBBatchResponse> {
  const count = options.count ?? (() => {});
  const byAccount = new Map<string, { index: number; record: DynamoDBRecord }[]>();
  for (const [index, record] of records.entries()) {
    if (!matchesFilter(record, STREAM_CONSUMERS.worker)) continue;
    let key: string;
    try {
      key = dispatchOf(record).accountId;
    } catch {
      // Malformed: run on its own, where it fails and is reported.
      key = `#${index}`;
    }
    byAccount.set(key, [...(byAccount.get(key) ?? []), { index, record }]);
  }
  const failedAt = await mapLimit([...byAccount.values()], BATCH_CONCURRENCY, async (group) => {
    for (const { index, record } of group) {
      try {
        await runCounted(deps, dispatchOf(record), options, count);
      } catch (error) {
        deps.log.error('stream record not processed', { eventID: record.eventID, ...describeError(error) });
        return index;
      }
    }
    return null;
  });
  const first = Math.min(...failedAt.filter((index) => index !== null));
  if (!Number.isFinite(first)) return { batchItemFailures: [] };
  const unprocessed = records.slice(first);
  deps.log.error('stream batch stopped at a record', { unprocessed: unprocessed.length });
  count(WorkerMetric.UNPROCESSED, unprocessed.length);
  return { batchItemFailures: batchItemFailures(unprocessed) };
}

/**
 * Runs the delayed retry of every retry-queue message, at most BATCH_CONCURRENCY at once; each message stands
 * alone, and those that cannot be processed (including malformed ones, which then reach the queue's dead-letter queue) are reported.
 *
 * @example
 * return runRetryBatch(deps, event.Records, { requestId: context.awsRequestId });
 */
async function runRetryBatch(
  deps: WorkerDeps,
  records: readonly SQSRecord[],
  options: BatchOptions = {},
): Promise<SQSBatchResponse> {
  return withGroupedAlerts(deps, 'retry batch', options, (grouped) => retryBatch(grouped, records, options));
}

async function retryBatch(
  deps: WorkerDeps,
  records: readonly SQSRecord[],
  options: BatchOptions,
): Promise<SQSBatchResponse> {
  const count = options.count ?? (() => {});
  const failed = await mapLimit(records, BATCH_CONCURRENCY, async (record) => {
    try {
      await runCounted(deps, parseRetryMessage(record.body), options, count);
      return null;
    } catch (error) {
      deps.log.error('retry message not processed', { messageId: record.messageId, ...describeError(error) });
      count(WorkerMetric.UNPROCESSED, 1);
      return { itemIdentifier: record.messageId };
    }
  });
  return { batchItemFailures: failed.filter((failure) => failure !== null) };
}

export { runStreamBatch, runRetryBatch, WorkerMetric, BATCH_CONCURRENCY };
export type { BatchOptions };
