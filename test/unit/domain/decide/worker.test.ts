/**
 * The worker's outcome of an operation: completion moves the account to the target with that target's
 * marks; a failed attempt is recorded quietly; a late report of another operation changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { BACKGROUND_TASKS } from '../../../../shared/domain/account';
import { decide } from '../../../../shared/domain/decide';
import type { Request } from '../../../../shared/domain/requests';
import { IN_PROGRESS_CASES, NOW, POLICY, anAccount, asChanged, asQuiet, inProgressIn, iso } from '../fixtures';
import { DAY } from '../../../../shared/domain/policy';

const completed = (operationId = 'op-1'): Request => ({
  kind: 'operation_completed',
  operationId,
  requestId: 'worker-1',
});
const failed = (error: string, operationId = 'op-1', round?: number): Request => ({
  kind: 'operation_failed',
  operationId,
  error,
  ...(round === undefined ? {} : { round }),
});
const UNCHANGED = { outcome: 'unchanged', underway: false };
const leaver = { leaveDate: '2026-03-01', windowEndsAt: '2026-03-31T00:00:00.000Z' };

describe('operation_completed', () => {
  it.each(IN_PROGRESS_CASES)('completes $operation: $status → $target', ({ status, operation, from, target }) => {
    const account = inProgressIn(status, operation, from, target, { statusReason: 'why it started' });

    const { account: next, entry, underway } = asChanged(decide(account, completed(), NOW, POLICY));

    expect(underway).toBe(false);
    expect(next).toMatchObject({
      status: target,
      inProgress: null,
      statusSince: NOW.toISOString(),
      statusReason: 'why it started',
      version: account.version + 1,
      revision: account.revision + 1,
      updatedBy: BACKGROUND_TASKS,
      updatedAt: NOW.toISOString(),
    });
    expect(entry).toEqual({
      at: NOW.toISOString(),
      from: status,
      to: target,
      action: 'complete',
      actor: BACKGROUND_TASKS,
      reason: null,
      requestId: 'worker-1',
    });
  });

  it('entering deleted: stamps deletedAt and purgeAfter, clears the leaver mark, keeps the personal data', () => {
    const account = inProgressIn('deleting', 'delete', 'active', 'deleted', { leaver });

    const { account: next } = asChanged(decide(account, completed(), NOW, POLICY));

    expect(next).toMatchObject({
      deletedAt: NOW.toISOString(),
      purgeAfter: iso(POLICY.retentionMs),
      leaver: null,
      email: account.email,
      displayName: account.displayName,
    });
  });

  it('honours the configured retention', () => {
    const account = inProgressIn('deleting', 'delete', 'active', 'deleted');
    const { account: next } = asChanged(decide(account, completed(), NOW, { ...POLICY, retentionMs: 7 * DAY }));
    expect(next.purgeAfter).toBe(iso(7 * DAY));
  });

  it('entering deleted_permanent: leaves a tombstone without personal data', () => {
    const account = inProgressIn('deleting', 'purge', 'deleted', 'deleted_permanent', {
      failedLogins: { count: 1, windowStartedAt: iso(-DAY) },
      lastActivityAt: iso(-40 * DAY),
    });

    const { account: next } = asChanged(decide(account, completed(), NOW, POLICY));

    expect(next).toEqual({
      ...account,
      status: 'deleted_permanent',
      statusSince: NOW.toISOString(),
      inProgress: null,
      email: null,
      displayName: null,
      leaver: null,
      lock: null,
      failedLogins: null,
      version: account.version + 1,
      revision: account.revision + 1,
      updatedBy: BACKGROUND_TASKS,
      updatedAt: NOW.toISOString(),
    });
    expect(next).toMatchObject({
      accountId: account.accountId,
      domain: account.domain,
      deletedAt: account.deletedAt,
      purgeAfter: account.purgeAfter,
      createdAt: account.createdAt,
    });
  });

  it('entering active from restoring: clears deletedAt and purgeAfter', () => {
    const account = inProgressIn('restoring', 'restore', 'deleted', 'active');
    expect(account.deletedAt).not.toBeNull();

    const { account: next } = asChanged(decide(account, completed(), NOW, POLICY));

    expect(next).toMatchObject({ status: 'active', deletedAt: null, purgeAfter: null });
  });

  it('keeps the leaver mark when the target is not a deletion', () => {
    const account = inProgressIn('disabling', 'disable', 'active', 'disabled', { leaver });
    expect(asChanged(decide(account, completed(), NOW, POLICY)).account.leaver).toEqual(leaver);
  });

  it('changes nothing for another (late) operation', () => {
    const account = inProgressIn('disabling', 'disable', 'active', 'disabled');
    expect(decide(account, completed('op-0'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it("completes the operation whichever round's attempt succeeded (an operator's retry does not void it)", () => {
    const account = inProgressIn('disabling', 'disable', 'active', 'disabled');
    const retried = { ...account, inProgress: { ...account.inProgress!, round: 2, attempts: 0, lastError: null } };
    expect(asChanged(decide(retried, completed(), NOW, POLICY)).account).toMatchObject({
      status: 'disabled',
      inProgress: null,
    });
  });

  it('changes nothing for a resting account', () => {
    expect(decide(anAccount(), completed(), NOW, POLICY)).toMatchObject(UNCHANGED);
  });
});

describe('operation_failed', () => {
  it('records the attempt and the error quietly; still in progress', () => {
    const account = inProgressIn('enabling', 'enable', 'disabled', 'active');

    const { account: next } = asQuiet(decide(account, failed('HTTP 502 from platform'), NOW, POLICY));

    expect(next).toEqual({
      ...account,
      inProgress: { ...account.inProgress, attempts: 3, lastError: 'HTTP 502 from platform' },
      revision: account.revision + 1,
    });
  });

  it('truncates the error to 500 characters', () => {
    const account = inProgressIn('enabling', 'enable', 'disabled', 'active');
    const { account: next } = asQuiet(decide(account, failed('x'.repeat(2000)), NOW, POLICY));
    expect(next.inProgress?.lastError).toBe('x'.repeat(500));
  });

  it('counts in the round it belongs to', () => {
    const account = inProgressIn('enabling', 'enable', 'disabled', 'active');
    const { account: next } = asQuiet(decide(account, failed('HTTP 502', 'op-1', 1), NOW, POLICY));
    expect(next.inProgress).toMatchObject({ round: 1, attempts: 3, lastError: 'HTTP 502' });
  });

  it("changes nothing for an attempt of an earlier round (an operator's retry started a new one)", () => {
    const account = inProgressIn('enabling', 'enable', 'disabled', 'active');
    const retried = { ...account, inProgress: { ...account.inProgress!, round: 2, attempts: 0, lastError: null } };
    expect(decide(retried, failed('HTTP 502', 'op-1', 1), NOW, POLICY)).toMatchObject(UNCHANGED);
  });

  it('changes nothing for another (late) operation, or a resting account', () => {
    expect(
      decide(inProgressIn('enabling', 'enable', 'disabled', 'active'), failed('boom', 'op-0'), NOW, POLICY),
    ).toMatchObject(UNCHANGED);
    expect(decide(anAccount(), failed('boom'), NOW, POLICY)).toMatchObject(UNCHANGED);
  });
});
