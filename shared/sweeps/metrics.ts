/**
 * The sweeps' CloudWatch metrics, declared once: the scheduled handler emits them (Powertools Metrics, EMF)
 * and the CDK stack alarms on them. The namespace and service name: shared/observability.ts.
 */
import type { SweepKind } from '../domain/due';
import { SERVICE_NAME } from '../observability';

/** Every sweep metric carries this dimension, valued with the sweep's name (`inactivity`, …, `stuck`). */
const SWEEP_DIMENSION = 'Sweep';

const SweepMetric = {
  /** Accounts the sweep read from its index (a destructive sweep's brake: the ones it found). */
  CANDIDATES: 'Candidates',
  CHANGED: 'Changed',
  /** Candidates the rule no longer holds for (a stale index read, a racing administrator). */
  SKIPPED: 'Skipped',
  /** Candidates whose change failed (an error other than a lost race); the next run tries again. */
  FAILED: 'Failed',
  /** 1 when a destructive sweep found more than maxAffected candidates and changed nothing. */
  BRAKED: 'Braked',
  /** The stuck detector: accounts in progress past their threshold right now. The stuck alarm watches it. */
  STUCK_ACCOUNTS: 'StuckAccounts',
  ALERTED: 'Alerted',
  REMINDED: 'Reminded',
  RESOLVED: 'Resolved',
} as const;
type SweepMetric = (typeof SweepMetric)[keyof typeof SweepMetric];

/** The dimensions every sweep metric is emitted with (an alarm must name the same set). */
const sweepDimensions = (sweep: SweepKind): Readonly<Record<string, string>> => ({
  service: SERVICE_NAME,
  [SWEEP_DIMENSION]: sweep,
});

export { SWEEP_DIMENSION, SweepMetric, sweepDimensions };
