/**
 * Powertools for the background functions (stream consumers and the retry queue): one Logger and Metrics
 * per function, and the middy chain that wires them around a handler. No Powertools Tracer: the X-Ray SDK
 * it bundles would take the worker past the 600 KB bundle budget (SPEC §8); the functions' active tracing
 * still records every invocation and its AWS calls' latency.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../sweeps/metrics';

interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Adds a count metric. */
  readonly count: (metric: string, value: number) => void;
}

/**
 * The Powertools instances of one background function.
 *
 * @example
 * const { logger, count } = observability('worker');
 */
function observability(functionName: string): Observability {
  const logger = new Logger({ serviceName: SERVICE_NAME, persistentLogAttributes: { function: functionName } });
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
  });
  const count = (metric: string, value: number): void => {
    if (value > 0) metrics.addMetric(metric, MetricUnit.Count, value);
  };
  return { logger, metrics, count };
}

/**
 * `handler` wrapped in the Lambda context logger and metric flushing.
 *
 * @example
 * export const handler = instrument(async (event, context) => …, observability('events'));
 */
function instrument<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  obs: Observability,
) {
  return middy(handler).use(injectLambdaContext(obs.logger)).use(logMetrics(obs.metrics));
}

export { observability, instrument };
export type { Observability };
