/**
 * Login events (POST /login-events): success, failure and the platform's lockout. Actor BackgroundTasks.
 */
import { describe, expect, it } from 'vitest';
import { BACKGROUND_TASKS, type Account, type Lock } from '../../../../shared/domain/account';
import { decide } from '../../../../shared/domain/decide';
import { HOUR } from '../../../../shared/domain/policy';
import type { LoginOutcome, Request } from '../../../../shared/domain/requests';
import { STATUSES, type Status } from '../../../../shared/domain/statuses';
import { NOW, POLICY, anAccount, asChanged, asQuiet, iso, restingIn } from '../fixtures';

const event = (outcome: LoginOutcome): Request => ({ kind: 'login', outcome, requestId: 'evt-1' });
const expired: Lock = { reason: 'failed_logins', until: iso(-1), previousStatus: 'inactive' };
const running: Lock = { reason: 'failed_logins', until: iso(HOUR), previousStatus: 'active' };
const failures = (count: number, startedAgo = 60_000) => ({ count, windowStartedAt: iso(-startedAgo) });

/** Statuses a login event never changes (for success, only inactive and an expired lock change). */
const OTHERS: readonly Status[] = STATUSES.filter((s) => s !== 'active' && s !== 'inactive');

describe('login success', () => {
  it('turns inactive into active', () => {
    const account = anAccount({ status: 'inactive', failedLogins: failures(2) });

    const { account: next, entry, underway } = asChanged(decide(account, event('success'), NOW, POLICY));

    expect(underway).toBe(false);
    expect(next).toMatchObject({
      status: 'active',
      statusSince: NOW.toISOString(),
      statusReason: null,
      lastActivityAt: NOW.toISOString(),
      failedLogins: null,
      version: account.version + 1,
      updatedBy: BACKGROUND_TASKS,
      updatedAt: NOW.toISOString(),
    });
    expect(entry).toEqual({
      at: NOW.toISOString(),
      from: 'inactive',
      to: 'active',
      action: 'login_reactivate',
      actor: BACKGROUND_TASKS,
      reason: null,
      requestId: 'evt-1',
    });
  });

  it('turns an expired failed_logins lock into active, clearing the lock', () => {
    const account = anAccount({ status: 'locked', lock: expired });

    const { account: next, entry } = asChanged(decide(account, event('success'), NOW, POLICY));

    expect(next).toMatchObject({ status: 'active', lock: null, lastActivityAt: NOW.toISOString() });
    expect(entry).toMatchObject({ from: 'locked', to: 'active', action: 'login_unlock' });
  });

  it.each<[string, Lock]>([
    ['a running lockout', running],
    ['a lockout until an administrator unlocks', { reason: 'failed_logins', until: null, previousStatus: 'active' }],
    ['an admin lock', { reason: 'admin', until: null, previousStatus: 'active' }],
  ])('leaves %s locked', (_name, lock) => {
    const decision = decide(anAccount({ status: 'locked', lock, lastActivityAt: null }), event('success'), NOW, POLICY);
    expect(asQuiet(decision).account).toMatchObject({ status: 'locked', lock });
  });

  it.each(OTHERS)('never changes the status %s', (status) => {
    const decision = decide(restingIn(status, { lastActivityAt: null }), event('success'), NOW, POLICY);
    expect(asQuiet(decision).account.status).toBe(status);
  });

  it('writes the activity quietly when the last one is older than the write interval', () => {
    const account = anAccount({ lastActivityAt: iso(-HOUR) });

    const { account: next } = asQuiet(decide(account, event('success'), NOW, POLICY));

    expect(next).toEqual({ ...account, lastActivityAt: NOW.toISOString(), revision: account.revision + 1 });
  });

  it('writes the activity quietly when there is none yet', () => {
    expect(
      asQuiet(decide(anAccount({ lastActivityAt: null }), event('success'), NOW, POLICY)).account.lastActivityAt,
    ).toBe(NOW.toISOString());
  });

  it('resets a failure count quietly, refreshing the activity too', () => {
    const account = anAccount({ lastActivityAt: iso(-60_000), failedLogins: failures(4) });

    const { account: next } = asQuiet(decide(account, event('success'), NOW, POLICY));

    expect(next).toEqual({
      ...account,
      failedLogins: null,
      lastActivityAt: NOW.toISOString(),
      revision: account.revision + 1,
    });
  });

  it('writes nothing when the activity is recent and there are no failures', () => {
    expect(decide(anAccount({ lastActivityAt: iso(-HOUR + 1) }), event('success'), NOW, POLICY)).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
  });

  it('honours the configured write interval', () => {
    const policy = { ...POLICY, activityWriteIntervalMs: 60_000 };
    expect(decide(anAccount({ lastActivityAt: iso(-60_000) }), event('success'), NOW, policy).outcome).toBe('quiet');
  });
});

