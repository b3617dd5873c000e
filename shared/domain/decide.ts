/**
 * The status rules of SPEC §2 as one pure function: what a request does to an account at a given time.
 * Deterministic (no clock, no randomness): the caller passes `now`, and operation ids derive from the
 * account id and version. The rules themselves live in ./admin-rules.ts and ./system-rules.ts.
 */
import type { Account, HistoryDraft, PersonName } from './account';
import { Action } from './actions';
import {
  allowedTargets,
  cancel,
  deleteAccount,
  markLeaver,
  rename,
  retry,
  setStatus,
  unmarkLeaver,
} from './admin-rules';
import { operationStart } from './change';
import { emailDomain } from './email';
import type { Policy } from './policy';
import type { Caller, Request, Result } from './requests';
import { login, operationCompleted, operationFailed, sweep } from './system-rules';
import { findAdminTransition } from './transitions';
import { updateProfile, want } from './wanted';

interface NewAccountInput {
  readonly accountId: string;
  /** Already trimmed and lower-cased. */
  readonly email: string;
  readonly displayName: string | null;
  /** true (the default): provision to active via pending (underway); false: rest in pending. */
  readonly activate: boolean;
  readonly caller: Caller;
  /** The identity provider's id of the person (SCIM). */
  readonly externalId?: string | null;
  /** The person's name as the identity provider sent it (SCIM). */
  readonly name?: PersonName | null;
}

/** A new account: always a change. */
type Created = Extract<Result, { outcome: 'changed' }>;

/**
 * A new account (version 1, `pending`) and its creation history entry (from null to pending). With
 * `activate`, provisioning to `active` starts at once (`underway`).
 *
 * @example
 * const { account, entry, underway } = newAccount({ accountId, email, displayName: null, activate: true, caller }, now, policy);
 * // account.status 'pending', account.inProgress.target 'active', entry.action 'create', underway true
 */
function newAccount(input: NewAccountInput, now: Date, _policy: Policy): Created {
  const at = now.toISOString();
  const { caller } = input;
  const created: Account = {
    accountId: input.accountId,
    email: input.email,
    domain: emailDomain(input.email),
    displayName: input.displayName,
    status: 'pending',
    statusSince: at,
    statusReason: null,
    updatedBy: caller.sub,
    updatedAt: at,
    version: 1,
    inProgress: null,
    leaver: null,
    lock: null,
    lastActivityAt: null,
    deletedAt: null,
    purgeAfter: null,
    createdAt: at,
    failedLogins: null,
    stuckAlert: null,
    revision: 1,
    // Only accounts an identity provider made carry its profile.
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(input.name ? { name: input.name } : {}),
  };
  const provision = input.activate ? findAdminTransition('pending', 'active')?.via : undefined;
  const account = provision ? { ...created, ...operationStart(created, provision, now, created.version) } : created;
  const entry: HistoryDraft = {
    at,
    from: null,
    to: 'pending',
    action: Action.CREATE,
    actor: caller.sub,
    reason: null,
    requestId: caller.requestId,
  };
  return { outcome: 'changed', account, entry, underway: provision !== undefined };
}

/**
 * What `request` does to `account` at `now`: a change (version + 1 and a history entry), a quiet write,
 * nothing, or a refusal with its reason (e.g. `needs_scope`, `not_allowed`) and the allowed targets.
 *
 * @example
 * decide(account, { kind: 'set_status', target: 'disabled', reason: null, caller }, now, policy)
 * // { outcome: 'changed', underway: true, account: { status: 'disabling', inProgress: { target: 'disabled', ... } }, entry }
 */
function decide(account: Account, request: Request, now: Date, policy: Policy): Result {
  switch (request.kind) {
    case 'set_status':
      return setStatus(account, request.target, request.reason, request.caller, now);
    case 'delete':
      return deleteAccount(account, request, now);
    case 'rename':
      return rename(account, request, now);
    case 'mark_leaver':
      return markLeaver(account, request, now, policy);
    case 'unmark_leaver':
      return unmarkLeaver(account, request, now);
    case 'retry':
      return retry(account, request, now);
    case 'cancel':
      return cancel(account, request, now);
    case 'update_profile':
      return updateProfile(account, request, now);
    case 'want':
      return want(account, request, now);
    case 'login':
      return login(account, request, now, policy);
    case 'sweep':
      return sweep(account, request, now, policy);
    case 'operation_completed':
      return operationCompleted(account, request, now, policy);
    case 'operation_failed':
      return operationFailed(account, request);
  }
}

export { Action, ACTIONS } from './actions';
export { leaveDateProblem } from './leaver';
export { allowedTargets, decide, newAccount };
export type { Created, NewAccountInput };
