/**
 * One scheduled run, as the Lambda handler, the local stack's timers and `npm run sweep` all call it: the
 * event validated, the run's `now` fixed, the sweep (or the stuck detector) run, its summary logged. A run
 * that needs more than one invocation continues: in the Lambda by handing its continuation to a fresh
 * asynchronous invocation of the same function, elsewhere by looping here. The stuck detector has no
 * continuation: it stops at the same deadline and its next scheduled run carries on (see runStuckDetector).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { AlertPublisher } from '../alerts/alert';
import { createAlertPublisher } from '../alerts/publisher';
import { loadConfig, type Config } from '../config';
import type { AccountSweep, SweepKind } from '../domain/due';
import { createStore } from '../store/dynamo-store';
import type { AccountStore } from '../store/port';
import type { Counts } from './continuation';
import { parseSweepEvent, runNow, type SweepEvent } from './event';
import type { Logger as SweepLogger } from '../observability';
import { SERVICE_NAME } from '../observability';
import { runStuckDetector, type StuckSummary } from './stuck';
import { runSweep, type SweepSummary } from './sweep';

interface ScheduledDeps {
  readonly config: Config;
  readonly store: AccountStore;
  readonly alerts: AlertPublisher;
  /** The real time. */
  readonly clock: () => Date;
  readonly logger: SweepLogger;
  /** The Lambda: milliseconds left in this invocation. */
  readonly remainingMs?: () => number;
  /** The Lambda: continue the run in a fresh invocation with this event, instead of looping here. */
  readonly handOff?: (event: SweepEvent) => Promise<void>;
  /** The Lambda: what this invocation counted (not called for dry runs). */
  readonly record?: (report: InvocationReport) => void;
}

/** What one invocation counted, for metrics. */
type InvocationReport =
  | { readonly sweep: AccountSweep; readonly counts: Counts; readonly braked: boolean }
  | { readonly sweep: 'stuck'; readonly summary: StuckSummary };

/** A sweep's summary, and whether a fresh invocation carries on with the rest of the run. */
type ScheduledSummary = (SweepSummary & { readonly continued: boolean }) | StuckSummary;

/** Time kept back from the Lambda's own timeout: the hand-over and the log must still fit. */
const LAMBDA_RESERVE_MS = 30_000;

let fromEnvironment: Pick<ScheduledDeps, 'config' | 'store' | 'alerts' | 'logger'> | undefined;

/** The process's configuration, store, publisher and logger from the environment, built once. */
function environment(): Pick<ScheduledDeps, 'config' | 'store' | 'alerts' | 'logger'> {
  if (fromEnvironment === undefined) {
    const config = loadConfig();
    fromEnvironment = {
      config,
      store: createStore(config),
      alerts: createAlertPublisher(config),
      logger: new Logger({ serviceName: SERVICE_NAME }),
    };
  }
  return fromEnvironment;
}

/** `deps` completed: what is missing is built from `deps.config`, or taken from the environment without it. */
function withDefaults(deps: Partial<ScheduledDeps>): ScheduledDeps {
  const base = deps.config === undefined ? environment() : undefined;
  const config = deps.config ?? environment().config;
  return {
    ...deps,
    config,
    store: deps.store ?? base?.store ?? createStore(config),
    alerts: deps.alerts ?? base?.alerts ?? createAlertPublisher(config),
    clock: deps.clock ?? (() => new Date()),
    logger: deps.logger ?? base?.logger ?? new Logger({ serviceName: SERVICE_NAME }),
  };
}

/** When this invocation must hand over: the configured time budget, within the Lambda's own time. */
function deadlineOf(deps: ScheduledDeps): number {
  const budget = deps.config.sweeps.timeBudgetMs;
  const lambda = deps.remainingMs === undefined ? budget : deps.remainingMs() - LAMBDA_RESERVE_MS;
  return deps.clock().getTime() + Math.max(0, Math.min(budget, lambda));
}

/**
 * Runs `sweep` once for `event` (`{ dryRun?, maxAffected?, now?, continuation? }`) and returns its summary.
 * InvalidSweepEventError for a bad event, before anything is read or changed.
 *
 * @example
 * await runScheduled('leaver', { dryRun: true, now: '2030-01-01T00:00:00Z' })
 * // { sweep: 'leaver', candidates: 3, changed: 0, wouldChange: 3, skipped: 0, failed: 0, dryRun: true, … }
 */
async function runScheduled(
  sweep: SweepKind,
  event: unknown,
  given: Partial<ScheduledDeps> = {},
): Promise<ScheduledSummary> {
  const parsed = parseSweepEvent(sweep, event);
  const deps = withDefaults(given);
  const { config, store, alerts, clock, logger } = deps;
  const now = runNow(parsed, config.sweeps, clock());
  const dryRun = parsed.continuation?.dryRun ?? parsed.dryRun ?? false;

  if (sweep === 'stuck') {
    const summary = await runStuckDetector(
      { store, policy: config.policy, alerts, clock, logger },
      { now, dryRun, deadline: deadlineOf(deps) },
    );
    if (!dryRun) deps.record?.({ sweep, summary });
    logger.info(
      summary.complete
        ? 'stuck detector finished'
        : 'stuck detector stopped at its time budget; the next run carries on',
      { summary },
    );
    return summary;
  }

  let continuation = parsed.continuation ?? null;
  for (;;) {
    const result = await runSweep(
      { store, policy: config.policy, alerts, clock, config, logger },
      {
        sweep,
        now,
        dryRun,
        maxAffected: parsed.maxAffected,
        continuation,
        deadline: deadlineOf(deps),
      },
    );
    if (!dryRun) deps.record?.({ sweep, counts: result.invocation, braked: result.summary.braked ?? false });
    continuation = result.continuation;
    if (continuation === null || deps.handOff !== undefined) {
      if (continuation !== null) await deps.handOff?.({ continuation });
      const summary = { ...result.summary, continued: continuation !== null };
      logger.info(continuation === null ? 'sweep finished' : 'sweep continues in a new invocation', { summary });
      return summary;
    }
    logger.info('sweep continues', { summary: result.summary });
  }
}

export { runScheduled };
export type { InvocationReport, ScheduledDeps, ScheduledSummary };
