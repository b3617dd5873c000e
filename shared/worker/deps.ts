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
import { createLocalRetryScheduler, createSqsRetryScheduler, type RetryScheduler } from './retry-scheduler';
import { runOperation, type WorkerDeps } from './run-operation';

/**
 * The worker's dependencies for `config`; `overrides` replace any of them (tests, the local stack).
 * Without a retry queue, retries run on in-process timers that call `runOperation` with these deps
 * (stop them with `scheduler.stop()` where the scheduler is a LocalRetryScheduler).
 *
 * @example
 * const deps = createWorkerDeps(loadConfig(), { log: logger });
 */
function createWorkerDeps(config: Config, overrides: Partial<WorkerDeps> = {}): WorkerDeps {
  const queueUrl = config.worker.retryQueueUrl;
  // The local scheduler's retries run with the very deps built here (read when a timer fires).
  const scheduler: RetryScheduler =
    overrides.scheduler ??
    (queueUrl !== undefined
      ? createSqsRetryScheduler(queueUrl, new SQSClient(awsClientConfig(config)))
      : createLocalRetryScheduler((m) => runOperation(deps, m.accountId, m.operationId, { round: m.round })));
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

export { createWorkerDeps };
