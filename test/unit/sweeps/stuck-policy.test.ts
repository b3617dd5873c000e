/**
 * The stuck detector's rule: stuck or not, which alert is due, and what the episode memory becomes.
 */
import { describe, expect, it } from 'vitest';
import type { Account, InProgress, StuckAlert } from '../../../shared/domain/account';
import { DEFAULT_POLICY, HOUR, type Policy } from '../../../shared/domain/policy';
import { planStuck } from '../../../shared/sweeps/stuck-policy';

const T = Date.parse('2026-11-01T00:00:00.000Z');
const iso = (hours: number): string => new Date(T + hours * HOUR).toISOString();
const AT = new Date('2026-12-01T00:00:00.000Z');

const op: InProgress = {
  operationId: 'acc.3',
  operation: 'disable',
  target: 'disabled',
  from: 'active',
  startedAt: iso(0),
  attempts: 4,
  lastError: 'HTTP 503',
  round: 1,
};

function account(overrides: Partial<Account> = {}): Account {
  return {
    accountId: 'acc',
    email: 'ada@example.org',
    domain: 'example.org',
    displayName: null,
    status: 'disabling',
    statusSince: iso(0),
    statusReason: null,
    updatedBy: 'alice',
    updatedAt: iso(0),
    version: 3,
    inProgress: op,
    leaver: null,
    lock: null,
    lastActivityAt: null,
    deletedAt: null,
    purgeAfter: null,
    createdAt: iso(-100),
    failedLogins: null,
    stuckAlert: null,
    revision: 1,
    ...overrides,
  };
}

const memory = (overrides: Partial<StuckAlert> = {}): StuckAlert => ({
  operationId: 'acc.3',
  status: 'disabling',
  alertedAt: iso(24),
  remindAt: iso(48),
  ...overrides,
});

const plan = (a: Account, hours: number, policy: Policy = DEFAULT_POLICY) =>
  planStuck(a, new Date(T + hours * HOUR), AT, policy);

describe('planStuck', () => {
  it('does nothing before the threshold', () => {
    expect(plan(account(), 23.9)).toMatchObject({ stuck: false, alerts: [], memory: undefined });
  });

  it('alerts once the threshold has passed and remembers the episode', () => {
    const p = plan(account(), 24);
    expect(p).toMatchObject({ stuck: true, alerted: 1, reminded: 0, resolved: 0 });
    expect(p.memory).toEqual({ operationId: 'acc.3', status: 'disabling', alertedAt: iso(24), remindAt: iso(48) });
    expect(p.alerts).toEqual([
      expect.objectContaining({
        type: 'stuck',
        at: AT.toISOString(),
        status: 'disabling',
        target: 'disabled',
        since: iso(0),
        attempts: 4,
        lastError: 'HTTP 503',
        account: { accountId: 'acc', email: 'ada@example.org', domain: 'example.org' },
        summary: expect.stringContaining('acc (ada@example.org) stuck in disabling → disabled for 24 h'),
        action: expect.stringContaining('POST /accounts/acc/in-progress/retry'),
      }),
    ]);
  });

  it('uses the threshold of the status', () => {
    const policy: Policy = { ...DEFAULT_POLICY, stuckAfterMs: { default: 24 * HOUR, migration_pending: 12 * HOUR } };
    const migrating = account({
      status: 'migration_pending',
      inProgress: { ...op, operation: 'migrate', target: 'active' },
    });
    expect(plan(migrating, 12, policy).stuck).toBe(true);
    expect(plan(account(), 12, policy).stuck).toBe(false);
  });

  it('stays silent within the episode until the reminder is due, then reminds and moves the reminder on', () => {
    const remembered = account({ stuckAlert: memory() });
    expect(plan(remembered, 47)).toMatchObject({ stuck: true, alerts: [], memory: undefined });
    const p = plan(remembered, 48);
    expect(p).toMatchObject({ reminded: 1, alerted: 0, memory: { ...memory(), remindAt: iso(72) } });
    expect(p.alerts).toEqual([expect.objectContaining({ type: 'stuck_reminder', alertedAt: iso(24) })]);
  });

  it('resolves an episode that has ended and forgets it', () => {
    const done = account({ status: 'disabled', inProgress: null, stuckAlert: memory() });
    const p = plan(done, 50);
    expect(p).toMatchObject({ stuck: false, resolved: 1, alerted: 0, memory: null });
    expect(p.alerts).toEqual([
      expect.objectContaining({ type: 'stuck_resolved', status: 'disabled', stuckStatus: 'disabling' }),
    ]);
  });

  it('resolves the old episode and alerts the new one when another operation is already stuck', () => {
    const next: InProgress = { ...op, operationId: 'acc.5', startedAt: iso(30) };
    const p = plan(account({ inProgress: next, stuckAlert: memory() }), 54);
    expect(p.alerts.map((a) => a.type)).toEqual(['stuck_resolved', 'stuck']);
    expect(p.memory).toMatchObject({ operationId: 'acc.5', alertedAt: iso(54) });
  });

  it('resolves the old episode without a new alert while the new operation is not yet stuck', () => {
    const next: InProgress = { ...op, operationId: 'acc.5', startedAt: iso(40) };
    const p = plan(account({ inProgress: next, stuckAlert: memory() }), 50);
    expect(p).toMatchObject({ stuck: false, resolved: 1, alerted: 0, memory: null });
  });
});
