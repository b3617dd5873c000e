/**
 * The sweeps' changes: each rule is checked again on the account (an index read may be stale), and a
 * sweep's fixed `asOf` decides what is due while the change is stamped with `now`.
 */
import { describe, expect, it } from 'vitest';
import { BACKGROUND_TASKS, type Account } from '../../../../shared/domain/account';
import { decide } from '../../../../shared/domain/decide';
import { DAY, HOUR } from '../../../../shared/domain/policy';
import type { AccountSweep } from '../../../../shared/domain/due';
import type { Request } from '../../../../shared/domain/requests';
import { STATUSES } from '../../../../shared/domain/statuses';
import { IN_PROGRESS_CASES, NOW, POLICY, anAccount, asChanged, inProgressIn, iso, restingIn } from '../fixtures';

const sweep = (name: AccountSweep, asOf?: string): Request => ({
  kind: 'sweep',
  sweep: name,
  requestId: 'run-1',
  ...(asOf ? { asOf } : {}),
});
const UNCHANGED = { outcome: 'unchanged', underway: false };
const leaver = (windowEndsAt: string) => ({ leaveDate: '2026-01-01', windowEndsAt });

describe('inactivity sweep', () => {
  const idle = (overrides: Partial<Account> = {}) =>
    anAccount({ statusSince: iso(-40 * DAY), lastActivityAt: iso(-POLICY.inactivityMs), ...overrides });

  it('makes an active account inactive once its last activity is inactivityMs old', () => {
    const account = idle({ failedLogins: { count: 2, windowStartedAt: iso(-60_000) } });

    const { account: next, entry, underway } = asChanged(decide(account, sweep('inactivity'), NOW, POLICY));

    expect(underway).toBe(false);
    expect(next).toMatchObject({
      status: 'inactive',
      statusSince: NOW.toISOString(),
      statusReason: null,
      version: account.version + 1,
      updatedBy: BACKGROUND_TASKS,
      failedLogins: account.failedLogins,
      lastActivityAt: account.lastActivityAt,
    });
    expect(entry).toEqual({
      at: NOW.toISOString(),
      from: 'active',
      to: 'inactive',
      action: 'inactivity',
      actor: BACKGROUND_TASKS,
      reason: null,
      requestId: 'run-1',
    });
  });

  it('is not due a moment earlier', () => {
    expect(
      decide(idle({ lastActivityAt: iso(-POLICY.inactivityMs + 1) }), sweep('inactivity'), NOW, POLICY),
    ).toMatchObject(UNCHANGED);
  });

  it('counts from when the account last became active when that is later than its last activity', () => {
    const account = idle({ lastActivityAt: iso(-60 * DAY), statusSince: iso(-DAY) });
    expect(decide(account, sweep('inactivity'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it('counts from statusSince when there was never any activity', () => {
    expect(decide(idle({ lastActivityAt: null }), sweep('inactivity'), NOW, POLICY).outcome).toBe('changed');
    expect(
      decide(idle({ lastActivityAt: null, statusSince: iso(-DAY) }), sweep('inactivity'), NOW, POLICY),
    ).toMatchObject(UNCHANGED);
  });

  it.each(STATUSES.filter((s) => s !== 'active'))('leaves %s alone', (status) => {
    expect(decide(idle({ status }), sweep('inactivity'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it('leaves an active account in progress (migration) alone', () => {
    const account = idle({ inProgress: inProgressIn('migration_pending', 'migrate', 'active', 'active').inProgress });
    expect(decide(account, sweep('inactivity'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it('judges by the sweep time (asOf) and stamps the change with now', () => {
    const account = idle({ lastActivityAt: iso(-29 * DAY) });
    expect(decide(account, sweep('inactivity'), NOW, POLICY)).toMatchObject(UNCHANGED);

    const { account: next } = asChanged(decide(account, sweep('inactivity', iso(DAY)), NOW, POLICY));
    expect(next.statusSince).toBe(NOW.toISOString());
  });

  it('treats an unreadable asOf as not due', () => {
    expect(decide(idle(), sweep('inactivity', 'not a time'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });
});

describe('leaver sweep', () => {
  const RESTING = ['pending', 'active', 'inactive', 'locked', 'maintenance', 'disabled', 'closed'] as const;

  it.each(RESTING)('starts deleting a %s leaver whose window has ended (202)', (status) => {
    const account = restingIn(status, { leaver: leaver(NOW.toISOString()) });

    const { account: next, entry, underway } = asChanged(decide(account, sweep('leaver'), NOW, POLICY));

    expect(underway).toBe(true);
    expect(next).toMatchObject({ status: 'deleting', lock: null, leaver: account.leaver, updatedBy: BACKGROUND_TASKS });
    expect(next.inProgress).toEqual({
      operationId: `${account.accountId}.${account.version + 1}`,
      operation: 'delete',
      target: 'deleted',
      from: status,
      startedAt: NOW.toISOString(),
      attempts: 0,
      lastError: null,
      round: 1,
      ...(status === 'locked' ? { lock: account.lock } : {}),
    });
    expect(entry).toMatchObject({
      from: status,
      to: 'deleting',
      action: 'leaver_delete',
      actor: BACKGROUND_TASKS,
      requestId: 'run-1',
    });
  });

  it('is not due before the window ends', () => {
    expect(decide(anAccount({ leaver: leaver(iso(1)) }), sweep('leaver'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it('is due by the sweep time (asOf)', () => {
    expect(decide(anAccount({ leaver: leaver(iso(DAY)) }), sweep('leaver', iso(DAY)), NOW, POLICY).outcome).toBe(
      'changed',
    );
  });

  it('leaves an account that is no longer a leaver alone', () => {
    expect(decide(anAccount(), sweep('leaver'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it.each(['deleted', 'deleted_permanent'] as const)('leaves a %s account alone', (status) => {
    expect(decide(restingIn(status, { leaver: leaver(iso(-DAY)) }), sweep('leaver'), NOW, POLICY)).toMatchObject(
      UNCHANGED,
    );
  });

  it.each(IN_PROGRESS_CASES)(
    'leaves an account in progress alone: $status ($operation)',
    ({ status, operation, from, target }) => {
      const account = inProgressIn(status, operation, from, target, { leaver: leaver(iso(-DAY)) });
      expect(decide(account, sweep('leaver'), NOW, POLICY)).toMatchObject(UNCHANGED);
    },
  );
});

describe('retention sweep', () => {
  it('starts purging a deleted account whose purgeAfter has passed (202)', () => {
    const account = restingIn('deleted', { purgeAfter: NOW.toISOString() });

    const { account: next, entry, underway } = asChanged(decide(account, sweep('retention'), NOW, POLICY));

    expect(underway).toBe(true);
    expect(next).toMatchObject({ status: 'deleting', deletedAt: account.deletedAt, purgeAfter: account.purgeAfter });
    expect(next.inProgress).toMatchObject({
      operation: 'purge',
      target: 'deleted_permanent',
      from: 'deleted',
      round: 1,
    });
    expect(entry).toMatchObject({
      from: 'deleted',
      to: 'deleting',
      action: 'retention_purge',
      actor: BACKGROUND_TASKS,
    });
  });

  it('is not due before purgeAfter, unless by the sweep time (asOf)', () => {
    const account = restingIn('deleted', { purgeAfter: iso(HOUR) });
    expect(decide(account, sweep('retention'), NOW, POLICY)).toMatchObject(UNCHANGED);
    expect(decide(account, sweep('retention', iso(HOUR)), NOW, POLICY).outcome).toBe('changed');
  });

  it.each(STATUSES.filter((s) => s !== 'deleted'))('leaves %s alone', (status) => {
    expect(decide(restingIn(status, { purgeAfter: iso(-DAY) }), sweep('retention'), NOW, POLICY)).toMatchObject(
      UNCHANGED,
    );
  });

  it('leaves a deleted account being restored alone', () => {
    const account = inProgressIn('restoring', 'restore', 'deleted', 'active', { purgeAfter: iso(-DAY) });
    expect(decide(account, sweep('retention'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });
});

describe('lockout-expiry sweep', () => {
  it.each(['active', 'inactive'] as const)('returns an expired lockout to %s, clearing the lock', (previousStatus) => {
    const account = anAccount({
      status: 'locked',
      lock: { reason: 'failed_logins', until: NOW.toISOString(), previousStatus },
    });

    const { account: next, entry } = asChanged(decide(account, sweep('lockout'), NOW, POLICY));

    expect(next).toMatchObject({
      status: previousStatus,
      lock: null,
      statusSince: NOW.toISOString(),
      updatedBy: BACKGROUND_TASKS,
    });
    expect(entry).toMatchObject({
      from: 'locked',
      to: previousStatus,
      action: 'lockout_expired',
      actor: BACKGROUND_TASKS,
    });
  });

  it('is not due before until, unless by the sweep time (asOf)', () => {
    const account = anAccount({
      status: 'locked',
      lock: { reason: 'failed_logins', until: iso(1), previousStatus: 'active' },
    });
    expect(decide(account, sweep('lockout'), NOW, POLICY)).toMatchObject(UNCHANGED);
    expect(decide(account, sweep('lockout', iso(1)), NOW, POLICY).outcome).toBe('changed');
  });

  it('never expires an admin lock or a lockout until an administrator unlocks', () => {
    const admin = anAccount({ status: 'locked', lock: { reason: 'admin', until: null, previousStatus: 'active' } });
    const forever = anAccount({
      status: 'locked',
      lock: { reason: 'failed_logins', until: null, previousStatus: 'active' },
    });
    expect(decide(admin, sweep('lockout'), NOW, POLICY)).toMatchObject(UNCHANGED);
    expect(decide(forever, sweep('lockout'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it.each(STATUSES.filter((s) => s !== 'locked'))('leaves %s alone (the lock is gone)', (status) => {
    expect(decide(restingIn(status), sweep('lockout'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });
});
