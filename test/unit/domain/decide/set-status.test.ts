/**
 * PUT /accounts/{id}/status for every (from, target) pair: the 14 statuses × 14 targets, for a writer and an
 * administrator. The expectations restate SPEC §2's table here, independently of shared/domain/transitions.ts.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../../shared/domain/actions';
import { decide } from '../../../../shared/domain/decide';
import { DAY, HOUR } from '../../../../shared/domain/policy';
import type { Caller } from '../../../../shared/domain/requests';
import { STATUSES, type Status } from '../../../../shared/domain/statuses';
import {
  ADMIN,
  IN_PROGRESS_CASES,
  NOW,
  POLICY,
  WRITER,
  anAccount,
  asChanged,
  asRefused,
  inProgressIn,
  iso,
  restingIn,
} from '../fixtures';

interface Allowed {
  /** The history action. */
  readonly action: string;
  /** The in-progress status and operation for a target reached "via". */
  readonly via?: { readonly status: Status; readonly operation: string; readonly completesTo?: Status };
  /** Needs accounts:admin. */
  readonly admin?: true;
}

const disable: Allowed = { action: 'disable', via: { status: 'disabling', operation: 'disable' } };
const remove: Allowed = { action: 'delete', via: { status: 'deleting', operation: 'delete' } };
const fromActive: Partial<Record<Status, Allowed>> = {
  active: { action: 'activate' },
  locked: { action: 'lock' },
  maintenance: { action: 'maintenance' },
  disabled: disable,
  closed: { action: 'close' },
  deleted: remove,
  pending: { action: 'set_pending', admin: true },
  migration_pending: {
    action: 'migrate',
    via: { status: 'migration_pending', operation: 'migrate', completesTo: 'active' },
  },
};

/** SPEC §2, "Administrator targets", row by row. */
const SPEC_TABLE: Partial<Record<Status, Partial<Record<Status, Allowed>>>> = {
  pending: {
    active: { action: 'provision', via: { status: 'pending', operation: 'provision' } },
    closed: { action: 'close' },
    deleted: remove,
  },
  active: fromActive,
  inactive: fromActive,
  locked: {
    active: { action: 'unlock' },
    locked: { action: 'lock' },
    maintenance: { action: 'maintenance' },
    disabled: disable,
    closed: { action: 'close' },
    deleted: remove,
  },
  maintenance: {
    active: { action: 'activate' },
    locked: { action: 'lock' },
    disabled: disable,
    closed: { action: 'close' },
    deleted: remove,
  },
  disabled: {
    active: { action: 'enable', via: { status: 'enabling', operation: 'enable' } },
    closed: { action: 'close' },
    deleted: remove,
  },
  closed: { active: { action: 'activate' }, deleted: remove },
  deleted: {
    active: { action: 'restore', via: { status: 'restoring', operation: 'restore' } },
    deleted_permanent: { action: 'purge', via: { status: 'deleting', operation: 'purge' }, admin: true },
  },
  deleted_permanent: {},
};

const RESTING: readonly Status[] = Object.keys(SPEC_TABLE) as Status[];
const CALLERS: readonly { name: string; caller: Caller; admin: boolean }[] = [
  { name: 'writer', caller: WRITER, admin: false },
  { name: 'admin', caller: ADMIN, admin: true },
];

const expectedAllowed = (from: Status, admin: boolean): Status[] =>
  Object.entries(SPEC_TABLE[from] ?? {})
    .filter(([, t]) => admin || !t.admin)
    .map(([target]) => target as Status)
    .sort();

const setStatus = (target: Status, caller: Caller, reason: string | null = 'ticket 42') =>
  ({ kind: 'set_status', target, reason, caller }) as const;

describe('the test table covers every status', () => {
  it('lists every resting and terminal status, and the in-progress cases every in-progress status', () => {
    const covered = new Set([...RESTING, ...IN_PROGRESS_CASES.map((c) => c.status)]);
    expect([...covered].sort()).toEqual([...STATUSES].sort());
  });
});

