/**
 * What every decision does to the marks (SPEC §2 "What a change does to the marks", §3): every request on
 * every kind of account, checked against the invariants that must hold whatever the rule.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../../shared/domain/account';
import { ACTIONS } from '../../../../shared/domain/actions';
import { decide } from '../../../../shared/domain/decide';
import { DAY } from '../../../../shared/domain/policy';
import { RefusalReason, type Request } from '../../../../shared/domain/requests';
import { STATUSES, statusDefinition } from '../../../../shared/domain/statuses';
import { ADMIN, IN_PROGRESS_CASES, NOW, POLICY, WRITER, inProgressIn, iso, restingIn } from '../fixtures';

const marks: Partial<Account> = {
  failedLogins: { count: 2, windowStartedAt: iso(-60_000) },
  stuckAlert: { operationId: 'op-0', status: 'deleting', alertedAt: iso(-DAY), remindAt: iso(DAY) },
};
const leaver = { leaveDate: '2026-02-10', windowEndsAt: '2026-03-12T00:00:00.000Z' };

/** One account per resting status and per in-progress case, each with a leaver mark where it may have one. */
const ACCOUNTS: readonly Account[] = [
  ...STATUSES.filter((s) => statusDefinition(s).kind !== 'in_progress').map((s) =>
    restingIn(s, { ...marks, leaver: s === 'deleted' || s === 'deleted_permanent' ? null : leaver }),
  ),
  ...IN_PROGRESS_CASES.map(({ status, operation, from, target }) =>
    inProgressIn(status, operation, from, target, { ...marks, leaver: from === 'deleted' ? null : leaver }),
  ),
];

const LATER = iso(400 * DAY);
const REQUESTS: readonly Request[] = [
  ...STATUSES.flatMap((target) =>
    [WRITER, ADMIN].map((caller): Request => ({ kind: 'set_status', target, reason: 'r', caller })),
  ),
  { kind: 'delete', reason: 'r', caller: WRITER },
  { kind: 'rename', displayName: 'Someone Else', caller: WRITER },
  { kind: 'mark_leaver', leaveDate: null, reason: 'r', caller: WRITER },
  { kind: 'unmark_leaver', reason: 'r', caller: WRITER },
  { kind: 'retry', caller: WRITER },
  { kind: 'cancel', reason: 'r', caller: ADMIN },
  ...(['success', 'failure', 'lockout'] as const).map((outcome): Request => ({
    kind: 'login',
    outcome,
    requestId: null,
  })),
  ...(['inactivity', 'leaver', 'retention', 'lockout'] as const).map((sweep): Request => ({
    kind: 'sweep',
    sweep,
    requestId: null,
    asOf: LATER,
  })),
  { kind: 'operation_completed', operationId: 'op-1', requestId: null },
  { kind: 'operation_failed', operationId: 'op-1', error: 'boom' },
];

const CASES = ACCOUNTS.flatMap((account) =>
  REQUESTS.map((request) => ({
    name: `${account.status}${account.inProgress ? ` (${account.inProgress.operation})` : ''} × ${request.kind}${'target' in request ? ` ${request.target}` : ''}${'outcome' in request ? ` ${request.outcome}` : ''}${'sweep' in request ? ` ${request.sweep}` : ''}${'caller' in request ? ` by ${request.caller.sub}` : ''}`,
    account,
    request,
  })),
);

const isAdminStatusChange = (request: Request): boolean =>
  request.kind === 'set_status' || request.kind === 'delete' || request.kind === 'cancel';

describe.each(CASES)('$name', ({ account, request }) => {
  const decision = decide(account, request, NOW, POLICY);

  it('is deterministic', () => {
    expect(decide(account, request, NOW, POLICY)).toEqual(decision);
  });

  if (decision.outcome === 'changed') {
    const { account: next, entry, underway } = decision;

    it('bumps the version, stamps the change and drafts its history entry', () => {
      expect(next.version).toBe(account.version + 1);
      expect(next.updatedAt).toBe(NOW.toISOString());
      expect(entry).toMatchObject({
        at: NOW.toISOString(),
        from: account.status,
        to: next.status,
        actor: next.updatedBy,
      });
      expect(ACTIONS).toContain(entry.action);
    });

    it('keeps identity, creation and the stuck detector memory', () => {
      expect(next).toMatchObject({
        accountId: account.accountId,
        domain: account.domain,
        createdAt: account.createdAt,
        stuckAlert: account.stuckAlert,
      });
    });

    it('has a lock exactly while locked, and a statusSince of now when the status moved', () => {
      expect(next.lock !== null).toBe(next.status === 'locked');
      if (next.status !== account.status) expect(next.statusSince).toBe(NOW.toISOString());
    });

    it('is underway exactly when an operation is under way afterwards', () => {
      const started =
        next.inProgress !== null && (account.inProgress === null || next.inProgress.round !== account.inProgress.round);
      expect(underway).toBe(started);
      if (next.inProgress !== null)
        expect(['pending', 'enabling', 'disabling', 'deleting', 'restoring', 'migration_pending']).toContain(
          next.status,
        );
    });

    it('keeps the leaver mark unless deletion completes or the mark itself is asked for', () => {
      const deletionCompleted =
        request.kind === 'operation_completed' && (next.status === 'deleted' || next.status === 'deleted_permanent');
      const markRequest = request.kind === 'mark_leaver' || request.kind === 'unmark_leaver';
      if (deletionCompleted) expect(next.leaver).toBeNull();
      else if (!markRequest) expect(next.leaver).toEqual(account.leaver);
    });

    it('resets the failure count on an administrator status change', () => {
      if (isAdminStatusChange(request)) expect(next.failedLogins).toBeNull();
      if (request.kind === 'rename' || request.kind === 'mark_leaver' || request.kind === 'unmark_leaver') {
        expect(next.failedLogins).toEqual(account.failedLogins);
      }
    });

    it('has deletion dates exactly while deleted (or on the way out of it), and no personal data once purged', () => {
      const deletedOrLeaving =
        next.status === 'deleted' || next.status === 'deleted_permanent' || next.inProgress?.from === 'deleted';
      expect(next.deletedAt !== null).toBe(deletedOrLeaving);
      expect(next.purgeAfter !== null).toBe(deletedOrLeaving);
      if (next.status === 'deleted_permanent')
        expect(next).toMatchObject({ email: null, displayName: null, leaver: null, lock: null, failedLogins: null });
    });
  } else if (decision.outcome === 'quiet') {
    it('writes no change: same version, status, audit fields and marks', () => {
      const { account: next } = decision;
      expect(next).toMatchObject({
        version: account.version,
        status: account.status,
        updatedAt: account.updatedAt,
        updatedBy: account.updatedBy,
        lock: account.lock,
        leaver: account.leaver,
        stuckAlert: account.stuckAlert,
        statusSince: account.statusSince,
      });
    });
  } else if (decision.outcome === 'refused') {
    it('refuses with a reason, listing no target while in progress', () => {
      expect(Object.values(RefusalReason)).toContain(decision.reason);
      if (account.inProgress !== null) expect(decision.allowed).toEqual([]);
      expect(decision.title.length).toBeGreaterThan(0);
      expect(decision.detail.length).toBeGreaterThan(0);
    });
  } else {
    it('accepts only what is already under way', () => {
      if (decision.underway) expect(account.inProgress).not.toBeNull();
    });
  }
});
