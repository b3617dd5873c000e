/**
 * The HTTP functions' observability chain: one Powertools Logger and Metrics per process (made by
 * shared/observability.ts, the one observability module), and optional tracing. Logs name
 * accounts by id and never hold tokens or bodies. The Powertools Tracer (with the X-Ray SDK: 80 KB and a
 * slower cold start) is not bundled: it is required at run time, on the first request, only when
 * POWERTOOLS_TRACE_ENABLED is "true" — from node_modules locally, from the Powertools Lambda layer in the
 * cloud. Otherwise, as locally by default, tracing is a no-op (Lambda's active tracing still records
 * each invocation).
 */
import { createRequire } from 'node:module';
import type { MiddlewareObj } from '@middy/core';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { METRICS_NAMESPACE, powertoolsLogger, powertoolsMetrics, SERVICE_NAME } from '../observability';

const logger = powertoolsLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });
const metrics = powertoolsMetrics(process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE);

type Middleware = MiddlewareObj<unknown, unknown>;

/** The Powertools Tracer's middleware, loaded once when tracing is on; a no-op when it cannot be loaded. */
let tracer: Promise<Middleware | null> | undefined;
/** Kept out of the bundle: a bundler does not follow a require of a computed name. */
const TRACER_PACKAGE = ['@aws-lambda-powertools', 'tracer'].join('/');

async function loadTracer(): Promise<Middleware | null> {
  try {
    const load = createRequire(import.meta.url);
    const tracer = load(TRACER_PACKAGE) as { Tracer: typeof Tracer };
    const middleware = load(`${TRACER_PACKAGE}/middleware`) as { captureLambdaHandler: typeof captureLambdaHandler };
    return middleware.captureLambdaHandler(new tracer.Tracer({ serviceName: SERVICE_NAME }), {
      captureResponse: false,
    }) as Middleware;
  } catch (error) {
    logger.warn('tracing is on but the tracer cannot be loaded; continuing without it', { error });
    return null;
  }
}

/** Tracing of the handler when POWERTOOLS_TRACE_ENABLED is "true"; nothing otherwise. */
function tracing(): Middleware[] {
  if (process.env.POWERTOOLS_TRACE_ENABLED !== 'true') return [];
  const delegate =
    (hook: keyof Pick<Middleware, 'before' | 'after' | 'onError'>) =>
    async (request: Parameters<NonNullable<Middleware['before']>>[0]) => {
      tracer ??= loadTracer();
      await (await tracer)?.[hook]?.(request);
    };
  return [{ before: delegate('before'), after: delegate('after'), onError: delegate('onError') }];
}

/**
 * The observability middlewares, outermost first: logger context (keys reset after each request),
 * metrics (published after each request, with a cold-start metric), and tracing.
 *
 * @example
 * middy(handler).use(observability())
 */
function observability(): Middleware[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }) as Middleware,
    logMetrics(metrics, { captureColdStartMetric: true }) as Middleware,
    ...tracing(),
  ];
}

export { logger, metrics, observability };
