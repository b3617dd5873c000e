/**
 * The one observability module: the service's name and metrics namespace, the logging port the shared
 * code asks for, its console implementation (the local stack, the publishers' defaults) and the
 * Powertools Logger and Metrics every Lambda function uses. Logs name accounts by id and never hold
 * tokens, bodies or whole error objects. The HTTP functions' middleware chain (with optional tracing) is
 * shared/http/observability.ts; the sweeps' metric names are shared/sweeps/metrics.ts.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

/** The namespace and service (Powertools adds `service` as a dimension to every metric). */
const METRICS_NAMESPACE = 'MailboxLifecycle';
const SERVICE_NAME = 'mailbox-lifecycle';

/** A structured logger: a message and the attributes that go with it. Powertools' Logger satisfies it. */
interface Logger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** A logger that drops everything. */
const SILENT: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * An error's name and message as log attributes, never its whole object (which may hold a request).
 *
 * @example
 * logger.error('sweep could not change an account', { accountId, ...describeError(error) })
 * describeError(new TypeError('bad')) // { errorName: 'TypeError', errorMessage: 'bad' }
 */
function describeError(error: unknown): { errorName: string; errorMessage: string } {
  return error instanceof Error
    ? { errorName: error.name, errorMessage: error.message }
    : { errorName: 'Error', errorMessage: String(error) };
}

type Level = 'INFO' | 'WARN' | 'ERROR';

const WRITERS: Readonly<Record<Level, (line: string) => void>> = {
  INFO: (line) => console.log(line),
  WARN: (line) => console.warn(line),
  ERROR: (line) => console.error(line),
};

/**
 * Writes one JSON line: INFO to stdout, WARN and ERROR to stderr.
 *
 * @example
 * logLine('ERROR', 'local retry failed', { accountId }) // {"level":"ERROR","message":"local retry failed","accountId":"01J…"}
 */
function logLine(level: Level, message: string, attributes: Readonly<Record<string, unknown>> = {}): void {
  WRITERS[level](JSON.stringify({ level, message, ...attributes }));
}

/** The message of anything thrown (never the whole object, which may hold a request). */
const errorMessage = (error: unknown): string => describeError(error).errorMessage;

/** Reports a failure as an ERROR line naming the error's message. */
function reportError(message: string, error: unknown): void {
  logLine('ERROR', message, { error: errorMessage(error) });
}

/** A {@link Logger} writing one JSON line per call: the default outside Lambda's Powertools logger. */
const CONSOLE_LOGGER: Logger = {
  info: (message, attributes) => logLine('INFO', message, attributes),
  warn: (message, attributes) => logLine('WARN', message, attributes),
  error: (message, attributes) => logLine('ERROR', message, attributes),
};

/**
 * A Powertools Logger of this service; `functionName` is added to every line of a background function.
 *
 * @example
 * const logger = powertoolsLogger({ functionName: 'worker' });
 */
function powertoolsLogger(options: { serviceName?: string; functionName?: string } = {}): PowertoolsLogger {
  const { serviceName = SERVICE_NAME, functionName } = options;
  return new PowertoolsLogger({
    serviceName,
    ...(functionName === undefined ? {} : { persistentLogAttributes: { function: functionName } }),
  });
}

/**
 * A Powertools Metrics of this service (EMF), in `namespace`: by default the stage's own namespace, which the
 * stack sets in POWERTOOLS_METRICS_NAMESPACE (two stages in one account never mix metrics).
 */
function powertoolsMetrics(
  namespace: string = process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS_NAMESPACE,
): Metrics {
  return new Metrics({ namespace, serviceName: SERVICE_NAME });
}

interface Observability {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  /** Adds a count metric. */
  readonly count: (metric: string, value: number) => void;
}

/**
 * The Powertools instances of one background function (stream consumers and the retry queue).
 *
 * @example
 * const { logger, count } = observability('worker');
 */
function observability(functionName: string): Observability {
  const logger = powertoolsLogger({ functionName });
  const metrics = powertoolsMetrics();
  const count = (metric: string, value: number): void => {
    if (value > 0) metrics.addMetric(metric, MetricUnit.Count, value);
  };
  return { logger, metrics, count };
}

/**
 * `handler` wrapped in the Lambda context logger and metric flushing. No Powertools Tracer for the
 * background functions: the X-Ray SDK it bundles would take the worker past the 600 KB bundle budget
 * (SPEC §8); their active tracing still records every invocation and its AWS calls' latency.
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

export {
  CONSOLE_LOGGER,
  METRICS_NAMESPACE,
  SERVICE_NAME,
  SILENT,
  describeError,
  errorMessage,
  instrument,
  logLine,
  observability,
  powertoolsLogger,
  powertoolsMetrics,
  reportError,
};
export type { Logger, Observability };
