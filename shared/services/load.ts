/**
 * The steps every account use-case shares: read the account the caller may see (404 otherwise, never
 * 403), apply a request as an administrator, and turn the outcome into a result or a typed error.
 */
import type { Account } from '../domain/account';
import type { Request } from '../domain/requests';
import { apply, NotFoundError, type Applied, type Deps } from './apply';
import { administers, type ApiCaller } from './caller';
import { RefusedError } from './errors';

/** What an administrator's request ended in: the account after it, and whether an operation is under way (202). */
interface Outcome {
  readonly account: Account;
  readonly accepted: boolean;
  /** Whether this request changed the account (a new version and history entry). */
  readonly changed: boolean;
}

/**
 * The account `accountId` if it exists and lies in the caller's domains; NotFoundError otherwise, so
 * accounts of other domains cannot be probed.
 */
async function loadOwned(deps: Pick<Deps, 'store'>, caller: ApiCaller, accountId: string): Promise<Account> {
  const account = await deps.store.get(accountId);
  if (account === null || !administers(caller, account.domain)) throw new NotFoundError(`no account ${accountId}`);
  return account;
}

/** The result of an applied request: RefusedError for a refusal, the account and its 200/202 otherwise. */
function settle(applied: Applied): Outcome {
  switch (applied.outcome) {
    case 'refused':
      throw new RefusedError(applied.refusal);
    case 'changed':
    case 'accepted':
      return { account: applied.account, accepted: applied.outcome === 'accepted', changed: true };
    case 'quiet':
    case 'unchanged':
      return { account: applied.account, accepted: applied.accepted, changed: false };
  }
}

/**
 * Applies an administrator's request (race `caller`). With `expectedVersion` (If-Match) a stale version is
 * 412, after a target the caller's scopes forbid (403) — `apply` checks them in that order.
 */
async function applyAsCaller(
  deps: Deps,
  account: Account,
  request: Request,
  expectedVersion?: number,
): Promise<Outcome> {
  return settle(
    await apply(deps, account, request, {
      race: 'caller',
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    }),
  );
}

export { applyAsCaller, loadOwned, settle };
export type { Outcome };
