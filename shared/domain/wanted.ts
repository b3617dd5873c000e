/**
 * Where an identity provider wants an account (SPEC §10): `active` (may log in), `disabled` (access
 * blocked, mail still delivered) or `deleted`. A resting account gets there through the administrator
 * transitions of SPEC §2 (enable, disable, provision, delete, …), with the same rules and history. While an
 * operation is in progress the wish cannot apply, and is never refused for being early: it is kept as
 * `wanted` and applied, as the one who asked, when the operation completes or is cancelled — `apply`
 * (shared/services/apply.ts) follows up with wantedRequest(). Pure: no I/O.
 */
import type { Account, PersonName, Wanted, WantedStatus } from './account';
import { Action } from './actions';
import { deleteAccount, setStatus } from './admin-rules';
import { change, quiet, unchanged } from './change';
import type { Caller, Request, Result } from './requests';
import type { Status } from './statuses';

type RequestOf<K extends Request['kind']> = Extract<Request, { kind: K }>;

/** The statuses where an account counts as `active` for an identity provider: not blocked by it. */
const ENABLED: ReadonlySet<Status> = new Set(['active', 'inactive', 'locked', 'maintenance', 'migration_pending']);
const GONE: ReadonlySet<Status> = new Set(['deleted', 'deleted_permanent']);

/** The administrator target that takes a resting account from `from` to the wish; null when it is already there. */
function targetFor(from: Status, wish: WantedStatus): Status | null {
  switch (wish) {
    case 'active':
      // A deleted account is restored (before purgeAfter): an identity provider assigning the user again.
      return ENABLED.has(from) || from === 'deleted_permanent' ? null : 'active';
    case 'disabled':
      return ENABLED.has(from) ? 'disabled' : null;
    case 'deleted':
      return GONE.has(from) ? null : 'deleted';
  }
}

/**
 * Whether an account in `status` (or going to it) already is where `wish` says.
 *
 * @example
 * satisfies('locked', 'active') // true: an administrator's lock is this service's business, not the IdP's
 */
function satisfies(status: Status, wish: WantedStatus): boolean {
  if (wish === 'deleted') return GONE.has(status);
  return wish === 'active' ? ENABLED.has(status) : !ENABLED.has(status);
}

/**
 * Where the account is headed as its identity provider sees it: the kept wish, else the target of the
 * operation in progress, else its status.
 *
 * @example
 * wantedStatus(provisioningAccount) // 'active' (pending towards active)
 * wantedStatus({ ...provisioningAccount, wanted: { status: 'disabled', … } }) // 'disabled'
 */
function wantedStatus(account: Account): WantedStatus {
  if (account.wanted) return account.wanted.status;
  const heading = account.inProgress?.target ?? account.status;
  if (GONE.has(heading)) return 'deleted';
  return ENABLED.has(heading) ? 'active' : 'disabled';
}

const reasonOf = (wish: WantedStatus): string => `wanted ${wish} by the identity provider`;

/** The resting account moved towards the wish through SPEC §2's transitions, with any kept wish cleared. */
function reach(account: Account, wish: WantedStatus, caller: Caller, now: Date): Result {
  const target = targetFor(account.status, wish);
  const clearing = account.wanted != null;
  if (target === null) return clearing ? quiet(account, { wanted: null }) : unchanged(account);
  const reason = reasonOf(wish);
  const decision =
    target === 'deleted'
      ? deleteAccount(account, { kind: 'delete', reason, caller }, now)
      : setStatus(account, target, reason, caller, now);
  if (decision.outcome === 'changed') return { ...decision, account: { ...decision.account, wanted: null } };
  // Refused or nothing to do (the table has no way there): the wish is dropped, not kept forever.
  return clearing ? quiet(account, { wanted: null }) : decision;
}

/**
 * What a wish does: on a resting account, the transition towards it (or nothing when it is already there);
 * in progress, it is kept as `wanted` (a change: the account now reads differently) unless the operation
 * already goes there, in which case a kept wish is cleared.
 *
 * @example
 * want(provisioningAccount, { kind: 'want', status: 'disabled', caller }, now)
 * // { outcome: 'changed', account: { status: 'pending', wanted: { status: 'disabled', actor: caller.sub, … } } }
 */
function want(account: Account, request: RequestOf<'want'>, now: Date): Result {
  const { status: wish, caller } = request;
  const op = account.inProgress;
  if (op === null) return reach(account, wish, caller, now);
  const meta = { action: Action.WANT, actor: caller.sub, requestId: caller.requestId };
  if (satisfies(op.target, wish)) {
    if (account.wanted == null) return unchanged(account, true);
    const reason = `${reasonOf(wish)}: the ${op.operation} in progress already leads there`;
    return change(account, { wanted: null }, now, { ...meta, reason });
  }
  if (account.wanted?.status === wish) return unchanged(account, true);
  const wanted: Wanted = { status: wish, actor: caller.sub, requestId: caller.requestId, at: now.toISOString() };
  const reason = `${reasonOf(wish)}: applied when the ${op.operation} in progress ends`;
  return change(account, { wanted }, now, { ...meta, reason });
}

/**
 * The request that applies a kept wish once the account rests again, as the one who asked for it; null
 * when there is nothing to apply.
 *
 * @example
 * wantedRequest(completedAccount) // { kind: 'want', status: 'disabled', caller: { sub: 'okta', scopes: [], requestId } }
 */
function wantedRequest(account: Account): RequestOf<'want'> | null {
  const { wanted } = account;
  if (wanted == null || account.inProgress !== null) return null;
  return {
    kind: 'want',
    status: wanted.status,
    caller: { sub: wanted.actor, scopes: [], requestId: wanted.requestId },
  };
}

/** Whether two names are the same, part by part (a stored map keeps no key order). */
function sameName(a: PersonName | null, b: PersonName | null): boolean {
  if (a === null || b === null) return a === b;
  return a.givenName === b.givenName && a.familyName === b.familyName && a.formatted === b.formatted;
}

/** An identity provider's profile of the person (externalId, name): a change with its own history entry. */
function updateProfile(account: Account, request: RequestOf<'update_profile'>, now: Date): Result {
  if (account.status === 'deleted_permanent') return unchanged(account);
  const patch: { externalId?: string | null; name?: Account['name'] } = {};
  if (request.externalId !== undefined && request.externalId !== (account.externalId ?? null))
    patch.externalId = request.externalId;
  if (request.name !== undefined && !sameName(request.name, account.name ?? null)) patch.name = request.name;
  if (Object.keys(patch).length === 0) return unchanged(account);
  const meta = {
    action: Action.UPDATE_PROFILE,
    actor: request.caller.sub,
    reason: null,
    requestId: request.caller.requestId,
  };
  return change(account, patch, now, meta);
}

export { satisfies, updateProfile, want, wantedRequest, wantedStatus };
