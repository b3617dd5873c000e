/**
 * The access decision (SPEC §1): whether the owner may log in and what happens to mail. A change takes
 * effect at once; a `failed_logins` lock whose `until` has passed (./due.ts) already counts as its previous status.
 * Pure: no I/O.
 */
import type { AccessDecision, Lock } from './account';
import { lockExpired } from './due';
import { statusDefinition, type Status } from './statuses';

/**
 * The status the access decision uses: the stored one, except an expired `failed_logins` lock, which
 * already counts as its previous status before any sweep runs.
 *
 * @example
 * effectiveStatus('locked', { reason: 'failed_logins', until: '2026-01-01T00:00:00Z', previousStatus: 'active' }, new Date())
 * // 'active'
 */
function effectiveStatus(status: Status, lock: Lock | null, now: Date): Status {
  return status === 'locked' && lock !== null && lockExpired(lock, now) ? lock.previousStatus : status;
}

/** What the MTA and login service do for an account in `status` with `lock`, at `now`. */
function accessDecision(status: Status, lock: Lock | null, now: Date): AccessDecision {
  const { login, mail } = statusDefinition(effectiveStatus(status, lock, now));
  return { login, mail };
}

export { accessDecision, effectiveStatus };
