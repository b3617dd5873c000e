import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../shared/domain/policy';
import { checkAccess } from '../../../shared/services/access';
import { createAccount, getAccount, listAccounts } from '../../../shared/services/accounts';
import type { ApiCaller } from '../../../shared/services/caller';
import type { ServiceDeps } from '../../../shared/services/deps';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  RefusedError,
} from '../../../shared/errors';
import { markLeaver } from '../../../shared/services/leaver';
import { reportLoginEvent } from '../../../shared/services/login-events';
import { bulkSetStatus, setStatus } from '../../../shared/services/status';
import { ConflictError } from '../../../shared/store/port';
import { MemoryStore } from './memory-store';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const caller = (domains: ApiCaller['domains'], scopes = ['accounts:write']): ApiCaller => ({
  sub: 'alice',
  scopes,
  domains,
  requestId: 'req-1',
});

let store: MemoryStore;
let deps: ServiceDeps;
let ids: number;
beforeEach(() => {
  store = new MemoryStore();
  ids = 0;
  deps = {
    store,
    policy: DEFAULT_POLICY,
    clock: () => NOW,
    loginEventTtlSeconds: 86_400,
    newId: () => `01ARZ3NDEKTSV4RRFFQ69G5F${String(++ids).padStart(2, '0')}`,
  };
});

/** An active account (created resting, then set active directly in the store). */
async function active(email: string): Promise<string> {
  const { account } = await createAccount(deps, caller('*'), { email, activate: false });
  store.accounts.set(account.accountId, { ...account, status: 'active' });
  return account.accountId;
}

describe('createAccount', () => {
  it('normalizes the address, takes its domain, and answers underway while provisioning', async () => {
    const { account, underway, outcome } = await createAccount(deps, caller(['example.org']), {
      email: ' Ann@Example.ORG ',
    });
    expect(account).toMatchObject({
      accountId: '01ARZ3NDEKTSV4RRFFQ69G5F01',
      email: 'ann@example.org',
      domain: 'example.org',
      status: 'pending',
    });
    expect([underway, outcome]).toEqual([true, 'changed']);
  });

  it('refuses a domain the caller does not administer, writing nothing', async () => {
    await expect(createAccount(deps, caller(['a.org']), { email: 'x@b.org' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(store.calls).toEqual([]);
  });
});

describe('domain scoping', () => {
  it('an account of another domain is not found (never forbidden)', async () => {
    const id = await active('ann@a.org');
    await expect(getAccount(deps, caller(['b.org']), id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getAccount(deps, caller('*'), id)).resolves.toMatchObject({ accountId: id });
  });

  it('listing another domain is forbidden', async () => {
    await expect(listAccounts(deps, caller(['a.org']), { domain: 'b.org', limit: 10 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('setStatus', () => {
  it("checks a target the caller's scopes forbid before a stale If-Match (403 before 412)", async () => {
    const id = await active('ann@a.org');
    const error = await setStatus(deps, caller('*'), id, { status: 'pending' }, 9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).reason).toBe('needs_scope');
    await expect(setStatus(deps, caller('*'), id, { status: 'locked' }, 9)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(store.calls.filter((c) => c === 'change')).toEqual([]);
  });

  it('answers changed, underway or unchanged', async () => {
    const id = await active('ann@a.org');
    expect(await setStatus(deps, caller('*'), id, { status: 'active' })).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
    expect(await setStatus(deps, caller('*'), id, { status: 'locked' })).toMatchObject({
      outcome: 'changed',
      underway: false,
    });
    expect(await setStatus(deps, caller('*'), id, { status: 'disabled' })).toMatchObject({
      outcome: 'changed',
      underway: true,
    });
  });
});

describe('bulkSetStatus', () => {
  it('gives each account its own outcome, in order', async () => {
    const a = await active('a@a.org');
    const b = await active('b@b.org');
    const locked = await active('c@a.org');
    await setStatus(deps, caller('*'), locked, { status: 'locked' });
    const results = await bulkSetStatus(deps, caller(['a.org']), [a, b, '01ARZ3NDEKTSV4RRFFQ69G5FZZ', locked], {
      status: 'locked',
    });
    expect(results).toEqual([
      { accountId: a, outcome: 'changed', status: 'locked' },
      { accountId: b, outcome: 'not_found' },
      { accountId: '01ARZ3NDEKTSV4RRFFQ69G5FZZ', outcome: 'not_found' },
      { accountId: locked, outcome: 'unchanged', status: 'locked' },
    ]);
  });

  it('reports a lost race as refused with the conflict', async () => {
    const a = await active('a@a.org');
    store.change = async () => {
      throw new ConflictError('lost');
    };
    const [result] = await bulkSetStatus(deps, caller('*'), [a], { status: 'locked' });
    expect(result).toMatchObject({ accountId: a, outcome: 'refused', status: 'active' });
    expect(result?.error).toBeInstanceOf(ConflictError);
  });
});

describe('markLeaver', () => {
  it('refuses a leave date out of range before reading the account (400 before 404)', async () => {
    const error = await markLeaver(deps, caller('*'), '01ARZ3NDEKTSV4RRFFQ69G5FZZ', { leaveDate: '2028-01-01' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).errors).toEqual([
      { path: '/leaveDate', message: 'must be between 2026-01-30 and 2027-03-01' },
    ]);
    expect(store.calls).toEqual([]);
  });
});

describe('reportLoginEvent', () => {
  it('counts a repeated eventId once and answers the current decision', async () => {
    const id = await active('ann@a.org');
    const report = () =>
      reportLoginEvent(deps, caller('*', ['login:report']), { email: 'ANN@a.org', outcome: 'failure', eventId: 'e-1' });
    expect(await report()).toEqual({ status: 'active', access: { login: 'allow', mail: 'deliver' } });
    expect(await report()).toEqual({ status: 'active', access: { login: 'allow', mail: 'deliver' } });
    expect(store.accounts.get(id)?.failedLogins?.count).toBe(1);
    expect([...store.claims]).toEqual(['login-event#alice#e-1']);
  });

  it("an unknown address, or one outside the caller's domains, is not found", async () => {
    await active('ann@a.org');
    await expect(
      reportLoginEvent(deps, caller('*'), { email: 'bob@a.org', outcome: 'success' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      reportLoginEvent(deps, caller(['b.org']), { email: 'ann@a.org', outcome: 'success' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('checkAccess', () => {
  it('answers the decision of the email item alone', async () => {
    const id = await active('ann@a.org');
    store.calls.length = 0;
    expect(await checkAccess(store, caller('*'), ' Ann@A.org', NOW)).toEqual({
      accountId: id,
      email: 'ann@a.org',
      status: 'active',
      login: 'allow',
      mail: 'deliver',
    });
    expect(store.calls).toEqual(['access']);
    expect(await checkAccess(store, caller(['b.org']), 'ann@a.org', NOW)).toBeNull();
  });
});
