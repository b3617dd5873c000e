/**
 * The access decision for the MTA and the login service: one GetItem of the email item. Kept apart and
 * light: the access function imports nothing else of the services.
 */
import type { AccessDecision } from '../domain/account';
import { accessDecision, effectiveStatus } from '../domain/access';
import type { Status } from '../domain/statuses';
import type { AccountStore } from '../store/port';
import type { ApiCaller } from './caller';
import { administers } from './caller';
import { normalizeEmail } from '../domain/email';

interface AccessAnswer extends AccessDecision {
  readonly accountId: string;
  readonly email: string;
  /** The status the decision uses: an expired failed-logins lock already counts as its previous status. */
  readonly status: Status;
}

/**
 * The access decision for `email` at `now`, or null for an unknown address (or one outside the caller's domains).
 *
 * @example
 * await checkAccess(store, caller, 'Ann@example.org', new Date())
 * // { accountId: '01J…', email: 'ann@example.org', status: 'active', login: 'allow', mail: 'deliver' }
 */
async function checkAccess(
  store: Pick<AccountStore, 'access'>,
  caller: ApiCaller,
  email: string,
  now: Date,
): Promise<AccessAnswer | null> {
  const record = await store.access(normalizeEmail(email));
  if (record === null || !administers(caller, record.domain)) return null;
  return {
    accountId: record.accountId,
    email: record.email,
    status: effectiveStatus(record.status, record.lock, now),
    ...accessDecision(record.status, record.lock, now),
  };
}

export { checkAccess };
export type { AccessAnswer };
