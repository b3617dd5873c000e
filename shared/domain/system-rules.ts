/**
 * The system transitions of SPEC §2 (actor BackgroundTasks): login events, the sweeps (each rule checked
 * again on the account: an index read may be stale) and the worker's outcome of an operation.
 * Pure: no I/O.
 */
import { BACKGROUND_TASKS, type Account, type FailedLogins, type InProgress } from './account';
import { effectiveStatus } from './access';
import { Action } from './actions';
import { change, operationStart, quiet, unchanged, type ChangeMeta, type Patch } from './change';
import { isDue, lockExpired, type AccountSweep } from './due';
import type { Policy } from './policy';
import type { Request, Result } from './requests';
import type { Status } from './statuses';
import type { Via } from './transitions';

type RequestOf<K extends Request['kind']> = Extract<Request, { kind: K }>;

/** A worker's error is kept to this many characters. */
const MAX_ERROR_LENGTH = 500;

const LEAVER_DELETION: Via = { status: 'deleting', operation: 'delete', completesTo: 'deleted' };
const RETENTION_PURGE: Via = { status: 'deleting', operation: 'purge', completesTo: 'deleted_permanent' };

const system = (action: Action, requestId: string | null, underway = false): ChangeMeta => ({
  action,
  actor: BACKGROUND_TASKS,
  reason: null,
  requestId,
  underway,
});

const at = (instant: Date, plusMs = 0): string => new Date(instant.getTime() + plusMs).toISOString();

/** Login failures are counted, and lockouts apply, only for these (effective) statuses. */
const countsFailures = (status: Status): boolean => status === 'active' || status === 'inactive';

/** The platform's lockout, or the failure that reached maxFailures: locked for failed_logins. */
function lockout(
  account: Account,
  previousStatus: Status,
  now: Date,
  policy: Policy,
  requestId: string | null,
): Result {
  const until = policy.lockoutMs === 0 ? null : at(now, policy.lockoutMs);
  const patch: Patch = {
    status: 'locked',
    lock: { reason: 'failed_logins', until, previousStatus },
    failedLogins: null,
  };
  return change(account, patch, now, system(Action.LOCKOUT, requestId));
}

/**
 * A login success: `inactive` and an expired failed_logins lock become `active`; otherwise the activity
 * (persisted at most once per activityWriteIntervalMs) and the reset of the failure count are quiet writes.
 */
function loginSuccess(account: Account, now: Date, policy: Policy, requestId: string | null): Result {
  const activity: Patch = { lastActivityAt: now.toISOString(), failedLogins: null };
  if (account.status === 'inactive') {
    return change(account, { ...activity, status: 'active' }, now, system(Action.LOGIN_REACTIVATE, requestId));
  }
  if (account.status === 'locked' && lockExpired(account.lock, now)) {
    return change(account, { ...activity, status: 'active', lock: null }, now, system(Action.LOGIN_UNLOCK, requestId));
  }
  const last = account.lastActivityAt;
  const stale = last === null || now.getTime() - Date.parse(last) >= policy.activityWriteIntervalMs;
  return account.failedLogins !== null || stale ? quiet(account, activity) : unchanged(account);
}

/** A login failure: counted inside the failure window for active and inactive accounts; at maxFailures a lockout. */
function loginFailure(account: Account, now: Date, policy: Policy, requestId: string | null): Result {
  const effective = effectiveStatus(account.status, account.lock, now);
  if (!countsFailures(effective)) return unchanged(account);
  const previous = account.failedLogins;
  const open = previous !== null && now.getTime() - Date.parse(previous.windowStartedAt) < policy.failureWindowMs;
  const failedLogins: FailedLogins = open
    ? { ...previous, count: previous.count + 1 }
    : { count: 1, windowStartedAt: now.toISOString() };
  if (failedLogins.count >= policy.maxFailures) return lockout(account, effective, now, policy, requestId);
  return quiet(account, { failedLogins });
}

