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
   * With race `system`: keep deciding again on fresh state until the write lands (up to 100 tries), for
   * requests that each must count — login events, of which dozens may arrive at the same moment.
   */
  readonly persistent?: boolean;
  /**
   * If-Match: the versions the client accepts (its strong entity tags; empty when it sent only tags that
   * can never match, such as weak ones); absent for none or `*`. A version not among them is a
   * PreconditionFailedError — after the refusals that come first (SPEC §4: a missing scope, then If-Match,
   * then everything else).
   */
  readonly ifMatch?: readonly number[];
}

/** Refusals reported before a stale If-Match; every other outcome comes after it. */
const BEFORE_PRECONDITION: ReadonlySet<RefusalReason> = new Set([RefusalReason.NEEDS_SCOPE]);

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
 * if (result.outcome === 'refused') throw new RefusedError(result);
 */
async function apply(deps: Deps, read: Account, request: Request, options: ApplyOptions): Promise<Applied> {
  const now = deps.clock ?? (() => new Date());
  let account = read;
  for (let attempt = 1; ; attempt++) {
    const result = decide(account, request, now(), deps.policy);
    const first = result.outcome === 'refused' && BEFORE_PRECONDITION.has(result.reason);
    if (!first && options.ifMatch !== undefined && !options.ifMatch.includes(account.version)) {
      const named = options.ifMatch.length === 0 ? 'no version If-Match can match' : options.ifMatch.join(' or ');
      throw new PreconditionFailedError(`the account is at version ${account.version}, not ${named}`);
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
      const tries = options.race === 'system' && options.persistent ? PERSISTENT_ATTEMPTS : MAX_ATTEMPTS;
      if (!(error instanceof ConflictError) || attempt >= tries) throw error;
      if (tries === PERSISTENT_ATTEMPTS) await jitter(attempt);
      const fresh = await deps.store.get(account.accountId);
      if (fresh === null) throw new NotFoundError(`account ${account.accountId} no longer exists`);
      // A versioned change won the race: the caller loses (ConflictError; with If-Match, the check above fails).
      if (options.race === 'caller' && fresh.version !== account.version && options.ifMatch === undefined) throw error;
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
