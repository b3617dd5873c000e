import { describe, expect, it } from 'vitest';
import { allowedTargets, effect, isStuck, statusText } from '../../console/src/model';
import { MODEL, account, session } from './fixtures';

describe('allowedTargets', () => {
  it('offers an active account the targets of the transition table, pending only to admins', () => {
    // Prepare
    const active = account();

    // Act
    const forWriter = allowedTargets(MODEL, active, session('accounts:write')).map((t) => t.target);
    const forAdmin = allowedTargets(MODEL, active, session('accounts:admin')).map((t) => t.target);

    // Assess
    expect(forWriter).toEqual(
      expect.arrayContaining(['active', 'locked', 'maintenance', 'disabled', 'closed', 'deleted']),
    );
    expect(forWriter).not.toContain('pending');
    expect(forAdmin).toContain('pending');
  });

  it('offers nothing while an operation is in progress', () => {
    // Prepare
    const disabling = account({
      status: 'disabling',
      statusLabel: 'Disabling',
      inProgress: {
        operation: 'disable',
        target: 'disabled',
        startedAt: new Date().toISOString(),
        attempts: 0,
        lastError: null,
        stuck: false,
      },
    });

    // Act
    const targets = allowedTargets(MODEL, disabling, session('accounts:admin'));

    // Assess
    expect(targets).toEqual([]);
  });

  it('offers restore only before purgeAfter', () => {
    // Prepare
    const now = Date.parse('2026-06-01T00:00:00Z');
    const deleted = (purgeAfter: string) =>
      account({ status: 'deleted', statusLabel: 'Deleted', deletedAt: '2026-05-20T00:00:00Z', purgeAfter });

    // Act
    const before = allowedTargets(MODEL, deleted('2026-06-19T00:00:00Z'), session('accounts:admin'), now);
    const after = allowedTargets(MODEL, deleted('2026-05-31T00:00:00Z'), session('accounts:admin'), now);

    // Assess
    expect(before.map((t) => t.target)).toContain('active');
    expect(after.map((t) => t.target)).not.toContain('active');
    expect(after.map((t) => t.target)).toContain('deleted_permanent');
  });
});

describe('statusText', () => {
  it('says a disabled account is blocked, in words', () => {
    expect(statusText(MODEL, account({ status: 'disabled', statusLabel: 'Disabled' }))).toBe(
      'Disabled — access blocked',
    );
  });

  it('shows where an in-progress account is going', () => {
    // Prepare
    const enabling = account({
      status: 'enabling',
      statusLabel: 'Enabling',
      inProgress: {
        operation: 'enable',
        target: 'active',
        startedAt: new Date().toISOString(),
        attempts: 1,
        lastError: 'x',
        stuck: false,
      },
    });

    // Act
    const text = statusText(MODEL, enabling);

    // Assess
    expect(text).toBe('Enabling → Active');
  });

  it('keeps the leaver label', () => {
    expect(statusText(MODEL, account({ statusLabel: 'Active (Leaver)' }))).toBe('Active (Leaver)');
  });
});

describe('isStuck', () => {
  it('marks the operation the API says is stuck (on-call paged), and not another one however old', () => {
    // Prepare
    const started = '2026-06-01T00:00:00Z';
    const operation = {
      operation: 'delete',
      target: 'deleted',
      startedAt: started,
      attempts: 5,
      lastError: 'HTTP 500',
    } as const;
    const paged = account({
      status: 'deleting',
      statusLabel: 'Deleting',
      statusSince: started,
      inProgress: { ...operation, stuck: true },
    });
    const notPaged = account({
      status: 'deleting',
      statusLabel: 'Deleting',
      statusSince: '2020-01-01T00:00:00Z',
      inProgress: { ...operation, stuck: false },
    });

    // Act
    const stuck = [isStuck(paged), isStuck(notPaged), isStuck(account({}))];

    // Assess
    expect(stuck).toEqual([true, false, false]);
  });
});

describe('effect', () => {
  it('describes login and mail from the model', () => {
    expect(effect(MODEL, 'disabled')).toBe('login blocked, mail delivered');
    expect(effect(MODEL, 'maintenance')).toBe('login blocked, mail queued');
    expect(effect(MODEL, 'active')).toBe('login allowed, mail delivered');
  });
});
