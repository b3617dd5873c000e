/**
 * The time rules of shared/domain/due.ts: when an account becomes due for each sweep and for the stuck
 * detector. The sweeps' decisions (decide/sweeps.test.ts) and the store's due-time indexes
 * (integration/store/due.test.ts) are built on these.
 */
import { describe, expect, it } from 'vitest';
import { DUE_AT_ONCE, DUE_KINDS, dueAt, isDue, lockExpired } from '../../../shared/domain/due';
import { DAY, HOUR, type Policy } from '../../../shared/domain/policy';
import { STATUSES } from '../../../shared/domain/statuses';
import { IN_PROGRESS_CASES, NOW, POLICY, anAccount, inProgressIn, iso, restingIn } from './fixtures';

const leaver = { leaveDate: '2026-03-01', windowEndsAt: iso(-HOUR) };
const failedLogins = (until: string | null) => ({
  reason: 'failed_logins' as const,
  until,
  previousStatus: 'active' as const,
});

describe('inactivity', () => {
  it('is due inactivityMs after the later of the last activity and the status change', () => {
    const sinceActivity = anAccount({ statusSince: iso(-10 * DAY), lastActivityAt: iso(-DAY) });
    const sinceStatus = anAccount({ statusSince: iso(-DAY), lastActivityAt: iso(-10 * DAY) });
    const never = anAccount({ statusSince: iso(-2 * DAY), lastActivityAt: null });

    expect(dueAt('inactivity', sinceActivity, POLICY)).toBe(iso(-DAY + POLICY.inactivityMs));
    expect(dueAt('inactivity', sinceStatus, POLICY)).toBe(iso(-DAY + POLICY.inactivityMs));
    expect(dueAt('inactivity', never, POLICY)).toBe(iso(-2 * DAY + POLICY.inactivityMs));
  });

  it('applies only to an active account with nothing in progress', () => {
    const others = STATUSES.filter((status) => status !== 'active').map((status) => restingIn(status));
    const migrating = inProgressIn('migration_pending', 'migrate', 'active', 'active', { status: 'active' });

    expect([...others, migrating].map((account) => dueAt('inactivity', account, POLICY))).toEqual(
      [...others, migrating].map(() => null),
    );
  });
});

describe('leaver', () => {
  it('is due when the leaver window ends, for a resting account that is not deleted', () => {
    expect(dueAt('leaver', anAccount({ leaver }), POLICY)).toBe(leaver.windowEndsAt);
    expect(dueAt('leaver', restingIn('closed', { leaver }), POLICY)).toBe(leaver.windowEndsAt);
  });

  it('does not apply without a mark, once deleted, or while an operation is under way', () => {
    const accounts = [
      anAccount(),
      restingIn('deleted', { leaver }),
      restingIn('deleted_permanent', { leaver }),
      inProgressIn('disabling', 'disable', 'active', 'disabled', { leaver }),
    ];

    expect(accounts.map((account) => dueAt('leaver', account, POLICY))).toEqual([null, null, null, null]);
  });
});

describe('retention', () => {
  it('is due at purgeAfter for a deleted account, and for nothing else', () => {
    const deleted = restingIn('deleted');

    expect(dueAt('retention', deleted, POLICY)).toBe(deleted.purgeAfter);
    expect(dueAt('retention', restingIn('active', { purgeAfter: iso(DAY) }), POLICY)).toBeNull();
    expect(dueAt('retention', inProgressIn('restoring', 'restore', 'deleted', 'active'), POLICY)).toBeNull();
  });
});

describe('lockout', () => {
  it('is due when a failed_logins lock ends', () => {
    const locked = restingIn('locked', { lock: failedLogins(iso(HOUR)) });

    expect(dueAt('lockout', locked, POLICY)).toBe(iso(HOUR));
  });

  it('never ends for an administrator lock or a lockout until an administrator unlocks', () => {
    const admin = restingIn('locked');
    const indefinite = restingIn('locked', { lock: failedLogins(null) });

    expect([dueAt('lockout', admin, POLICY), dueAt('lockout', indefinite, POLICY)]).toEqual([null, null]);
    expect([lockExpired(admin.lock, NOW), lockExpired(indefinite.lock, NOW)]).toEqual([false, false]);
  });

  it('has expired at its until, not a millisecond before', () => {
    expect(lockExpired(failedLogins(iso(0)), NOW)).toBe(true);
    expect(lockExpired(failedLogins(iso(1)), NOW)).toBe(false);
  });
});

describe('stuck', () => {
  it('is due the stuck threshold of its in-progress status after the operation started', () => {
    const policy: Policy = { ...POLICY, stuckAfterMs: { default: 24 * HOUR, migration_pending: 12 * HOUR } };
    const disabling = inProgressIn('disabling', 'disable', 'active', 'disabled');
    const migrating = inProgressIn('migration_pending', 'migrate', 'active', 'active');

    expect(dueAt('stuck', disabling, policy)).toBe(iso(-HOUR + 24 * HOUR));
    expect(dueAt('stuck', migrating, policy)).toBe(iso(-HOUR + 12 * HOUR));
    expect(dueAt('stuck', anAccount(), policy)).toBeNull();
  });

  it('is due exactly at the threshold (isDue), not a millisecond before', () => {
    const account = inProgressIn('enabling', 'enable', 'disabled', 'active');
    const at = Date.parse(dueAt('stuck', account, POLICY) ?? '');

    expect(isDue('stuck', account, new Date(at), POLICY)).toBe(true);
    expect(isDue('stuck', account, new Date(at - 1), POLICY)).toBe(false);
  });
});

describe('stuck_alert', () => {
  it('is due at the reminder time while the episode lasts, and at once once it has ended', () => {
    const account = inProgressIn('deleting', 'delete', 'active', 'deleted');
    const memory = { operationId: 'op-1', status: 'deleting' as const, alertedAt: iso(-DAY), remindAt: iso(DAY) };

    expect(dueAt('stuck_alert', { ...account, stuckAlert: memory }, POLICY)).toBe(memory.remindAt);
    expect(dueAt('stuck_alert', { ...account, stuckAlert: { ...memory, operationId: 'op-0' } }, POLICY)).toBe(
      DUE_AT_ONCE,
    );
    expect(dueAt('stuck_alert', anAccount({ stuckAlert: memory }), POLICY)).toBe(DUE_AT_ONCE);
    expect(dueAt('stuck_alert', account, POLICY)).toBeNull();
  });
});

describe('the candidate sets sharing the due index', () => {
  it('never hold the same account twice: inactivity, lockout, retention and stuck exclude each other', () => {
    const shared = ['inactivity', 'lockout', 'retention', 'stuck'] as const;
    const accounts = [
      ...STATUSES.map((status) => restingIn(status, { leaver })),
      restingIn('locked', { lock: failedLogins(iso(HOUR)) }),
      ...IN_PROGRESS_CASES.map((c) => inProgressIn(c.status, c.operation, c.from, c.target)),
    ];

    const counts = accounts.map((account) => shared.filter((kind) => dueAt(kind, account, POLICY) !== null).length);

    expect(Math.max(...counts)).toBe(1);
    expect(DUE_KINDS).toEqual(['inactivity', 'leaver', 'retention', 'lockout', 'stuck', 'stuck_alert']);
  });
});