describe.each(RESTING)('from resting %s', (from) => {
  describe.each(CALLERS)('as $name', ({ caller, admin }) => {
    it.each(STATUSES)(`to %s`, (target) => {
      const account = restingIn(from, { failedLogins: { count: 3, windowStartedAt: iso(-HOUR / 2) } });
      const decision = decide(account, setStatus(target, caller), NOW, POLICY);
      const allowed = SPEC_TABLE[from]?.[target];

      if (target === from) {
        expect(decision).toMatchObject({ outcome: 'unchanged', underway: false });
      } else if (allowed === undefined) {
        const refusal = asRefused(decision);
        expect(refusal.reason).toBe('not_allowed');
        expect([...refusal.allowed].sort()).toEqual(expectedAllowed(from, admin));
        expect(refusal.detail).toContain(target);
      } else if (allowed.admin && !admin) {
        const refusal = asRefused(decision);
        expect(refusal.reason).toBe('needs_scope');
        expect([...refusal.allowed].sort()).toEqual(expectedAllowed(from, admin));
        expect(refusal.allowed).not.toContain(target);
      } else {
        const { account: next, entry, underway } = asChanged(decision);
        const shown = allowed.via?.status ?? target;
        expect(next.status).toBe(shown);
        expect(underway).toBe(allowed.via !== undefined);
        expect(next.inProgress).toEqual(
          allowed.via === undefined
            ? null
            : {
                operationId: `${account.accountId}.${account.version + 1}`,
                operation: allowed.via.operation,
                target: allowed.via.completesTo ?? target,
                from,
                startedAt: NOW.toISOString(),
                attempts: 0,
                lastError: null,
                round: 1,
                ...(from === 'locked' ? { lock: account.lock } : {}),
              },
        );
        expect(next.lock).toEqual(
          target === 'locked' && allowed.via === undefined
            ? { reason: 'admin', until: null, previousStatus: from }
            : null,
        );
        expect(next.failedLogins).toBeNull();
        expect(next.version).toBe(account.version + 1);
        expect(next.updatedBy).toBe(caller.sub);
        expect(next.updatedAt).toBe(NOW.toISOString());
        expect(next.statusReason).toBe('ticket 42');
        expect(next.statusSince).toBe(shown === from ? account.statusSince : NOW.toISOString());
        expect(entry).toEqual({
          at: NOW.toISOString(),
          from,
          to: shown,
          action: allowed.action,
          actor: caller.sub,
          reason: 'ticket 42',
          requestId: caller.requestId,
        });
        expect(ACTIONS).toContain(entry.action);
      }
    });
  });
});

describe.each(IN_PROGRESS_CASES)(
  'in progress: $status ($operation from $from towards $target)',
  ({ status, operation, from, target: going }) => {
    describe.each(CALLERS)('as $name', ({ caller, admin }) => {
      it.each(STATUSES)('to %s', (target) => {
        const account = inProgressIn(status, operation, from, going);
        const decision = decide(account, setStatus(target, caller), NOW, POLICY);

        if (target !== going && target !== status) {
          const refusal = asRefused(decision);
          expect(refusal.reason).toBe('in_progress');
          expect(refusal.allowed).toEqual([]);
        } else if (operation === 'purge' && !admin) {
          expect(asRefused(decision)).toMatchObject({ reason: 'needs_scope', allowed: [] });
        } else {
          expect(decision).toMatchObject({ outcome: 'unchanged', underway: true });
        }
      });
    });
  },
);

