/**
 * The one entry of the five scheduled functions (SPEC §5): env SWEEP names which (inactivity, leaver,
 * retention, lockout, stuck); the event is `{ dryRun?, maxAffected?, now?, continuation? }` (or
 * EventBridge's scheduled-event envelope, meaning `{}`). Logs the summary (Powertools Logger), emits the
 * counts (Powertools Metrics), and hands an unfinished run to a fresh asynchronous invocation of itself.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { awsClientConfig } from '../../shared/aws/clients';
import type { Env } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import { SWEEP_KINDS, type SweepKind } from '../../shared/domain/due';
import { InvalidSweepEventError, type SweepEvent } from '../../shared/sweeps/event';
import { powertoolsLogger, powertoolsMetrics } from '../../shared/observability';
import { SWEEP_DIMENSION, SweepMetric } from '../../shared/sweeps/metrics';
import { runScheduled, type InvocationReport } from '../../shared/sweeps/scheduled';

const logger = powertoolsLogger();
const metrics = powertoolsMetrics();
let lambda: LambdaClient | undefined;

/** The sweep this function runs, from env SWEEP. */
function sweepOf(env: Env): SweepKind {
  const sweep = SWEEP_KINDS.find((kind) => kind === env['SWEEP']);
  if (sweep === undefined)
    throw new ConfigError(`SWEEP must be one of ${SWEEP_KINDS.join(', ')}, got "${env['SWEEP'] ?? ''}"`);
  return sweep;
}

/**
 * Continues the run in a fresh asynchronous invocation of this same function. The Lambda SDK is loaded
 * here, when first needed: most runs finish in one invocation (SPEC §8).
 */
async function invokeSelf(event: SweepEvent): Promise<void> {
  const functionName = process.env['AWS_LAMBDA_FUNCTION_NAME'];
  if (functionName === undefined)
    throw new ConfigError('AWS_LAMBDA_FUNCTION_NAME is not set: cannot continue the sweep');
  const { InvokeCommand, LambdaClient } = await import('../../shared/aws/lambda');
  lambda ??= new LambdaClient(awsClientConfig({ region: process.env['AWS_REGION'] ?? 'eu-west-2' }));
  await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
}

/** The invocation's counts as metrics, with the Sweep dimension. */
function record(report: InvocationReport): void {
  metrics.addDimension(SWEEP_DIMENSION, report.sweep);
  const values: Record<string, number> =
    report.sweep === 'stuck'
      ? {
          [SweepMetric.STUCK_ACCOUNTS]: report.summary.stuck,
          [SweepMetric.ALERTED]: report.summary.alerted,
          [SweepMetric.REMINDED]: report.summary.reminded,
          [SweepMetric.RESOLVED]: report.summary.resolved,
          [SweepMetric.FAILED]: report.summary.failed,
        }
      : {
          [SweepMetric.CANDIDATES]: report.counts.candidates,
          [SweepMetric.CHANGED]: report.counts.changed,
          [SweepMetric.SKIPPED]: report.counts.skipped,
          [SweepMetric.FAILED]: report.counts.failed,
          [SweepMetric.BRAKED]: report.braked ? 1 : 0,
        };
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
}

async function run(event: unknown, context: Context) {
  try {
    return await runScheduled(sweepOf(process.env), event, {
      logger,
      record,
      remainingMs: () => context.getRemainingTimeInMillis(),
      handOff: invokeSelf,
    });
  } catch (error) {
    if (error instanceof InvalidSweepEventError)
      logger.error('invalid sweep event; nothing was changed', { issues: error.issues });
    throw error;
  }
}

const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));

export { handler, runScheduled };
