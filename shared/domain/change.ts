/**
 * The building blocks every rule of ./decide.ts answers with: a change (next version, audit fields and its
 * history entry), a quiet write, nothing, or a refusal (one Result, ./requests.ts); and the start of an in-progress operation.
 * Pure: no I/O.
 */
import type { Account, HistoryDraft, Lock } from './account';
import type { Action } from './actions';
import type { RefusalReason, Result } from './requests';
import type { Status } from './statuses';
import type { Via } from './transitions';

/** The fields a rule may change; the audit fields follow from `ChangeMeta`, and stuckAlert is the stuck detector's. */
type Patch = Partial<
  Omit<
    Account,
    'accountId' | 'domain' | 'createdAt' | 'version' | 'updatedBy' | 'updatedAt' | 'stuckAlert' | 'revision'
  >
>;

interface ChangeMeta {
  readonly action: Action;
  /** The caller's `sub`, or BACKGROUND_TASKS. */
  readonly actor: string;
  /** The history entry's reason, and the new `statusReason` when the status or lock moves. */
  readonly reason: string | null;
  readonly requestId: string | null;
  /** This change starts an operation (or a new round of one). Default false. */
  readonly underway?: boolean;
}

/** Whether two locks are the same mark. */
function sameLock(a: Lock | null, b: Lock | null): boolean {
  if (a === null || b === null) return a === b;
  return a.reason === b.reason && a.until === b.until && a.previousStatus === b.previousStatus;
}

/**
 * A change: `patch` applied, version + 1 (and revision + 1), updatedBy/updatedAt stamped and, when the status or the lock
 * moves, statusSince = now and statusReason = the reason (unless `patch` sets statusReason itself). The
 * history entry goes from the status before to the status after.
 *
 * @example
 * change(account, { status: 'inactive' }, now, { action: Action.INACTIVITY, actor: BACKGROUND_TASKS, reason: null, requestId: null })
 */
function change(account: Account, patch: Patch, now: Date, meta: ChangeMeta): Result {
  const at = now.toISOString();
  const status = patch.status ?? account.status;
  const moved = status !== account.status || (patch.lock !== undefined && !sameLock(patch.lock, account.lock));
  const next: Account = {
    ...account,
    ...(moved ? { statusSince: at, statusReason: meta.reason } : {}),
    ...patch,
    version: account.version + 1,
    revision: account.revision + 1,
    updatedBy: meta.actor,
    updatedAt: at,
  };
  const entry: HistoryDraft = {
    at,
    from: account.status,
    to: next.status,
    action: meta.action,
    actor: meta.actor,
    reason: meta.reason,
    requestId: meta.requestId,
  };
  return { outcome: 'changed', account: next, entry, underway: meta.underway ?? false };
}

/** A write that is not a change (activity, failure count, worker attempt): no version, no history; revision + 1. */
function quiet(account: Account, patch: Patch): Result {
  return { outcome: 'quiet', account: { ...account, ...patch, revision: account.revision + 1 }, underway: false };
}

/** Nothing to write; `underway` when the account is already going where it was asked. */
function unchanged(account: Account, underway = false): Result {
  return { outcome: 'unchanged', account, underway };
}

/** A refusal: why, in words, and the targets this caller may set on this account now. */
function refused(
  account: Account,
  reason: RefusalReason,
  title: string,
  detail: string,
  allowed: readonly Status[] = [],
): Result {
  return { outcome: 'refused', account, reason, title, detail, allowed };
}

/**
 * What starting an operation does: the in-progress status, `inProgress` (round 1; the operation id is
 * `<accountId>.<version of the change that starts it>`, unique per start), and no lock (a lock exists only
 * while locked; the lock of a locked account is kept in `inProgress.lock` so that a cancel can put it back).
 */
function operationStart(account: Account, via: Via, now: Date, startingVersion = account.version + 1): Patch {
  const { lock } = account;
  return {
    status: via.status,
    lock: null,
    inProgress: {
      operationId: `${account.accountId}.${startingVersion}`,
      operation: via.operation,
      target: via.completesTo,
      from: account.status,
      startedAt: now.toISOString(),
      attempts: 0,
      lastError: null,
      round: 1,
      ...(account.status === 'locked' && lock !== null ? { lock } : {}),
    },
  };
}

export { change, operationStart, quiet, refused, sameLock, unchanged };
export type { ChangeMeta, Patch };