/** POST /login-events. Login events never change any status but the ones above. */
function login(account: Account, request: RequestOf<'login'>, now: Date, policy: Policy): Result {
  switch (request.outcome) {
    case 'success':
      return loginSuccess(account, now, policy, request.requestId);
    case 'failure':
      return loginFailure(account, now, policy, request.requestId);
    case 'lockout': {
      const effective = effectiveStatus(account.status, account.lock, now);
      return countsFailures(effective)
        ? lockout(account, effective, now, policy, request.requestId)
        : unchanged(account);
    }
  }
}

/** What a sweep does to an account that is due for it: the patch, its history action, and whether an operation starts. */
function sweepEffect(
  account: Account,
  sweep: AccountSweep,
  now: Date,
): { patch: Patch; action: Action; underway: boolean } {
  switch (sweep) {
    case 'inactivity':
      return { patch: { status: 'inactive' }, action: Action.INACTIVITY, underway: false };
    case 'leaver':
      return { patch: operationStart(account, LEAVER_DELETION, now), action: Action.LEAVER_DELETE, underway: true };
    case 'retention':
      return { patch: operationStart(account, RETENTION_PURGE, now), action: Action.RETENTION_PURGE, underway: true };
    case 'lockout': {
      // Due only while locked with a failed_logins lock (./due.ts): back to the status before it.
      const previousStatus = account.lock?.previousStatus ?? account.status;
      return { patch: { status: previousStatus, lock: null }, action: Action.LOCKOUT_EXPIRED, underway: false };
    }
  }
}

/**
 * A sweep's change, if the account is due for it (./due.ts) at `asOf` (the sweep's fixed now; default
 * `now`). The change itself is stamped with `now`.
 */
function sweep(account: Account, request: RequestOf<'sweep'>, now: Date, policy: Policy): Result {
  const asOf = request.asOf ? new Date(request.asOf) : now;
  if (!isDue(request.sweep, account, asOf, policy)) return unchanged(account);
  const { patch, action, underway } = sweepEffect(account, request.sweep, now);
  return change(account, patch, now, system(action, request.requestId, underway));
}

/** The identity provider's personal data (externalId, name) and wish, cleared where the account has any. */
function noProfile(account: Account): Patch {
  const fields = (['externalId', 'name', 'wanted'] as const).filter((field) => account[field] != null);
  return Object.fromEntries(fields.map((field) => [field, null]));
}

/** The marks that follow from arriving at an operation's target. */
function arrival(account: Account, target: Status, now: Date, policy: Policy): Patch {
  switch (target) {
    case 'deleted':
      return { deletedAt: now.toISOString(), purgeAfter: at(now, policy.retentionMs), leaver: null };
    case 'deleted_permanent':
      // The tombstone: accountId, domain, status and dates; no personal data.
      return { email: null, displayName: null, leaver: null, lock: null, failedLogins: null, ...noProfile(account) };
    default:
      return { deletedAt: null, purgeAfter: null };
  }
}

/** The operation of the account if it is `operationId`: a late attempt of an earlier one never changes the account. */
function current(account: Account, operationId: string): InProgress | null {
  return account.inProgress !== null && account.inProgress.operationId === operationId ? account.inProgress : null;
}

/** The worker completed the operation: the account arrives at its target; the reason it was started for stays. */
function operationCompleted(
  account: Account,
  request: RequestOf<'operation_completed'>,
  now: Date,
  policy: Policy,
): Result {
  const op = current(account, request.operationId);
  if (op === null) return unchanged(account);
  const patch: Patch = {
    ...arrival(account, op.target, now, policy),
    status: op.target,
    inProgress: null,
    statusSince: now.toISOString(),
    statusReason: account.statusReason,
  };
  return change(account, patch, now, system(Action.COMPLETE, request.requestId));
}

/**
 * The worker's attempt failed: recorded quietly (no version, no history), still in progress. A failure of
 * an earlier round never counts in the current one (its completion would still complete the operation).
 */
function operationFailed(account: Account, request: RequestOf<'operation_failed'>): Result {
  const op = current(account, request.operationId);
  if (op === null || (request.round !== undefined && request.round !== op.round)) return unchanged(account);
  return quiet(account, {
    inProgress: { ...op, attempts: op.attempts + 1, lastError: request.error.slice(0, MAX_ERROR_LENGTH) },
  });
}

export { login, MAX_ERROR_LENGTH, operationCompleted, operationFailed, sweep };
