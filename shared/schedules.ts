/**
 * The scheduled background work of SPEC §5, declared once: the CDK service stack makes one function and
 * one EventBridge rule per entry; the local stack runs the same list on timers.
 */
import { SWEEP_KINDS, type DueKind, type SweepKind } from './domain/due';

interface Schedule {
  readonly sweep: SweepKind;
  /** How often it runs, in minutes (daily = 1440). */
  readonly everyMinutes: number;
  /** An EventBridge schedule expression for the cloud. */
  readonly expression: string;
  /** Destructive sweeps read at most maxAffected + 1 candidates first and stop (alerting) above it. */
  readonly destructive: boolean;
  readonly description: string;
}

const SCHEDULES: readonly Schedule[] = [
  {
    sweep: 'inactivity',
    everyMinutes: 1440,
    expression: 'cron(15 2 * * ? *)',
    destructive: false,
    description: 'active accounts without activity for 30 days become inactive',
  },
  {
    sweep: 'leaver',
    everyMinutes: 1440,
    expression: 'cron(30 2 * * ? *)',
    destructive: true,
    description: 'leavers whose window has ended are deleted',
  },
  {
    sweep: 'retention',
    everyMinutes: 1440,
    expression: 'cron(45 2 * * ? *)',
    destructive: true,
    description: 'deleted accounts past purgeAfter are purged',
  },
  {
    sweep: 'lockout',
    everyMinutes: 5,
    expression: 'rate(5 minutes)',
    destructive: false,
    description: 'expired failed-login lockouts return to their previous status',
  },
  {
    sweep: 'stuck',
    everyMinutes: 15,
    expression: 'rate(15 minutes)',
    destructive: false,
    description: 'accounts in progress too long page on-call',
  },
];

/**
 * The candidate sets each sweep reads, in order (the stuck detector: stuck accounts, then open episodes).
 * The sweeps query them; the CDK grants each sweep exactly the indexes serving them (DUE_KIND_INDEX).
 */
const SWEEP_READS = {
  inactivity: ['inactivity'],
  leaver: ['leaver'],
  retention: ['retention'],
  lockout: ['lockout'],
  stuck: ['stuck', 'stuck_alert'],
} as const satisfies Readonly<Record<SweepKind, readonly DueKind[]>>;

/**
 * Whether a sweep is destructive (leaver, retention): it brakes above maxAffected candidates.
 *
 * @example
 * isDestructive('retention') // true
 */
function isDestructive(sweep: SweepKind): boolean {
  return SCHEDULES.some((s) => s.sweep === sweep && s.destructive);
}

/** The sweep kinds are the domain's (shared/domain/due.ts); re-exported for the code that runs the schedules. */
export { SCHEDULES, SWEEP_KINDS, SWEEP_READS, isDestructive };
export type { Schedule, SweepKind };
