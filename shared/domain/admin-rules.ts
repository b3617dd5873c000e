/**
 * The administrators' requests of SPEC §2 and §4: status targets (the transition table), delete, rename,
 * the leaver mark, and retry/cancel of an in-progress operation. Pure: no I/O.
 */
import type { Account, InProgress, Lock } from './account';
import { Action } from './actions';
import { change, operationStart, refused, unchanged, type ChangeMeta } from './change';
import { reached } from './due';
import { leaveDateProblem, leaverMark, utcDate } from './leaver';
import type { Policy } from './policy';
import { RefusalReason, type Caller, type Request, type Result } from './requests';
import type { Status } from './statuses';
import { adminTransitions, findAdminTransition, hasScope, type AdminTransition } from './transitions';

type RequestOf<K extends Request['kind']> = Extract<Request, { kind: K }>;

/** The action of a direct (record-only) administrator target; from `locked` to `active` it is an unlock. */
const DIRECT_ACTIONS: Partial<Record<Status, Action>> = {
  active: Action.ACTIVATE,
  locked: Action.LOCK,
  maintenance: Action.MAINTENANCE,
  closed: Action.CLOSE,
  pending: Action.SET_PENDING,
};

const TOMBSTONE: Status = 'deleted_permanent';

const meta = (caller: Caller, action: Action, reason: string | null, underway = false): ChangeMeta => ({
  action,
  actor: caller.sub,
  reason,
  requestId: caller.requestId,
  underway,
});

/** Whether the caller holds the scope a transition needs beyond accounts:write. */
const mayUse = (transition: AdminTransition, caller: Caller): boolean =>
  transition.requires === null || hasScope(caller.scopes, transition.requires);

const isRestore = (transition: AdminTransition): boolean => transition.via?.operation === 'restore';

/** A deleted account is restorable only before `purgeAfter`. */
const restorePassed = (account: Account, now: Date): boolean => reached(account.purgeAfter, now);

/**
 * The targets this caller may set on this account now: the table's, less those needing a scope the caller
 * lacks and a restore after `purgeAfter`; none while in progress.
 *
 * @example
 * allowedTargets(deletedAccount, writer, now) // ['active'] (purging needs accounts:admin)
 */
function allowedTargets(account: Account, caller: Caller, now: Date): Status[] {
  if (account.inProgress !== null) return [];
  return adminTransitions(account.status)
    .filter((t) => mayUse(t, caller) && !(isRestore(t) && restorePassed(account, now)))
    .map((t) => t.target);
}

/** The history action of an administrator transition. */
function adminAction(from: Status, transition: AdminTransition): Action {
  if (transition.via !== null) return transition.via.operation;
  if (from === 'locked' && transition.target === 'active') return Action.UNLOCK;
  const action = DIRECT_ACTIONS[transition.target];
  if (action === undefined) throw new TypeError(`no action for the direct target ${transition.target}`);
  return action;
}

/** The status a new lock remembers: the current one, or, when already locked, the one before that lock. */
function statusBeforeLock(account: Account): Status {
  return account.status === 'locked' ? (account.lock?.previousStatus ?? 'active') : account.status;
}

/** Whether the account already has the asked status (and, for `locked`, an administrator's lock). */
function alreadyThere(account: Account, target: Status): boolean {
  return account.status === target && (target !== 'locked' || account.lock?.reason === 'admin');
}

/** Refusal of anything but its own target or status for an account in progress. */
function inProgressRefusal(account: Account, op: InProgress, what: string): Result {
  return refused(
    account,
    RefusalReason.IN_PROGRESS,
    'Operation in progress',
    `The account is ${account.status} towards ${op.target}; ${what} Retry or cancel the operation first.`,
  );
}

/** A status asked of an account in progress: its own target or in-progress status is underway, nothing else. */
function whileInProgress(account: Account, op: InProgress, target: Status, caller: Caller): Result {
  if (target !== op.target && target !== account.status) {
    return inProgressRefusal(account, op, `it cannot be set to ${target} now.`);
  }
  const started = adminTransitions(op.from).find((t) => t.via?.operation === op.operation);
  if (started !== undefined && !mayUse(started, caller)) {
    return refused(
      account,
      RefusalReason.NEEDS_SCOPE,
      'Scope required',
      `Asking for ${target} needs the ${started.requires} scope.`,
    );
  }
  return unchanged(account, true);
}

