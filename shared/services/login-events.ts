/**
 * Login events from the mail platform's login service (SPEC §2 system transitions): successes, failures
 * and lockouts. A repeated `eventId` (per caller, for a day by default) counts once.
 */
import type { AccessDecision, Account } from '../domain/account';
import { accessDecision, effectiveStatus } from '../domain/access';
import type { LoginOutcome } from '../domain/requests';
import type { Status } from '../domain/statuses';
import { ClaimedError, NotFoundError } from '../errors';
import type { Claim } from '../store/port';
import { apply } from './apply';
import { administers, type ApiCaller } from './caller';
import { nowOf, type ServiceDeps } from './deps';
import { normalizeEmail } from '../domain/email';

interface LoginEventInput {
  readonly email: string;
  readonly outcome: LoginOutcome;
  /** The login service's id of the event; a repeat of it (same caller) counts once. */
  readonly eventId?: string | null;
}

interface LoginEventAnswer {
  /** The status the access decision uses (an expired failed-logins lock counts as its previous status). */
  readonly status: Status;
  readonly access: AccessDecision;
}

/** The claim that makes an event id count once per caller, written in the same transaction as its effect. */
function eventClaim(caller: ApiCaller, eventId: string, ttlSeconds: number): Claim {
  return { key: `login-event#${encodeURIComponent(caller.sub)}#${encodeURIComponent(eventId)}`, ttlSeconds };
}

/** The account behind an address the caller may see; NotFoundError otherwise. */
async function accountByEmail(deps: ServiceDeps, caller: ApiCaller, email: string): Promise<Account> {
  const record = await deps.store.access(normalizeEmail(email));
  const account = record !== null && administers(caller, record.domain) ? await deps.store.get(record.accountId) : null;
  if (account === null) throw new NotFoundError('no account has this address');
  return account;
}

/**
 * Applies a login event (race `system`: decided again on fresh state) and answers the access decision
 * after it. A repeated `eventId` changes nothing and answers the current decision.
 *
 * @example
 * await reportLoginEvent(deps, caller, { email: 'ann@example.org', outcome: 'failure', eventId: 'e-1' })
 * // { status: 'active', access: { login: 'allow', mail: 'deliver' } }
 */
async function reportLoginEvent(
  deps: ServiceDeps,
  caller: ApiCaller,
  input: LoginEventInput,
): Promise<LoginEventAnswer> {
  const account = await accountByEmail(deps, caller, input.email);
  const claim = input.eventId ? eventClaim(caller, input.eventId, deps.loginEventTtlSeconds) : undefined;
  let after: Account;
  try {
    const applied = await apply(
      deps,
      account,
      { kind: 'login', outcome: input.outcome, requestId: caller.requestId },
      { race: 'system', ...(claim ? { claim } : {}) },
    );
    after = applied.account;
  } catch (error) {
    if (!(error instanceof ClaimedError)) throw error;
    const current = await deps.store.get(account.accountId);
    if (current === null) throw new NotFoundError('no account has this address');
    after = current;
  }
  const now = nowOf(deps);
  return {
    status: effectiveStatus(after.status, after.lock, now),
    access: accessDecision(after.status, after.lock, now),
  };
}

export { reportLoginEvent };
export type { LoginEventAnswer, LoginEventInput };
