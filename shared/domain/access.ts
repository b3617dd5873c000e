/**
 * The access decision (SPEC §1): whether the owner may log in and what happens to mail. A change takes
 * effect at once; a `failed_logins` lock whose `until` has passed already counts as its previous status.
 * Pure: no I/O.
 */
import type { AccessDecision, Lock } from './account';
import { reached } from './change';
import { statusDefinition, type Status } from './statuses';

/** Whether a lock is a failed-logins lockout whose time is up. */
function lockExpired(lock: Lock | null, now: Date): boolean {
  return lock !== null && lock.reason === 'failed_logins' && reached(lock.until, now);
}

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

export { accessDecision, effectiveStatus, lockExpired };
