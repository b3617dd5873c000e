/**
 * What every decision does to the marks (SPEC §2 "What a change does to the marks", §3): every request on
 * every kind of account, decided once, and each invariant checked on exactly the decisions it applies to
 * (every change, every quiet write, …), one test per invariant. A failing case is named in the message.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../../shared/domain/account';
import { Action, ACTIONS } from '../../../../shared/domain/actions';
import { decide } from '../../../../shared/domain/decide';
import { DAY } from '../../../../shared/domain/policy';
import { RefusalReason, type Request, type Result } from '../../../../shared/domain/requests';
import { STATUSES, statusDefinition } from '../../../../shared/domain/statuses';
import { ADMIN, IN_PROGRESS_CASES, NOW, POLICY, WRITER, inProgressIn, iso, restingIn } from '../fixtures';

const marks: Partial<Account> = {
  failedLogins: { count: 2, windowStartedAt: iso(-60_000) },
  stuckAlert: { operationId: 'op-0', status: 'deleting', alertedAt: iso(-DAY), remindAt: iso(DAY) },
};
const leaver = { leaveDate: '2026-02-10', windowEndsAt: '2026-03-12T00:00:00.000Z' };

/**
 * One account per resting status and per in-progress case, each with a leaver mark where it may have one,
 * and a failed-logins lockout whose time is up.
 */