describe('login failure', () => {
  it.each(['active', 'inactive'] as const)('starts a count on %s', (status) => {
    const account = anAccount({ status });

    const { account: next } = asQuiet(decide(account, event('failure'), NOW, POLICY));

    expect(next).toEqual({
      ...account,
      failedLogins: { count: 1, windowStartedAt: NOW.toISOString() },
      revision: account.revision + 1,
    });
  });

  it('counts inside the window, keeping its start', () => {
    const { account: next } = asQuiet(
      decide(anAccount({ failedLogins: failures(3, HOUR - 1) }), event('failure'), NOW, POLICY),
    );
    expect(next.failedLogins).toEqual(failures(4, HOUR - 1));
  });

  it('restarts at 1 once the window is over', () => {
    const { account: next } = asQuiet(
      decide(anAccount({ failedLogins: failures(9, HOUR) }), event('failure'), NOW, POLICY),
    );
    expect(next.failedLogins).toEqual({ count: 1, windowStartedAt: NOW.toISOString() });
  });

  it.each(['active', 'inactive'] as const)('locks %s at maxFailures, remembering it', (status) => {
    const account = anAccount({ status, failedLogins: failures(POLICY.maxFailures - 1) });

    const { account: next, entry, underway } = asChanged(decide(account, event('failure'), NOW, POLICY));

    expect(underway).toBe(false);
    expect(next).toMatchObject({
      status: 'locked',
      lock: { reason: 'failed_logins', until: iso(POLICY.lockoutMs), previousStatus: status },
      failedLogins: null,
      statusSince: NOW.toISOString(),
      version: account.version + 1,
      updatedBy: BACKGROUND_TASKS,
    });
    expect(entry).toMatchObject({
      from: status,
      to: 'locked',
      action: 'lockout',
      actor: BACKGROUND_TASKS,
      requestId: 'evt-1',
    });
  });

  it('honours the configured maximum and lockout duration', () => {
    const policy = { ...POLICY, maxFailures: 3, lockoutMs: 5 * 60_000 };
    const { account: next } = asChanged(
      decide(anAccount({ failedLogins: failures(2) }), event('failure'), NOW, policy),
    );
    expect(next.lock).toEqual({ reason: 'failed_logins', until: iso(5 * 60_000), previousStatus: 'active' });
  });

  it('locks until an administrator unlocks when the lockout duration is 0', () => {
    const policy = { ...POLICY, lockoutMs: 0 };
    const { account: next } = asChanged(
      decide(anAccount({ failedLogins: failures(9) }), event('failure'), NOW, policy),
    );
    expect(next.lock).toEqual({ reason: 'failed_logins', until: null, previousStatus: 'active' });
  });

  it('counts for an expired lockout as its previous status, and locks it again from there', () => {
    const account = anAccount({ status: 'locked', lock: expired, failedLogins: failures(9) });

    const { account: next, entry } = asChanged(decide(account, event('failure'), NOW, POLICY));

    expect(next.lock).toEqual({ reason: 'failed_logins', until: iso(POLICY.lockoutMs), previousStatus: 'inactive' });
    expect(entry).toMatchObject({ from: 'locked', to: 'locked', action: 'lockout' });
  });

  it.each(OTHERS)('changes nothing for %s', (status) => {
    expect(decide(restingIn(status), event('failure'), NOW, POLICY)).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
  });

  it('changes nothing during a running lockout', () => {
    expect(decide(anAccount({ status: 'locked', lock: running }), event('failure'), NOW, POLICY).outcome).toBe(
      'unchanged',
    );
  });
});

describe('login lockout (the platform locked the account itself)', () => {
  it.each(['active', 'inactive'] as const)('locks %s at once', (status) => {
    const account: Account = anAccount({ status, failedLogins: failures(1) });

    const { account: next, entry } = asChanged(decide(account, event('lockout'), NOW, POLICY));

    expect(next).toMatchObject({
      status: 'locked',
      lock: { reason: 'failed_logins', until: iso(HOUR), previousStatus: status },
      failedLogins: null,
    });
    expect(entry).toMatchObject({ from: status, to: 'locked', action: 'lockout', actor: BACKGROUND_TASKS });
  });

  it('locks an expired lockout again', () => {
    const { account: next } = asChanged(
      decide(anAccount({ status: 'locked', lock: expired }), event('lockout'), NOW, POLICY),
    );
    expect(next.lock).toEqual({ reason: 'failed_logins', until: iso(HOUR), previousStatus: 'inactive' });
  });

  it.each(OTHERS)('changes nothing for %s', (status) => {
    expect(decide(restingIn(status), event('lockout'), NOW, POLICY)).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
  });
});