/** What an administrator's target does: SPEC §2's table, scopes, and restore only before purgeAfter. */
function setStatus(account: Account, target: Status, reason: string | null, caller: Caller, now: Date): Result {
  if (account.inProgress !== null) return whileInProgress(account, account.inProgress, target, caller);
  if (alreadyThere(account, target)) return unchanged(account);
  const from = account.status;
  const transition = findAdminTransition(from, target);
  const allowed = allowedTargets(account, caller, now);
  if (transition === undefined) {
    const options = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'no target is allowed';
    return refused(
      account,
      RefusalReason.NOT_ALLOWED,
      'Transition not allowed',
      `An account in status ${from} cannot be set to ${target} (${options}).`,
      allowed,
    );
  }
  if (!mayUse(transition, caller)) {
    return refused(
      account,
      RefusalReason.NEEDS_SCOPE,
      'Scope required',
      `Setting an account from ${from} to ${target} needs the ${transition.requires} scope.`,
      allowed,
    );
  }
  if (isRestore(transition) && restorePassed(account, now)) {
    return refused(
      account,
      RefusalReason.PURGE_WINDOW_PASSED,
      'Restore period over',
      `The account could be restored only before ${account.purgeAfter}.`,
      allowed,
    );
  }
  const action = adminAction(from, transition);
  if (transition.via !== null) {
    const patch = { ...operationStart(account, transition.via, now), failedLogins: null, statusReason: reason };
    return change(account, patch, now, meta(caller, action, reason, true));
  }
  const lock: Lock | null =
    target === 'locked' ? { reason: 'admin', until: null, previousStatus: statusBeforeLock(account) } : null;
  return change(account, { status: target, lock, failedLogins: null }, now, meta(caller, action, reason));
}

/** DELETE /accounts/{id}: a soft delete via `deleting`; already deleted is a no-op. */
function deleteAccount(account: Account, request: RequestOf<'delete'>, now: Date): Result {
  const op = account.inProgress;
  if (op !== null) {
    return op.target === 'deleted' || op.target === TOMBSTONE
      ? unchanged(account, true)
      : inProgressRefusal(account, op, 'it cannot be deleted now.');
  }
  if (account.status === TOMBSTONE) {
    return refused(account, RefusalReason.PURGED, 'Account purged', 'The account is permanently deleted.');
  }
  return setStatus(account, 'deleted', request.reason, request.caller, now);
}

/** PATCH /accounts/{id}: a new display name (a change with its own history entry), even in progress. */
function rename(account: Account, request: RequestOf<'rename'>, now: Date): Result {
  if (account.status === TOMBSTONE) {
    return refused(account, RefusalReason.PURGED, 'Account purged', 'A purged account keeps no personal data.');
  }
  if (request.displayName === account.displayName) return unchanged(account);
  return change(account, { displayName: request.displayName }, now, meta(request.caller, Action.RENAME, null));
}

/** PUT /accounts/{id}/leaver: on a resting account that is not deleted; the status does not change. */
function markLeaver(account: Account, request: RequestOf<'mark_leaver'>, now: Date, policy: Policy): Result {
  if (account.inProgress !== null) {
    return inProgressRefusal(account, account.inProgress, 'it cannot be marked as a leaver now.');
  }
  if (account.status === 'deleted' || account.status === TOMBSTONE) {
    return refused(
      account,
      RefusalReason.NOT_ALLOWED,
      'Not allowed',
      `A ${account.status} account cannot be marked as a leaver.`,
    );
  }
  const leaveDate = request.leaveDate ?? utcDate(now);
  const problem = leaveDateProblem(leaveDate, now, policy);
  if (problem !== null) {
    return refused(account, RefusalReason.INVALID_LEAVE_DATE, 'Invalid leave date', `The leave date ${problem}.`);
  }
  if (account.leaver?.leaveDate === leaveDate) return unchanged(account);
  return change(
    account,
    { leaver: leaverMark(leaveDate, policy) },
    now,
    meta(request.caller, Action.MARK_LEAVER, request.reason),
  );
}

/** DELETE /accounts/{id}/leaver: cancels the mark. */
function unmarkLeaver(account: Account, request: RequestOf<'unmark_leaver'>, now: Date): Result {
  if (account.leaver === null) return unchanged(account);
  return change(account, { leaver: null }, now, meta(request.caller, Action.UNMARK_LEAVER, request.reason));
}

/** POST .../in-progress/retry: a fresh round of attempts of the same operation (underway). */
function retry(account: Account, request: RequestOf<'retry'>, now: Date): Result {
  const op = account.inProgress;
  if (op === null) {
    return refused(account, RefusalReason.NOT_IN_PROGRESS, 'Not in progress', 'The account has no operation to retry.');
  }
  const inProgress: InProgress = { ...op, attempts: 0, lastError: null, round: op.round + 1 };
  return change(account, { inProgress }, now, meta(request.caller, Action.RETRY, null, true));
}

/**
 * POST .../in-progress/cancel: back to the resting status before the operation (cancelling provisioning
 * leaves the account resting in `pending`). An account that was locked gets its lock back, or an
 * administrator's lock when the record of it is missing.
 */
function cancel(account: Account, request: RequestOf<'cancel'>, now: Date): Result {
  const op = account.inProgress;
  if (op === null) {
    return refused(
      account,
      RefusalReason.NOT_IN_PROGRESS,
      'Not in progress',
      'The account has no operation to cancel.',
    );
  }
  const lock: Lock | null =
    op.from === 'locked' ? (op.lock ?? { reason: 'admin', until: null, previousStatus: 'active' }) : null;
  const patch = { status: op.from, inProgress: null, lock, failedLogins: null };
  return change(account, patch, now, meta(request.caller, Action.CANCEL, request.reason));
}

export { allowedTargets, cancel, deleteAccount, markLeaver, rename, retry, setStatus, unmarkLeaver };
