/**
 * Every time rule of the sweeps and the stuck detector (SPEC §2, §5), in one place: the sweep kinds, and
 * for each kind one pure function saying when an account becomes due for it (null: never, as it stands).
 * The sweeps' rules (./system-rules.ts) check these again on the account they change; the store
 * (shared/store/keys.ts) only shards and encodes what they return into the sparse due-time indexes.
 * Pure: no I/O.
 */
import type { Account, Lock, StuckAlert } from './account';
import { stuckAfterMs, type Policy } from './policy';

/** The scheduled background work: the four account sweeps and the stuck detector. */
const SWEEP_KINDS = ['inactivity', 'leaver', 'retention', 'lockout', 'stuck'] as const;
type SweepKind = (typeof SWEEP_KINDS)[number];

/** The sweeps that change accounts (through `decide`); the stuck detector only alerts. */
const ACCOUNT_SWEEPS = ['inactivity', 'leaver', 'retention', 'lockout'] as const satisfies readonly SweepKind[];
type AccountSweep = (typeof ACCOUNT_SWEEPS)[number];

/**
 * The candidate sets the sweeps read (one sparse index partition each): one per sweep kind, plus the
 * stuck detector's open episodes (`stuck_alert`), which it must look at again to remind or resolve.
 */
const DUE_KINDS = [...SWEEP_KINDS, 'stuck_alert'] as const;
type DueKind = (typeof DUE_KINDS)[number];

/** The instant at which something is "due at once" (a stuck episode that has ended: resolve it now). */
const DUE_AT_ONCE = '1970-01-01T00:00:00.000Z';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Whether the ISO instant `at` is at or before `now` (null: never). */
function reached(at: string | null, now: Date): boolean {
  return at !== null && Date.parse(at) <= now.getTime();
}

/** Whether the account is resting: no outstanding operation. */
const resting = (account: Account): boolean => account.inProgress === null;

/** When a `failed_logins` lock expires; null for an administrator's lock or one "until an administrator unlocks". */
function lockEndsAt(lock: Lock | null): string | null {
  return lock !== null && lock.reason === 'failed_logins' ? lock.until : null;
}

/** Whether a lock is a failed-logins lockout whose time is up at `now`. */
function lockExpired(lock: Lock | null, now: Date): boolean {
  return reached(lockEndsAt(lock), now);
}

/** Inactivity: an active resting account, `inactivityMs` after its last activity (or its status change). */
function inactiveAt(account: Account, policy: Policy): string | null {
  if (account.status !== 'active' || !resting(account)) return null;
  const since = Date.parse(account.statusSince);
  const activity = account.lastActivityAt === null ? since : Math.max(since, Date.parse(account.lastActivityAt));
  return iso(activity + policy.inactivityMs);
}

/** Leaver deletion: a resting leaver that is not deleted, once its window has ended. */
function leaverDueAt(account: Account): string | null {
  const { leaver, status } = account;
  if (leaver === null || !resting(account) || status === 'deleted' || status === 'deleted_permanent') return null;
  return leaver.windowEndsAt;
}

/** Retention purge: a resting deleted account at `purgeAfter` (also the end of its restore period). */
function purgeDueAt(account: Account): string | null {
  return account.status === 'deleted' && resting(account) ? account.purgeAfter : null;
}

/** Lockout expiry: a locked account whose failed-logins lock has an end. */
function lockoutEndsAt(account: Account): string | null {
  return account.status === 'locked' ? lockEndsAt(account.lock) : null;
}

/** The stuck threshold: an operation is stuck `stuckAfterMs` (per in-progress status) after it started. */
function stuckAt(account: Account, policy: Policy): string | null {
  const op = account.inProgress;
  return op === null ? null : iso(Date.parse(op.startedAt) + stuckAfterMs(policy, account.status));
}

/** Whether the stuck memory is about the account's current episode (same operation, same in-progress status). */
function sameEpisode(account: Account, memory: StuckAlert): boolean {
  return (
    account.inProgress !== null &&
    account.inProgress.operationId === memory.operationId &&
    account.status === memory.status
  );
}

/** An open stuck episode: due at its reminder time, or at once when the episode it remembers has ended. */
function alertDueAt(account: Account): string | null {
  const memory = account.stuckAlert;
  if (memory === null) return null;
  return sameEpisode(account, memory) ? memory.remindAt : DUE_AT_ONCE;
}

/** While stuck, the next reminder: `stuckReminderMs` after `now`. */
function nextReminderAt(now: Date, policy: Policy): string {
  return iso(now.getTime() + policy.stuckReminderMs);
}

const RULES: Readonly<Record<DueKind, (account: Account, policy: Policy) => string | null>> = {
  inactivity: inactiveAt,
  leaver: leaverDueAt,
  retention: purgeDueAt,
  lockout: lockoutEndsAt,
  stuck: stuckAt,
  stuck_alert: alertDueAt,
};

/**
 * When `account` becomes due for `kind` (ISO 8601), or null when it is not a candidate of that kind.
 *
 * @example
 * dueAt('inactivity', activeAccount, DEFAULT_POLICY) // lastActivityAt + 30 days
 * dueAt('retention', activeAccount, DEFAULT_POLICY) // null
 */
function dueAt(kind: DueKind, account: Account, policy: Policy): string | null {
  return RULES[kind](account, policy);
}

/**
 * Whether `account` is due for `kind` at `asOf`.
 *
 * @example
 * isDue('stuck', account, now, policy) // in progress past its status's threshold
 */
function isDue(kind: DueKind, account: Account, asOf: Date, policy: Policy): boolean {
  return reached(dueAt(kind, account, policy), asOf);
}

export {
  ACCOUNT_SWEEPS,
  DUE_AT_ONCE,
  DUE_KINDS,
  SWEEP_KINDS,
  dueAt,
  isDue,
  lockEndsAt,
  lockExpired,
  nextReminderAt,
  reached,
  sameEpisode,
};
export type { AccountSweep, DueKind, SweepKind };
