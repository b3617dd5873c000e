/**
 * The one path by which anything changes an account: decide on the state read, write conditionally on it,
 * and on a lost race read again. Every use-case (HTTP, login events, worker, sweeps) goes through here, and
 * gets back the domain's Result with the history entry as stored.
 */
import type { Account, HistoryEntry } from '../domain/account';
import { decide } from '../domain/decide';
import type { Policy } from '../domain/policy';
import { RefusalReason, type Request, type Result } from '../domain/requests';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../errors';
import type { AccountStore, WriteOptions } from '../store/port';
import { wantedRequest } from '../domain/wanted';

interface Deps {
  readonly store: AccountStore;
  readonly policy: Policy;
  readonly clock?: () => Date;
}

/** What `apply` returns: the domain's Result, the change's history entry as the store wrote it. */
type Applied = Result<HistoryEntry>;

interface ApplyOptions extends WriteOptions {
  /**
   * What a lost race means. `caller` (administrators): the loser gets ConflictError unless the race was
   * only with a write that is not a change (activity, failure count), in which case it decides again.
   * `system` (login events, worker, sweeps): decide again on the fresh state; the rule is checked anew.
   */
  readonly race: 'caller' | 'system';
  /**
   * If-Match: the version the client saw; a mismatch is a PreconditionFailedError — after the refusals
   * that come first (SPEC §4: a missing scope, then If-Match, then everything else).
   */
  readonly expectedVersion?: number;
}

/** Refusals reported before a stale If-Match; every other outcome comes after it. */
const BEFORE_PRECONDITION: ReadonlySet<RefusalReason> = new Set([RefusalReason.NEEDS_SCOPE]);

const MAX_ATTEMPTS = 5;

/**
 * Applies `request` to the account as read, retrying lost races as `options.race` says.
 *
 * @example
 * const result = await apply(deps, account, { kind: 'retry', caller }, { race: 'caller' });
 * if (result.outcome === 'refused') throw new RefusedError(result);
 */
async function apply(deps: Deps, read: Account, request: Request, options: ApplyOptions): Promise<Applied> {
  const now = deps.clock ?? (() => new Date());
  let account = read;
  for (let attempt = 1; ; attempt++) {
    const result = decide(account, request, now(), deps.policy);
    const first = result.outcome === 'refused' && BEFORE_PRECONDITION.has(result.reason);
    if (!first && options.expectedVersion !== undefined && account.version !== options.expectedVersion) {
      throw new PreconditionFailedError(`the account is at version ${account.version}, not ${options.expectedVersion}`);
    }
    try {
      switch (result.outcome) {
        case 'changed': {
          const entry = await deps.store.change(account, result.account, result.entry, options);
          await followWanted(deps, result.account);
          return { ...result, entry };
        }
        case 'quiet':
          await deps.store.quiet(account, result.account, options);
          return result;
        case 'unchanged':
          // A wish left behind (its follow-up failed) is applied by the next request that finds it.
          await followWanted(deps, account);
          return result;
        case 'refused':
          return result;
      }
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      const fresh = await deps.store.get(account.accountId);
      if (fresh === null) throw new NotFoundError(`account ${account.accountId} no longer exists`);
      // A versioned change won the race: the caller loses (ConflictError; with If-Match, the check above fails).
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

export { apply };
export type { Applied, ApplyOptions, Deps };