describe('locks set by an administrator', () => {
  it('turns a failed_logins lock into an admin lock that never expires, keeping where it came from', () => {
    const account = anAccount({
      status: 'locked',
      statusSince: iso(-HOUR),
      lock: { reason: 'failed_logins', until: iso(HOUR), previousStatus: 'inactive' },
    });

    const { account: next, entry } = asChanged(decide(account, setStatus('locked', WRITER), NOW, POLICY));

    expect(next.status).toBe('locked');
    expect(next.lock).toEqual({ reason: 'admin', until: null, previousStatus: 'inactive' });
    expect(next.statusSince).toBe(NOW.toISOString());
    expect(entry).toMatchObject({ from: 'locked', to: 'locked', action: 'lock' });
  });

  it('does the same for a failed_logins lock that has already expired', () => {
    const account = anAccount({
      status: 'locked',
      lock: { reason: 'failed_logins', until: iso(-HOUR), previousStatus: 'active' },
    });

    const { account: next } = asChanged(decide(account, setStatus('locked', WRITER), NOW, POLICY));

    expect(next.lock).toEqual({ reason: 'admin', until: null, previousStatus: 'active' });
  });

  it('leaves an admin lock as it is (no-op, 200)', () => {
    const account = restingIn('locked');
    expect(decide(account, setStatus('locked', ADMIN), NOW, POLICY)).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
  });

  it('unlocks a failed_logins lock to active, clearing the lock and the failure count', () => {
    const account = anAccount({
      status: 'locked',
      lock: { reason: 'failed_logins', until: iso(HOUR), previousStatus: 'inactive' },
      failedLogins: { count: 2, windowStartedAt: iso(-60_000) },
    });

    const { account: next, entry } = asChanged(decide(account, setStatus('active', WRITER), NOW, POLICY));

    expect(next).toMatchObject({ status: 'active', lock: null, failedLogins: null });
    expect(entry.action).toBe('unlock');
  });
});

describe('restoring a deleted account', () => {
  const deleted = (purgeAfter: string) => restingIn('deleted', { purgeAfter });

  it('is allowed before purgeAfter', () => {
    const { account: next, underway } = asChanged(decide(deleted(iso(1)), setStatus('active', WRITER), NOW, POLICY));
    expect(next.status).toBe('restoring');
    expect(underway).toBe(true);
  });

  it.each([
    ['at purgeAfter', 0],
    ['after purgeAfter', -DAY],
  ])('is refused (purge window passed) %s, and no longer lists active as allowed', (_when, offset) => {
    const asAdmin = asRefused(decide(deleted(iso(offset)), setStatus('active', ADMIN), NOW, POLICY));
    const asWriter = asRefused(decide(deleted(iso(offset)), setStatus('active', WRITER), NOW, POLICY));

    expect(asAdmin).toMatchObject({ reason: 'purge_window_passed', allowed: ['deleted_permanent'] });
    expect(asWriter).toMatchObject({ reason: 'purge_window_passed', allowed: [] });
  });
});

describe('refusals', () => {
  it('names the allowed targets in the detail', () => {
    const refusal = asRefused(decide(restingIn('closed'), setStatus('locked', WRITER), NOW, POLICY));
    expect(refusal.detail).toContain('active, deleted');
  });

  it('say why a scope is needed', () => {
    const refusal = asRefused(decide(restingIn('active'), setStatus('pending', WRITER), NOW, POLICY));
    expect(refusal.detail).toContain('accounts:admin');
  });
});

describe('reasons', () => {
  it('record a missing reason as null', () => {
    const { account: next, entry } = asChanged(
      decide(restingIn('active'), setStatus('maintenance', WRITER, null), NOW, POLICY),
    );
    expect(next.statusReason).toBeNull();
    expect(entry.reason).toBeNull();
  });

  it('record the reason of provisioning even though the status stays pending', () => {
    const account = restingIn('pending');
    const { account: next, entry } = asChanged(decide(account, setStatus('active', WRITER, 'start date'), NOW, POLICY));
    expect(next).toMatchObject({ status: 'pending', statusReason: 'start date', statusSince: account.statusSince });
    expect(entry).toMatchObject({ from: 'pending', to: 'pending', action: 'provision' });
  });
});
