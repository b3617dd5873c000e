/**
 * The account resource (SPEC §4): every resource field, the label with "(Leaver)", the access decision
 * at the given time, and no internal marks.
 */
import { describe, expect, it } from 'vitest';
import { toResource } from '../../../shared/domain/resource';
import { NOW, anAccount, anOperation, iso, restingIn } from './fixtures';

describe('toResource', () => {
  it('shows every field of the resource and nothing internal', () => {
    const account = anAccount({
      status: 'disabling',
      inProgress: anOperation('disable', 'active', 'disabled', { round: 3 }),
      failedLogins: { count: 1, windowStartedAt: iso(-1) },
      stuckAlert: { operationId: 'op-1', status: 'disabling', alertedAt: iso(-1), remindAt: iso(1) },
    });

    const resource = toResource(account, NOW);

    expect(resource).toEqual({
      accountId: account.accountId,
      email: account.email,
      domain: account.domain,
      displayName: account.displayName,
      status: 'disabling',
      statusLabel: 'Disabling',
      statusSince: account.statusSince,
      statusReason: account.statusReason,
      updatedBy: account.updatedBy,
      updatedAt: account.updatedAt,
      version: account.version,
      inProgress: {
        operation: 'disable',
        target: 'disabled',
        startedAt: iso(-3_600_000),
        attempts: 2,
        lastError: 'timeout',
        stuck: true,
      },
      leaver: null,
      lock: null,
      lastActivityAt: account.lastActivityAt,
      deletedAt: null,
      purgeAfter: null,
      access: { login: 'deny', mail: 'deliver' },
      createdAt: account.createdAt,
    });
  });

  it('says an operation is stuck only while the stuck alert is about it', () => {
    // Prepare
    const inProgress = anOperation('disable', 'active', 'disabled');
    const alert = {
      operationId: inProgress.operationId,
      status: 'disabling',
      alertedAt: iso(-1),
      remindAt: iso(1),
    } as const;

    // Act
    const paged = toResource(anAccount({ status: 'disabling', inProgress, stuckAlert: alert }), NOW);
    const notPaged = toResource(anAccount({ status: 'disabling', inProgress, stuckAlert: null }), NOW);
    const earlierOperation = toResource(
      anAccount({ status: 'disabling', inProgress, stuckAlert: { ...alert, operationId: 'op-0' } }),
      NOW,
    );

    // Assess
    expect(paged.inProgress?.stuck).toBe(true);
    expect(notPaged.inProgress?.stuck).toBe(false);
    expect(earlierOperation.inProgress?.stuck).toBe(false);
  });

  it('labels a leaver', () => {
    const leaver = { leaveDate: '2026-03-01', windowEndsAt: '2026-03-31T00:00:00.000Z' };
    expect(toResource(anAccount({ leaver }), NOW)).toMatchObject({ statusLabel: 'Active (Leaver)', leaver });
    expect(toResource(anAccount({ status: 'inactive', leaver }), NOW).statusLabel).toBe('Inactive (Leaver)');
  });

  it('reports an expired lockout as locked with the previous status access', () => {
    const lock = { reason: 'failed_logins', until: iso(-1), previousStatus: 'active' } as const;
    expect(toResource(anAccount({ status: 'locked', lock }), NOW)).toMatchObject({
      status: 'locked',
      statusLabel: 'Locked',
      lock,
      access: { login: 'allow', mail: 'deliver' },
    });
  });

  it('shows a tombstone without personal data, with its dates', () => {
    const tombstone = restingIn('deleted_permanent');
    expect(toResource(tombstone, NOW)).toMatchObject({
      email: null,
      displayName: null,
      status: 'deleted_permanent',
      statusLabel: 'Deleted Permanent',
      deletedAt: tombstone.deletedAt,
      purgeAfter: tombstone.purgeAfter,
      access: { login: 'deny', mail: 'reject' },
    });
  });
});
