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

/** One request of the table: an account resting in `from`, asked for `target` by a writer or an admin. */
interface Pair {
  readonly name: string;
  readonly from: Status;
  readonly target: Status;
  readonly caller: Caller;
  readonly admin: boolean;
}

/** Every (from, target) pair from every resting status, for both callers. */
const PAIRS: readonly Pair[] = RESTING.flatMap((from) =>
  CALLERS.flatMap(({ name, caller, admin }) =>
    STATUSES.map((target) => ({ name: `${from} → ${target} as ${name}`, from, target, caller, admin })),
  ),
);

/** What SPEC's table says of a pair. */
function expected({ from, target, admin }: Pair): 'unchanged' | 'not_allowed' | 'needs_scope' | 'changed' {
  const allowed = SPEC_TABLE[from]?.[target];
  if (target === from) return 'unchanged';
  if (allowed === undefined) return 'not_allowed';
  return allowed.admin && !admin ? 'needs_scope' : 'changed';
}

/** The pairs of one kind, decided on an account with a failure count (which a change must reset). */
function decided(kind: ReturnType<typeof expected>) {
  const pairs = PAIRS.filter((pair) => expected(pair) === kind);
  expect(pairs.length, `pairs that are ${kind}`).toBeGreaterThan(0);
  return pairs.map((pair) => {
    const account = restingIn(pair.from, { failedLogins: { count: 3, windowStartedAt: iso(-HOUR / 2) } });
    return { ...pair, account, decision: decide(account, setStatus(pair.target, pair.caller), NOW, POLICY) };
  });
}

describe('from a resting status, every (from, target) pair', () => {
  it('falls in exactly one kind of answer', () => {
    const kinds = new Set(PAIRS.map(expected));

    expect(PAIRS).toHaveLength(RESTING.length * CALLERS.length * STATUSES.length);
    expect([...kinds].sort()).toEqual(['changed', 'needs_scope', 'not_allowed', 'unchanged']);
  });

  it('to the status it already has: nothing to write', () => {
    for (const { name, decision } of decided('unchanged')) {
      expect(decision, name).toMatchObject({ outcome: 'unchanged', underway: false });
    }
  });

  it("outside SPEC's table: refused as not allowed, listing the targets this caller may set", () => {
    for (const { name, from, target, admin, decision } of decided('not_allowed')) {
      const refusal = asRefused(decision);
      expect(refusal.reason, name).toBe('not_allowed');
      expect([...refusal.allowed].sort(), name).toEqual(expectedAllowed(from, admin));
      expect(refusal.detail, name).toContain(target);
    }
  });

  it('needing accounts:admin, asked by a writer: refused for the scope, not listing the target', () => {
    for (const { name, from, target, admin, decision } of decided('needs_scope')) {
      const refusal = asRefused(decision);
      expect(refusal.reason, name).toBe('needs_scope');
      expect([...refusal.allowed].sort(), name).toEqual(expectedAllowed(from, admin));
      expect(refusal.allowed, name).not.toContain(target);
    }
  });

  it("in SPEC's table: the change, its operation, lock, audit fields and history entry", () => {
    for (const { name, from, target, caller, account, decision } of decided('changed')) {
      const allowed = SPEC_TABLE[from]?.[target] as Allowed;
      const { account: next, entry, underway } = asChanged(decision);
      const shown = allowed.via?.status ?? target;
      expect(next.status, name).toBe(shown);
      expect(underway, name).toBe(allowed.via !== undefined);
      expect(next.inProgress, name).toEqual(
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
      expect(next.lock, name).toEqual(
        target === 'locked' && allowed.via === undefined
          ? { reason: 'admin', until: null, previousStatus: from }
          : null,
      );
      expect(next.failedLogins, name).toBeNull();
      expect(next.version, name).toBe(account.version + 1);
      expect(next.updatedBy, name).toBe(caller.sub);
      expect(next.updatedAt, name).toBe(NOW.toISOString());
      expect(next.statusReason, name).toBe('ticket 42');
      expect(next.statusSince, name).toBe(shown === from ? account.statusSince : NOW.toISOString());
      expect(entry, name).toEqual({
        at: NOW.toISOString(),
        from,
        to: shown,
        action: allowed.action,
        actor: caller.sub,
        reason: 'ticket 42',
        requestId: caller.requestId,
      });
      expect(ACTIONS, name).toContain(entry.action);
    }
  });
});

/** Every target asked of every in-progress case, by both callers. */
const IN_PROGRESS_PAIRS = IN_PROGRESS_CASES.flatMap(({ status, operation, from, target: going }) =>
  CALLERS.flatMap(({ name, caller, admin }) =>
    STATUSES.map((target) => {
      const account = inProgressIn(status, operation, from, going);
      return {
        name: `${status} (${operation} towards ${going}) → ${target} as ${name}`,
        target,
        going,
        status,
        operation,
        admin,
        decision: decide(account, setStatus(target, caller), NOW, POLICY),
      };
    }),
  ),
);

describe('in progress, every target', () => {
  it('other than its own target or status: refused as in progress, listing no target', () => {
    const others = IN_PROGRESS_PAIRS.filter((p) => p.target !== p.going && p.target !== p.status);
    expect(others.length).toBeGreaterThan(0);
    for (const { name, decision } of others) {
      expect(asRefused(decision), name).toMatchObject({ reason: 'in_progress', allowed: [] });
    }
  });

  it('its own target or status, asked by a caller who may: already under way', () => {
    const own = IN_PROGRESS_PAIRS.filter(
      (p) => (p.target === p.going || p.target === p.status) && (p.operation !== 'purge' || p.admin),
    );
    expect(own.length).toBeGreaterThan(0);
    for (const { name, decision } of own) {
      expect(decision, name).toMatchObject({ outcome: 'unchanged', underway: true });
    }
  });

  it('a purge asked again by a writer: refused for the scope', () => {
    const purges = IN_PROGRESS_PAIRS.filter(
      (p) => (p.target === p.going || p.target === p.status) && p.operation === 'purge' && !p.admin,
    );
    expect(purges.map((p) => p.target).sort()).toEqual(['deleted_permanent', 'deleting']);
    for (const { name, decision } of purges) {
      expect(asRefused(decision), name).toMatchObject({ reason: 'needs_scope', allowed: [] });
    }
  });
});

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
