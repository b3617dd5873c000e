/**
 * The one path by which anything changes an account: decide on the state read, write conditionally on it,
 * and on a lost race read again. Every use-case (HTTP, login events, worker, sweeps) goes through here.
 */
import type { Account, HistoryEntry } from '../domain/account';
import { decide } from '../domain/decide';
import type { Policy } from '../domain/policy';
import type { Decision, Request } from '../domain/requests';
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
   * With race `system`: keep deciding again on fresh state until the write lands (up to 100 tries), for
   * requests that each must count — login events, of which dozens may arrive at the same moment.
   */
  readonly persistent?: boolean;
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

/** Tries before a lost race is given up (ConflictError): a caller's 409, a sweep's failed candidate. */
const MAX_ATTEMPTS = 5;
/**
 * Tries of a request that must land however many race it (`persistent`: login events, SPEC §2: no login
 * event answered 409 or left uncounted). Every round of conditional writes lets one writer through, so n
 * racing writers need at most n tries; jittered pauses spread them out.
 */
const PERSISTENT_ATTEMPTS = 100;

/** A random pause before persistent try `attempt + 1`: up to 2^attempt ms, at most 50 ms. */
const jitter = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

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
          return { outcome: decision.accepted ? 'accepted' : 'changed', account: decision.account, entry };
        }
        case 'quiet':
          await deps.store.quiet(account, decision.account, options);
          return { outcome: 'quiet', account: decision.account, accepted: false };
        case 'unchanged':
          return { outcome: 'unchanged', account, accepted: decision.accepted };
        case 'refused':
          return { outcome: 'refused', account, refusal: decision };
      }
    } catch (error) {
      const tries = options.race === 'system' && options.persistent ? PERSISTENT_ATTEMPTS : MAX_ATTEMPTS;
      if (!(error instanceof ConflictError) || attempt >= tries) throw error;
      if (tries === PERSISTENT_ATTEMPTS) await jitter(attempt);
      const fresh = await deps.store.get(account.accountId);
      if (fresh === null) throw new NotFoundError(`account ${account.accountId} no longer exists`);
      // A versioned change won the race: the caller loses (409, or 412 from the check above with If-Match).
      if (options.race === 'caller' && fresh.version !== account.version && options.expectedVersion === undefined)
        throw error;
      account = fresh;
    }
  }
}

export { apply, NotFoundError, PreconditionFailedError };
export type { Applied, ApplyOptions, Deps };
