/**
 * An account the caller administers: read it (NotFoundError otherwise, never forbidden, so accounts of
 * other domains cannot be probed) and apply an administrator's request to it, a refusal becoming a
 * RefusedError. Every administrator use-case is these two steps.
 */
import type { Account, HistoryEntry } from '../domain/account';
import type { Done, Request } from '../domain/requests';
import { NotFoundError, RefusedError } from '../errors';
import { apply, type Deps } from './apply';
import { administers, type ApiCaller } from './caller';

/**
 * The account `accountId` if it exists and lies in the caller's domains; NotFoundError otherwise.
 *
 * @example
 * const account = await loadOwned(deps, caller, accountId);
 */
async function loadOwned(deps: Pick<Deps, 'store'>, caller: ApiCaller, accountId: string): Promise<Account> {
  const account = await deps.store.get(accountId);
  if (account === null || !administers(caller, account.domain)) throw new NotFoundError(`no account ${accountId}`);
  return account;
}

/**
 * Applies an administrator's request to the account `accountId` the caller may see (NotFoundError
 * otherwise), race `caller`; a refusal is a RefusedError. With `expectedVersion` (If-Match) a stale
 * version is a PreconditionFailedError, after a missing scope — `apply` orders them.
 *
 * @example
 * const result = await applyToOwned(deps, caller, accountId, { kind: 'retry', caller });
 * // result.underway true
 */
async function applyToOwned(
  deps: Deps,
  caller: ApiCaller,
  accountId: string,
  request: Request,
  expectedVersion?: number,
): Promise<Done<HistoryEntry>> {
  const account = await loadOwned(deps, caller, accountId);
  const result = await apply(deps, account, request, {
    race: 'caller',
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });
  if (result.outcome === 'refused') throw new RefusedError(result);
  return result;
}

export { applyToOwned, loadOwned };
