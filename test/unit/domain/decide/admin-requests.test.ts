/**
 * The administrators' requests besides status targets: delete, rename, the leaver mark, retry and cancel.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../../shared/domain/decide';
import { DAY, HOUR } from '../../../../shared/domain/policy';
import type { Request } from '../../../../shared/domain/requests';
import { STATUSES } from '../../../../shared/domain/statuses';
import {
  IN_PROGRESS_CASES,
  NOW,
  POLICY,
  WRITER,
  ADMIN,
  anAccount,
  anOperation,
  asChanged,
  asRefused,
  inProgressIn,
  iso,
  restingIn,
} from '../fixtures';

const RESTING = STATUSES.filter((s) => !IN_PROGRESS_CASES.some((c) => c.status === s) || s === 'pending');

describe('delete', () => {
  const remove: Request = { kind: 'delete', reason: 'left', caller: WRITER };

  it.each(RESTING.filter((s) => s !== 'deleted' && s !== 'deleted_permanent'))(
    'starts deleting from resting %s (202)',
    (status) => {
      const account = restingIn(status);

      const { account: next, entry, underway } = asChanged(decide(account, remove, NOW, POLICY));

      expect(underway).toBe(true);
      expect(next).toMatchObject({ status: 'deleting', lock: null, statusReason: 'left' });
      expect(next.inProgress).toMatchObject({
        operation: 'delete',
        target: 'deleted',
        from: status,
        round: 1,
        attempts: 0,
      });
      expect(entry).toMatchObject({ from: status, to: 'deleting', action: 'delete', reason: 'left' });
    },
  );

  it('is a no-op on a deleted account (200)', () => {
    expect(decide(restingIn('deleted'), remove, NOW, POLICY)).toMatchObject({ outcome: 'unchanged', underway: false });
  });

  it('is refused on a purged account (reason purged)', () => {
    expect(asRefused(decide(restingIn('deleted_permanent'), remove, NOW, POLICY))).toMatchObject({
      reason: 'purged',
      allowed: [],
    });
  });

  it.each(IN_PROGRESS_CASES)('in progress ($operation towards $target)', ({ status, operation, from, target }) => {
    const decision = decide(inProgressIn(status, operation, from, target), remove, NOW, POLICY);

    if (target === 'deleted' || target === 'deleted_permanent')
      expect(decision).toMatchObject({ outcome: 'unchanged', underway: true });
    else expect(asRefused(decision)).toMatchObject({ reason: 'in_progress', allowed: [] });
  });
});

describe('rename', () => {
  const rename = (displayName: string | null): Request => ({ kind: 'rename', displayName, caller: WRITER });

  it('changes the display name with a history entry, status unchanged', () => {
    const account = restingIn('disabled');

    const { account: next, entry, underway } = asChanged(decide(account, rename('Jo B.'), NOW, POLICY));

    expect(underway).toBe(false);
    expect(next).toMatchObject({
      displayName: 'Jo B.',
      status: 'disabled',
      statusSince: account.statusSince,
      statusReason: account.statusReason,
    });
    expect(entry).toMatchObject({
      from: 'disabled',
      to: 'disabled',
      action: 'rename',
      actor: WRITER.sub,
      reason: null,
      requestId: WRITER.requestId,
    });
  });

  it('may clear the display name', () => {
    expect(asChanged(decide(anAccount(), rename(null), NOW, POLICY)).account.displayName).toBeNull();
  });

  it('is a no-op for the same name', () => {
    expect(decide(anAccount(), rename('Jo Bloggs'), NOW, POLICY)).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
  });

  it('is allowed in progress, keeping the operation', () => {
    const account = inProgressIn('disabling', 'disable', 'active', 'disabled');
    const { account: next } = asChanged(decide(account, rename('New'), NOW, POLICY));
    expect(next.inProgress).toEqual(account.inProgress);
  });

  it('is refused on a purged tombstone (reason purged)', () => {
    expect(asRefused(decide(restingIn('deleted_permanent'), rename('Back'), NOW, POLICY)).reason).toBe('purged');
  });
});

describe('mark_leaver', () => {
  const mark = (leaveDate: string | null): Request => ({
    kind: 'mark_leaver',
    leaveDate,
    reason: 'contract ends',
    caller: WRITER,
  });

  it.each(RESTING.filter((s) => s !== 'deleted' && s !== 'deleted_permanent'))(
    'marks a resting %s account, status unchanged',
    (status) => {
      const account = restingIn(status);

      const { account: next, entry } = asChanged(decide(account, mark('2026-04-01'), NOW, POLICY));

      expect(next.leaver).toEqual({ leaveDate: '2026-04-01', windowEndsAt: '2026-05-01T00:00:00.000Z' });
      expect(next).toMatchObject({ status, statusSince: account.statusSince, lock: account.lock });
      expect(entry).toMatchObject({ from: status, to: status, action: 'mark_leaver', reason: 'contract ends' });
    },
  );

  it('defaults the leave date to today (UTC)', () => {
    const { account: next } = asChanged(decide(anAccount(), mark(null), new Date('2026-03-10T23:59:59.000Z'), POLICY));
    expect(next.leaver).toEqual({ leaveDate: '2026-03-10', windowEndsAt: '2026-04-09T00:00:00.000Z' });
  });

  it('uses the configured window', () => {
    const { account: next } = asChanged(
      decide(anAccount(), mark('2026-03-10'), NOW, { ...POLICY, leaverWindowMs: 7 * DAY }),
    );
    expect(next.leaver?.windowEndsAt).toBe('2026-03-17T00:00:00.000Z');
  });

  it('moves an existing mark to another date', () => {
    const account = anAccount({ leaver: { leaveDate: '2026-03-01', windowEndsAt: '2026-03-31T00:00:00.000Z' } });
    const { account: next } = asChanged(decide(account, mark('2026-03-20'), NOW, POLICY));
    expect(next.leaver).toEqual({ leaveDate: '2026-03-20', windowEndsAt: '2026-04-19T00:00:00.000Z' });
  });

  it('is a no-op for the same leave date', () => {
    const account = anAccount({ leaver: { leaveDate: '2026-03-10', windowEndsAt: '2026-04-09T00:00:00.000Z' } });
    expect(decide(account, mark(null), NOW, POLICY)).toMatchObject({ outcome: 'unchanged', underway: false });
  });

  it.each(['deleted', 'deleted_permanent'] as const)('is refused on %s (reason not_allowed)', (status) => {
    expect(asRefused(decide(restingIn(status), mark(null), NOW, POLICY)).reason).toBe('not_allowed');
  });

  it.each(IN_PROGRESS_CASES)('is refused in progress: $status ($operation)', ({ status, operation, from, target }) => {
    expect(asRefused(decide(inProgressIn(status, operation, from, target), mark(null), NOW, POLICY)).reason).toBe(
      'in_progress',
    );
  });

  it.each(['2026-02-07', '2027-03-11', '2026-02-30', 'tomorrow'])(
    'is refused for the unacceptable leave date %s (reason invalid_leave_date)',
    (leaveDate) => {
      expect(asRefused(decide(anAccount(), mark(leaveDate), NOW, POLICY)).reason).toBe('invalid_leave_date');
    },
  );
});

describe('unmark_leaver', () => {
  const unmark: Request = { kind: 'unmark_leaver', reason: 'stays on', caller: WRITER };

  it('clears the mark with a history entry', () => {
    const account = restingIn('locked', {
      leaver: { leaveDate: '2026-03-01', windowEndsAt: '2026-03-31T00:00:00.000Z' },
    });

    const { account: next, entry } = asChanged(decide(account, unmark, NOW, POLICY));

    expect(next).toMatchObject({ leaver: null, status: 'locked', lock: account.lock });
    expect(entry).toMatchObject({ from: 'locked', to: 'locked', action: 'unmark_leaver', reason: 'stays on' });
  });

  it('is a no-op without a mark', () => {
    expect(decide(anAccount(), unmark, NOW, POLICY)).toMatchObject({ outcome: 'unchanged', underway: false });
  });
});

describe('retry', () => {
  const retry: Request = { kind: 'retry', caller: WRITER };

  it.each(IN_PROGRESS_CASES)(
    'starts a fresh round of the same operation: $status ($operation)',
    ({ status, operation, from, target }) => {
      const account = inProgressIn(status, operation, from, target);
      const op = anOperation(operation, from, target, { round: 3, attempts: 5, lastError: 'HTTP 503' });

      const { account: next, entry, underway } = asChanged(decide({ ...account, inProgress: op }, retry, NOW, POLICY));

      expect(underway).toBe(true);
      expect(next.inProgress).toEqual({ ...op, round: 4, attempts: 0, lastError: null });
      expect(next.status).toBe(status);
      expect(entry).toMatchObject({ from: status, to: status, action: 'retry', actor: WRITER.sub });
    },
  );

  it.each(RESTING)('is refused on resting %s (reason not_in_progress)', (status) => {
    expect(asRefused(decide(restingIn(status), retry, NOW, POLICY)).reason).toBe('not_in_progress');
  });
});

describe('cancel', () => {
  const cancel: Request = { kind: 'cancel', reason: 'platform reconciled', caller: ADMIN };

  it.each(IN_PROGRESS_CASES)('returns $status ($operation) to $from', ({ status, operation, from, target }) => {
    const account = inProgressIn(status, operation, from, target, {
      failedLogins: { count: 1, windowStartedAt: iso(-60_000) },
    });

    const { account: next, entry, underway } = asChanged(decide(account, cancel, NOW, POLICY));

    expect(underway).toBe(false);
    expect(next).toMatchObject({ status: from, inProgress: null, lock: null, failedLogins: null });
    expect(next.deletedAt).toBe(account.deletedAt);
    expect(next.purgeAfter).toBe(account.purgeAfter);
    expect(entry).toMatchObject({
      from: status,
      to: from,
      action: 'cancel',
      actor: ADMIN.sub,
      reason: 'platform reconciled',
    });
  });

  it('leaves a cancelled provisioning resting in pending', () => {
    const account = inProgressIn('pending', 'provision', 'pending', 'active');
    const { account: next } = asChanged(decide(account, cancel, NOW, POLICY));
    expect(next).toMatchObject({ status: 'pending', inProgress: null, statusSince: account.statusSince });
  });

  it('puts back the lock an operation started from locked had', () => {
    const lock = { reason: 'failed_logins', until: iso(HOUR), previousStatus: 'inactive' } as const;
    const started = asChanged(
      decide(
        restingIn('locked', { lock }),
        { kind: 'set_status', target: 'disabled', reason: null, caller: WRITER },
        NOW,
        POLICY,
      ),
    );
    expect(started.account.lock).toBeNull();

    const { account: next } = asChanged(decide(started.account, cancel, NOW, POLICY));

    expect(next).toMatchObject({ status: 'locked', lock, inProgress: null });
  });

  it('locks for an administrator when the lock before the operation is not recorded', () => {
    const account = inProgressIn('disabling', 'disable', 'locked', 'disabled');
    const { account: next } = asChanged(decide(account, cancel, NOW, POLICY));
    expect(next.lock).toEqual({ reason: 'admin', until: null, previousStatus: 'active' });
  });

  it.each(RESTING)('is refused on resting %s (reason not_in_progress)', (status) => {
    expect(asRefused(decide(restingIn(status), cancel, NOW, POLICY)).reason).toBe('not_in_progress');
  });
});
