/**
 * Builds the worker's dependencies from the configuration: the store, the configured platform adapter,
 * the alert publisher, and the retry scheduler (the SQS retry queue when RETRY_QUEUE_URL is set, in-process
 * timers otherwise).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAlertPublisher } from '../alerts/publisher';
import { awsClientConfig } from '../aws/clients';
import type { Config } from '../config';
import { CONSOLE_LOGGER } from '../observability';
import { createMailPlatform } from '../platform/create';
import { createStore } from '../store/dynamo-store';
import {
  createLocalRetryScheduler,
  createSqsRetryScheduler,
  type LocalRetryScheduler,
  type RetryScheduler,
} from './retry-scheduler';
import { runOperation, type WorkerDeps } from './run-operation';

/**
 * The local schedulers by retries file: one per file in a process, so the worker function and the local
 * stack (which re-arms the retries owed at start and stops them at stop) share its timers.
 */
const LOCAL_SCHEDULERS = new Map<string, LocalRetryScheduler>();

/**
 * Stops the local retries kept in `file` (waiting for those running) and forgets them; the file keeps
 * what is owed for the next start.
 *
 * @example
 * await releaseLocalRetries(config.worker.retryFile);
 */
async function releaseLocalRetries(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  const scheduler = LOCAL_SCHEDULERS.get(file);
  LOCAL_SCHEDULERS.delete(file);
  await scheduler?.stop();
}

/**
 * The worker's dependencies for `config`; `overrides` replace any of them (tests, the local stack).
 * Without a retry queue, retries run on in-process timers that call `runOperation` with these deps
 * (stop them with `scheduler.stop()` where the scheduler is a LocalRetryScheduler).
 *
 * @example
 * const deps = createWorkerDeps(loadConfig(), { log: logger });
 */
function createWorkerDeps(config: Config, overrides: Partial<WorkerDeps> = {}): WorkerDeps {
  const { retryQueueUrl: queueUrl, retryFile } = config.worker;
  // The local scheduler's retries run with the very deps built here (read when a timer fires); with a
  // retries file, with those of the first deps built for that file in this process.
  const local = (): LocalRetryScheduler => {
    const run = (m: { accountId: string; operationId: string; round?: number }) =>
      runOperation(deps, m.accountId, m.operationId, { round: m.round });
    if (retryFile === undefined) return createLocalRetryScheduler(run);
    const shared = LOCAL_SCHEDULERS.get(retryFile) ?? createLocalRetryScheduler(run, { file: retryFile });
    LOCAL_SCHEDULERS.set(retryFile, shared);
    return shared;
  };
  const scheduler: RetryScheduler =
    overrides.scheduler ??
    (queueUrl !== undefined ? createSqsRetryScheduler(queueUrl, new SQSClient(awsClientConfig(config))) : local());
  const deps: WorkerDeps = {
    store: overrides.store ?? createStore(config),
    policy: overrides.policy ?? config.policy,
    platform: overrides.platform ?? createMailPlatform(config),
    alerts: overrides.alerts ?? createAlertPublisher(config),
    worker: overrides.worker ?? config.worker,
    log: overrides.log ?? CONSOLE_LOGGER,
    scheduler,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  };
  return deps;
}

export { createWorkerDeps, releaseLocalRetries };
