/**
 * The worker (SPEC §5): triggered by the table's stream, filtered (STREAM_CONSUMERS.worker) to the writes
 * that start a round of an in-progress operation. Runs each operation's attempt; reports the records it
 * could not process as batch item failures (retried, bisected, then dead-lettered).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { loadConfig } from '../../shared/config';
import { instrument, observability } from '../../shared/observability';
import { runStreamBatch } from '../../shared/worker/batch';
import { createWorkerDeps } from '../../shared/worker/deps';
import type { WorkerDeps } from '../../shared/worker/run-operation';

const obs = observability('worker');
let deps: WorkerDeps | undefined;

/**
 * A worker handler on given dependencies (the local stack and tests).
 *
 * @example
 * const handle = createWorkerHandler(createWorkerDeps(config));
 * await handle({ Records: records });
 */
function createWorkerHandler(workerDeps: WorkerDeps, count?: (metric: string, value: number) => void) {
  return (event: DynamoDBStreamEvent, context?: Pick<Context, 'awsRequestId'>): Promise<DynamoDBBatchResponse> =>
    runStreamBatch(workerDeps, event.Records, {
      requestId: context?.awsRequestId ?? null,
      ...(count ? { count } : {}),
    });
}

const handler = instrument(async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  deps ??= createWorkerDeps(loadConfig(), { log: obs.logger });
  return createWorkerHandler(deps, obs.count)(event, context);
}, obs);

export { handler, createWorkerHandler };
