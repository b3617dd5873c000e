/**
 * Delayed worker retries (SPEC §5): SQS messages `{accountId, operationId, round}` the worker put on the
 * retry queue with a backoff delay. Each runs the next attempt; unprocessable messages are reported as
 * batch item failures (and reach the queue's dead-letter queue after its receive count).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConfig } from '../../shared/config';
import { instrument, observability } from '../../shared/observability';
import { runRetryBatch } from '../../shared/worker/batch';
import { createWorkerDeps } from '../../shared/worker/deps';
import type { WorkerDeps } from '../../shared/worker/run-operation';

const obs = observability('retry');
let deps: WorkerDeps | undefined;

/** A retry-queue handler on given dependencies (tests). */
function createRetryHandler(workerDeps: WorkerDeps, count?: (metric: string, value: number) => void) {
  return (event: SQSEvent, context?: Pick<Context, 'awsRequestId'>): Promise<SQSBatchResponse> =>
    runRetryBatch(workerDeps, event.Records, { requestId: context?.awsRequestId ?? null, ...(count ? { count } : {}) });
}

const handler = instrument(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  deps ??= createWorkerDeps(loadConfig(), { log: obs.logger });
  return createRetryHandler(deps, obs.count)(event, context);
}, obs);

export { handler, createRetryHandler };
