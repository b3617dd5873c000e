/**
 * The one path by which anything changes an account: decide on the state read, write conditionally on it,
 * and on a lost race read again. Every use-case (HTTP, login events, worker, sweeps) goes through here.
 */
import type { Account, HistoryEntry } from '../domain/account';
import { decide } from '../domain/decide';
import type { Policy } from '../domain/policy';
import type { Decision, Request } from '../domain/requests';
import { wantedRequest } from '../domain/wanted';
import { ConflictError, type AccountStore, type WriteOptions } from '../store/port';

interface Deps {
  readonly store: AccountStore;
  readonly policy: Policy;
  readonly clock?: () => Date;
}

type Applied =
  | { readonly outcome: 'changed' | 'accepted'; readonly account: Account; readonly entry: HistoryEntry }
  | { readonly outcome: 'quiet' | 'unchanged'; readonly account: Account; readonly accepted: boolean }
  | {
      readonly outcome: 'refused';
      readonly account: Account;
      readonly refusal: Extract<Decision, { outcome: 'refused' }>;
    };

interface ApplyOptions extends WriteOptions {
  /**
   * What a lost race means. `caller` (administrators): the loser gets ConflictError unless the race was
   * only with a write that is not a change (activity, failure count), in which case it decides again.
   * `system` (login events, worker, sweeps): decide again on the fresh state; the rule is checked anew.
   */
  readonly race: 'caller' | 'system';
  /**
   * If-Match: the version the client saw; a mismatch is a PreconditionFailedError — after a target the
   * caller's scopes forbid (refused 403), before any other outcome (SPEC §4: 403, then 412, then 409).
   */
  readonly expectedVersion?: number;
}

class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

const MAX_ATTEMPTS = 5;

/**
 * Applies `request` to the account as read, retrying lost races as `options.race` says.
 *
 * @example
 * const result = await apply(deps, account, { kind: 'retry', caller }, { race: 'caller' });
 * if (result.outcome === 'refused') return problem(result.refusal);
 */
async function apply(deps: Deps, read: Account, request: Request, options: ApplyOptions): Promise<Applied> {
  const now = deps.clock ?? (() => new Date());
  let account = read;
  for (let attempt = 1; ; attempt++) {
    const decision = decide(account, request, now(), deps.policy);
    const forbidden = decision.outcome === 'refused' && decision.status === 403;
    if (!forbidden && options.expectedVersion !== undefined && account.version !== options.expectedVersion) {
      throw new PreconditionFailedError(`the account is at version ${account.version}, not ${options.expectedVersion}`);
    }
    try {
      switch (decision.outcome) {
        case 'changed': {
          const entry = await deps.store.change(account, decision.account, decision.entry, options);
          await followWanted(deps, decision.account);
          return { outcome: decision.accepted ? 'accepted' : 'changed', account: decision.account, entry };
        }
        case 'quiet':
          await deps.store.quiet(account, decision.account, options);
          return { outcome: 'quiet', account: decision.account, accepted: false };
        case 'unchanged':
          // A wish left behind (its follow-up failed) is applied by the next request that finds it.
          await followWanted(deps, account);
          return { outcome: 'unchanged', account, accepted: decision.accepted };
        case 'refused':
          return { outcome: 'refused', account, refusal: decision };
      }
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      const fresh = await deps.store.get(account.accountId);
      if (fresh === null) throw new NotFoundError(`account ${account.accountId} no longer exists`);
      // A versioned change won the race: the caller loses (409, or 412 from the check above with If-Match).
      if (options.race === 'caller' && fresh.version !== account.version && options.expectedVersion === undefined)
        throw error;
      account = fresh;
    }
  }
}

/**
 * A wish kept while an operation was in progress (shared/domain/wanted.ts) is applied as soon as the
 * account rests again: after the worker's completion or an operator's cancel, as the one who asked.
 */
async function followWanted(deps: Deps, account: Account): Promise<void> {
  const request = wantedRequest(account);
  if (request !== null) await apply(deps, account, request, { race: 'system' });
}

export { apply, NotFoundError, PreconditionFailedError };
export type { Applied, ApplyOptions, Deps };
