/**
 * The durations and limits the status rules use (SPEC §2 "Every duration above is configuration with that
 * default"). The config module builds one from the environment; tests build their own.
 */
import type { Status } from './statuses';

interface Policy {
  /** An active account with no activity for this long becomes inactive. */
  readonly inactivityMs: number;
  /** A leaver's window: leaveDate + this. */
  readonly leaverWindowMs: number;
  /** How far back and ahead a leave date may be, in days. */
  readonly leaveDatePastDays: number;
  readonly leaveDateFutureDays: number;
  /** A deleted account is restorable for this long (purgeAfter = deletedAt + this). */
  readonly retentionMs: number;
  /** Failed logins are counted inside this window. */
  readonly failureWindowMs: number;
  /** At this many failures inside the window the account is locked. */
  readonly maxFailures: number;
  /** How long a failed_logins lock lasts; 0 means until an administrator unlocks. */
  readonly lockoutMs: number;
  /** lastActivityAt is persisted at most this often per account unless the status changes. */
  readonly activityWriteIntervalMs: number;
  /** In progress for longer than this is stuck; per in-progress status, with a default. */
  readonly stuckAfterMs: Readonly<Partial<Record<Status, number>>> & { readonly default: number };
  /** While stuck, a reminder this often. */
  readonly stuckReminderMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The defaults of SPEC §2 and §5. */
const DEFAULT_POLICY: Policy = {
  inactivityMs: 30 * DAY,
  leaverWindowMs: 30 * DAY,
  leaveDatePastDays: 30,
  leaveDateFutureDays: 365,
  retentionMs: 30 * DAY,
  failureWindowMs: HOUR,
  maxFailures: 10,
  lockoutMs: HOUR,
  activityWriteIntervalMs: HOUR,
  stuckAfterMs: { default: 24 * HOUR },
  stuckReminderMs: 24 * HOUR,
};

/** The stuck threshold for an in-progress status. */
function stuckAfterMs(policy: Policy, status: Status): number {
  return policy.stuckAfterMs[status] ?? policy.stuckAfterMs.default;
}

export { DEFAULT_POLICY, HOUR, DAY, stuckAfterMs };
export type { Policy };