const ACCOUNTS: readonly Account[] = [
  ...STATUSES.filter((s) => statusDefinition(s).kind !== 'in_progress').map((s) =>
    restingIn(s, { ...marks, leaver: s === 'deleted' || s === 'deleted_permanent' ? null : leaver }),
  ),
  restingIn('locked', {
    ...marks,
    leaver,
    lock: { reason: 'failed_logins', until: iso(-60_000), previousStatus: 'active' },
  }),
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
  // An identity provider's requests (SCIM, shared/domain/wanted.ts).
  ...(['active', 'disabled', 'deleted'] as const).map((status): Request => ({ kind: 'want', status, caller: WRITER })),
  {
    kind: 'update_profile',
    externalId: 'ext-1',
    name: { givenName: 'A', familyName: 'B', formatted: null },
    caller: WRITER,
  },
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

/** What a case is called in a failure message: `locked × set_status active by writer-sub`. */
function nameOf(account: Account, request: Request): string {
  const operation = account.inProgress ? ` (${account.inProgress.operation})` : '';
  const detail = [
    'target' in request ? request.target : null,
    'outcome' in request ? request.outcome : null,
    'sweep' in request ? request.sweep : null,
    'caller' in request ? `by ${request.caller.sub}` : null,
  ].filter((part) => part !== null);
  return `${account.status}${operation} × ${[request.kind, ...detail].join(' ')}`;
}

type Case<R extends Result = Result> = {
  readonly name: string;
  readonly account: Account;
  readonly request: Request;
  readonly result: R;
};

// Act, once for the whole table: every request decided on every account.
const CASES: readonly Case[] = ACCOUNTS.flatMap((account) =>
  REQUESTS.map((request) => ({
    name: nameOf(account, request),
    account,
    request,
    result: decide(account, request, NOW, POLICY),
  })),
);

function withOutcome<O extends Result['outcome']>(outcome: O): Case<Extract<Result, { outcome: O }>>[] {
  return CASES.filter((c): c is Case<Extract<Result, { outcome: O }>> => c.result.outcome === outcome);
}

const CHANGES = withOutcome('changed');
const QUIET = withOutcome('quiet');
const REFUSALS = withOutcome('refused');
const UNCHANGED = withOutcome('unchanged');

const IN_PROGRESS_STATUSES = ['pending', 'enabling', 'disabling', 'deleting', 'restoring', 'migration_pending'];

/** The cases an invariant applies to; never none, so that no invariant passes vacuously. */
function where<R extends Result>(cases: readonly Case<R>[], applies: (c: Case<R>) => boolean): Case<R>[] {
  const subset = cases.filter(applies);
  expect(subset.length, 'cases the invariant applies to').toBeGreaterThan(0);
  return subset;
}

describe('the table', () => {
  it('reaches every outcome, and every history action but create', () => {
    const actions = new Set(CHANGES.map((c) => c.result.entry.action));

    expect([CHANGES, QUIET, REFUSALS, UNCHANGED].map((cases) => cases.length > 0)).toEqual([true, true, true, true]);
    expect([...actions].sort()).toEqual(ACTIONS.filter((action) => action !== Action.CREATE).sort());
  });

  it('is deterministic: every decision again gives the same result', () => {
    for (const { name, account, request, result } of CASES) {
      expect(decide(account, request, NOW, POLICY), name).toEqual(result);
    }
  });
});

describe('a change', () => {
  it('bumps the version and revision, stamps the change and drafts its history entry', () => {
    for (const { name, account, result } of CHANGES) {
      const { account: next, entry } = result;
      expect([next.version, next.revision, next.updatedAt], name).toEqual([
        account.version + 1,
        account.revision + 1,
        NOW.toISOString(),
      ]);
      expect(entry, name).toMatchObject({ at: NOW.toISOString(), from: account.status, to: next.status });
      expect(entry.actor, name).toBe(next.updatedBy);
    }
  });

  it('keeps identity, creation and the stuck detector memory', () => {
    for (const { name, account, result } of CHANGES) {
      const { accountId, domain, createdAt, stuckAlert } = result.account;
      expect({ accountId, domain, createdAt, stuckAlert }, name).toEqual({
        accountId: account.accountId,
        domain: account.domain,
        createdAt: account.createdAt,
        stuckAlert: account.stuckAlert,
      });
    }
  });

  it('has a lock exactly while locked', () => {
    for (const { name, result } of CHANGES) {
      expect(result.account.lock !== null, name).toBe(result.account.status === 'locked');
    }
  });

  it('sets statusSince to now when the status moved', () => {
    for (const { name, result } of where(CHANGES, (c) => c.result.account.status !== c.account.status)) {
      expect(result.account.statusSince, name).toBe(NOW.toISOString());
    }
  });

  it('is underway exactly when an operation (or a new round of one) starts', () => {
    for (const { name, account, result } of CHANGES) {
      const op = result.account.inProgress;
      const started = op !== null && (account.inProgress === null || op.round !== account.inProgress.round);
      expect(result.underway, name).toBe(started);
    }
  });

  it('shows an in-progress status while an operation is under way', () => {
    for (const { name, result } of where(CHANGES, (c) => c.result.account.inProgress !== null)) {
      expect(IN_PROGRESS_STATUSES, name).toContain(result.account.status);
    }
  });

  it('clears the leaver mark when a deletion completes', () => {
    const completions = where(
      CHANGES,
      (c) =>
        c.request.kind === 'operation_completed' &&
        (c.result.account.status === 'deleted' || c.result.account.status === 'deleted_permanent'),
    );
    for (const { name, result } of completions) expect(result.account.leaver, name).toBeNull();
  });

  it('keeps the leaver mark otherwise, unless the mark itself is asked for', () => {
    const others = where(
      CHANGES,
      (c) =>
        c.request.kind !== 'mark_leaver' &&
        c.request.kind !== 'unmark_leaver' &&
        !(c.request.kind === 'operation_completed' && c.result.account.status.startsWith('deleted')),
    );
    for (const { name, account, result } of others) expect(result.account.leaver, name).toEqual(account.leaver);
  });

  it('resets the failure count on an administrator status change', () => {
    const kinds = ['set_status', 'delete', 'cancel'];
    for (const { name, result } of where(CHANGES, (c) => kinds.includes(c.request.kind))) {
      expect(result.account.failedLogins, name).toBeNull();
    }
  });

  it('keeps the failure count on a rename or a leaver mark', () => {
    const kinds = ['rename', 'mark_leaver', 'unmark_leaver'];
    for (const { name, account, result } of where(CHANGES, (c) => kinds.includes(c.request.kind))) {
      expect(result.account.failedLogins, name).toEqual(account.failedLogins);
    }
  });

  it('has deletion dates exactly while deleted (or on the way out of it)', () => {
    for (const { name, result } of CHANGES) {
      const next = result.account;
      const deletedOrLeaving =
        next.status === 'deleted' || next.status === 'deleted_permanent' || next.inProgress?.from === 'deleted';
      expect([next.deletedAt !== null, next.purgeAfter !== null], name).toEqual([deletedOrLeaving, deletedOrLeaving]);
    }
  });

  it('keeps no personal data once purged', () => {
    for (const { name, result } of where(CHANGES, (c) => c.result.account.status === 'deleted_permanent')) {
      expect(result.account, name).toMatchObject({
        email: null,
        displayName: null,
        leaver: null,
        lock: null,
        failedLogins: null,
      });
    }
  });
});

describe('a quiet write', () => {
  it('changes no version, status, audit field or mark; only the revision moves', () => {
    for (const { name, account, result } of QUIET) {
      expect(result.account, name).toMatchObject({
        version: account.version,
        revision: account.revision + 1,
        status: account.status,
        updatedAt: account.updatedAt,
        updatedBy: account.updatedBy,
        lock: account.lock,
        leaver: account.leaver,
        stuckAlert: account.stuckAlert,
        statusSince: account.statusSince,
      });
      expect(result.underway, name).toBe(false);
    }
  });
});

describe('a refusal', () => {
  it('gives a reason, a title and a detail, and leaves the account as it was', () => {
    for (const { name, account, result } of REFUSALS) {
      expect(Object.values(RefusalReason), name).toContain(result.reason);
      expect([result.title.length > 0, result.detail.length > 0], name).toEqual([true, true]);
      expect(result.account, name).toBe(account);
    }
  });

  it('lists no allowed target while an operation is under way', () => {
    for (const { name, result } of where(REFUSALS, (c) => c.account.inProgress !== null)) {
      expect(result.allowed, name).toEqual([]);
    }
  });
});

describe('nothing to write', () => {
  it('leaves the account as it was', () => {
    for (const { name, account, result } of UNCHANGED) expect(result.account, name).toBe(account);
  });

  it('is underway only for an account already in progress', () => {
    for (const { name, account } of where(UNCHANGED, (c) => c.result.underway)) {
      expect(account.inProgress, name).not.toBeNull();
    }
  });
});
