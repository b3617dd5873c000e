import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import { accountKey, emailKey } from '../../../shared/store/keys';
import {
  ClaimedError,
  ConflictError,
  DuplicateEmailError,
  InvalidCursorError,
  type AccountStore,
} from '../../../shared/store/port';
import { freshTable } from '../../helpers/dynamo';
import { account, changed, draft, inProgress, quietly, uniqueDomain } from './fixtures';

let store: AccountStore;
let client: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  ({ store, client, tableName } = await freshTable());
});

const rawItem = async (key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> =>
  (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

async function created(overrides: Partial<Account> = {}): Promise<Account> {
  const fresh = account(overrides);
  await store.create(fresh, draft(null, fresh.status, 'create'));
  return fresh;
}

async function allPages<T>(
  read: (cursor: string | null) => Promise<{ items: readonly T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null);
  return { items, pages };
}

describe('create, get and access', () => {
  it('stores the account, its email item and its creation entry', async () => {
    // Prepare
    const fresh = account({ status: 'pending' });

    // Act
    const entry = await store.create(fresh, draft(null, 'pending', 'create'));

    // Assess
    expect(await store.get(fresh.accountId)).toEqual(fresh);
    expect(await store.access(fresh.email ?? '')).toEqual({
      accountId: fresh.accountId,
      email: fresh.email,
      domain: fresh.domain,
      status: 'pending',
      lock: null,
    });
    expect(entry).toMatchObject({
      accountId: fresh.accountId,
      domain: fresh.domain,
      from: null,
      to: 'pending',
      action: 'create',
    });
    expect((await store.history(fresh.accountId, 10)).items).toEqual([entry]);
  });

  it('answers null for an unknown id or address', async () => {
    expect(await store.get('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull();
    expect(await store.access('nobody@example.org')).toBeNull();
  });

  it('refuses a second account with the same email, and writes nothing for it', async () => {
    const first = await created();
    const second = account({ email: first.email });

    await expect(store.create(second, draft(null, 'active', 'create'))).rejects.toBeInstanceOf(DuplicateEmailError);

    expect(await store.get(second.accountId)).toBeNull();
    expect((await store.history(second.accountId, 10)).items).toEqual([]);
    expect((await store.access(first.email ?? ''))?.accountId).toBe(first.accountId);
  });

  it('keeps no key, revision or index attribute in the account it returns', async () => {
    const fresh = await created({ inProgress: inProgress() });

    const read = await store.get(fresh.accountId);

    expect(Object.keys(read ?? {}).sort()).toEqual(Object.keys(fresh).sort());
  });
});

describe('change', () => {
  it('writes the next version, its history entry and the access fields in one go', async () => {
    const before = await created();
    const lock = { reason: 'admin' as const, until: null, previousStatus: 'active' as const };
    const next = changed(before, { status: 'locked', lock });

    const entry = await store.change(before, next, draft('active', 'locked'));

    expect(await store.get(before.accountId)).toEqual(next);
    expect(await store.access(before.email ?? '')).toMatchObject({ status: 'locked', lock });
    expect((await store.history(before.accountId, 10)).items[0]).toEqual(entry);
  });

  it('refuses a change from a stale read with ConflictError and writes nothing', async () => {
    const before = await created();
    await store.change(before, changed(before, { status: 'maintenance' }), draft('active', 'maintenance'));

    await expect(
      store.change(before, changed(before, { status: 'closed' }), draft('active', 'closed')),
    ).rejects.toBeInstanceOf(ConflictError);

    expect((await store.get(before.accountId))?.status).toBe('maintenance');
    expect((await store.history(before.accountId, 10)).items).toHaveLength(2);
  });

  it('writes over the revision the previous carries, and refuses a previous at another revision', async () => {
    const before = await created();
    const copy = { ...before };
    const stale = { ...before, revision: before.revision - 1 };

    await expect(
      store.change(stale, changed(stale, { status: 'closed' }), draft('active', 'closed')),
    ).rejects.toBeInstanceOf(ConflictError);
    await store.change(copy, changed(copy, { status: 'maintenance' }), draft('active', 'maintenance'));

    expect((await store.get(before.accountId))?.status).toBe('maintenance');
  });

  it('writes a claim once: the second change with the same claim is ClaimedError and writes nothing', async () => {
    const before = await created();
    const claim = { key: `login-event#svc#${before.accountId}`, ttlSeconds: 60 };
    const next = changed(before, { status: 'inactive' });
    await store.change(before, next, draft('active', 'inactive'), { claim });

    await expect(
      store.change(next, changed(next, { status: 'active' }), draft('inactive', 'active'), { claim }),
    ).rejects.toBeInstanceOf(ClaimedError);

    expect(await store.get(before.accountId)).toEqual(next);
  });
});

describe('quiet', () => {
  it('keeps the version, writes no history, and makes the older read stale', async () => {
    const before = await created();
    const next = quietly(before, {
      lastActivityAt: new Date().toISOString(),
      failedLogins: { count: 2, windowStartedAt: before.createdAt },
    });

    await store.quiet(before, next);

    expect(await store.get(before.accountId)).toEqual(next);
    expect((await store.history(before.accountId, 10)).items).toHaveLength(1);
    await expect(store.quiet(before, quietly(before, { lastActivityAt: null }))).rejects.toBeInstanceOf(ConflictError);
    await expect(
      store.change(before, changed(before, { status: 'closed' }), draft('active', 'closed')),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses to change status, lock, email or version quietly', async () => {
    const before = await created();

    await expect(store.quiet(before, quietly(before, { status: 'closed' }))).rejects.toBeInstanceOf(TypeError);
    await expect(store.quiet(before, quietly(before, { version: 2 }))).rejects.toBeInstanceOf(TypeError);
    await expect(store.quiet(before, { ...before, lastActivityAt: null })).rejects.toBeInstanceOf(TypeError);

    expect(await store.get(before.accountId)).toEqual(before);
  });

  it('with a claim: claims once, and a repeated claim is ClaimedError', async () => {
    const before = await created();
    const claim = { key: `login-event#svc#q-${before.accountId}`, ttlSeconds: 60 };
    const next = quietly(before, { failedLogins: { count: 1, windowStartedAt: before.createdAt } });
    await store.quiet(before, next, { claim });

    await expect(
      store.quiet(next, quietly(next, { failedLogins: { count: 2, windowStartedAt: before.createdAt } }), { claim }),
    ).rejects.toBeInstanceOf(ClaimedError);

    expect((await store.get(before.accountId))?.failedLogins?.count).toBe(1);
  });
});

describe('purge', () => {
  it('frees the address: the email item goes, the tombstone keeps no personal data', async () => {
    const domain = uniqueDomain();
    const before = await created({
      domain,
      status: 'deleted',
      deletedAt: new Date().toISOString(),
      purgeAfter: new Date().toISOString(),
    });
    const email = before.email ?? '';
    const tombstone = changed(before, { status: 'deleted_permanent', email: null, displayName: null });

    await store.change(before, tombstone, draft('deleted', 'deleted_permanent', 'purge'));

    expect(await store.access(email)).toBeNull();
    expect(await rawItem(emailKey(email))).toBeUndefined();
    expect(await store.get(before.accountId)).toMatchObject({
      email: null,
      displayName: null,
      status: 'deleted_permanent',
      domain,
    });
    const raw = await rawItem(accountKey(before.accountId));
    expect(JSON.stringify(raw)).not.toContain(email);
    const again = account({ email, domain });
    await store.create(again, draft(null, 'active', 'create'));
    expect((await store.access(email))?.accountId).toBe(again.accountId);
  });
});

describe('dispatch', () => {
  it('is on the write that starts a round only', async () => {
    const key = (a: Account) => accountKey(a.accountId);
    const operation = inProgress({ operation: 'provision', target: 'active', from: 'pending' });
    const start = await created({ status: 'pending', inProgress: operation });
    expect((await rawItem(key(start)))?.dispatch).toBe(`${operation.operationId}#1`);

    const failed = quietly(start, { inProgress: { ...operation, attempts: 1, lastError: 'timeout' } });
    await store.quiet(start, failed);
    expect((await rawItem(key(start)))?.dispatch).toBeUndefined();

    const retried = changed(failed, { inProgress: { ...operation, attempts: 0, lastError: null, round: 2 } });
    await store.change(failed, retried, draft('pending', 'pending', 'retry'));
    expect((await rawItem(key(start)))?.dispatch).toBe(`${operation.operationId}#2`);

    const renamed = changed(retried, { displayName: 'Grace Hopper' });
    await store.change(retried, renamed, draft('pending', 'pending', 'rename'));
    expect((await rawItem(key(start)))?.dispatch).toBeUndefined();

    const completed = changed(renamed, { status: 'active', inProgress: null });
    await store.change(renamed, completed, draft('pending', 'active', 'operation_completed'));
    expect((await rawItem(key(start)))?.dispatch).toBeUndefined();
  });
});

describe('list', () => {
  const domain = uniqueDomain();
  const accounts: Account[] = [];

  beforeAll(async () => {
    const shapes: Partial<Account>[] = [
      { status: 'active' },
      { status: 'active', leaver: { leaveDate: '2030-01-01', windowEndsAt: '2030-01-31T00:00:00.000Z' } },
      { status: 'locked', lock: { reason: 'admin', until: null, previousStatus: 'active' } },
      { status: 'maintenance' },
      { status: 'disabling', inProgress: inProgress() },
      { status: 'closed' },
      { status: 'inactive' },
    ];
    for (const [i, shape] of shapes.entries())
      accounts.push(await created({ ...shape, domain, email: `user${i}@${domain}` }));
    // Any character an address may hold, even one sorting after every letter, lists among the live accounts.
    accounts.push(await created({ domain, email: `~tilde@${domain}`, status: 'disabled' }));
    const purged = await created({ domain, email: `zz-purged@${domain}`, status: 'deleted' });
    await store.change(
      purged,
      changed(purged, { status: 'deleted_permanent', email: null, displayName: null }),
      draft('deleted', 'deleted_permanent'),
    );
    await created({ domain: uniqueDomain() });
  });

  const emails = (items: readonly Account[]): (string | null)[] => items.map((a) => a.email);

  it('pages through one domain by email, without tombstones', async () => {
    const { items, pages } = await allPages((cursor) => store.list({ domain, limit: 3, cursor }));

    expect(emails(items)).toEqual(accounts.map((a) => a.email));
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('filters by statuses, leaver and in-progress', async () => {
    const read = async (filter: object) =>
      emails((await allPages((cursor) => store.list({ domain, limit: 2, cursor, ...filter }))).items);

    expect(await read({ statuses: ['locked', 'maintenance'] })).toEqual([accounts[2]?.email, accounts[3]?.email]);
    expect(await read({ leaver: true })).toEqual([accounts[1]?.email]);
    expect(await read({ leaver: false })).toHaveLength(7);
    expect(await read({ inProgress: true })).toEqual([accounts[4]?.email]);
    expect(await read({ inProgress: false, statuses: ['active'] })).toEqual([accounts[0]?.email, accounts[1]?.email]);
  });

  it('lists tombstones only when deleted_permanent is asked for', async () => {
    const only = await store.list({ domain, limit: 50, statuses: ['deleted_permanent'] });
    const mixed = await store.list({ domain, limit: 50, statuses: ['deleted_permanent', 'active'] });

    expect(only.items.map((a) => [a.status, a.email])).toEqual([['deleted_permanent', null]]);
    expect(mixed.items.map((a) => a.status)).toEqual(['active', 'active', 'deleted_permanent']);
  });

  it('rejects a tampered, malformed or foreign cursor with InvalidCursorError', async () => {
    const { nextCursor } = await store.list({ domain, limit: 2 });
    const cursor = nextCursor ?? '';
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, string>;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const other = await store.list({ domain: 'elsewhere.example', limit: 1 });
    const history = await store.history(accounts[0]?.accountId ?? '', 1);
    const forged = [
      `${cursor.slice(0, -2)}!!`,
      'not a cursor',
      encode('just a string'),
      encode({ ...key, extra: 'x' }),
      encode({ ...key, domainKey: 'elsewhere.example' }),
      encode({ ...key, listKey: 'purged#x' }),
      encode({ ...key, listKey: 'zzz' }),
      encode({ ...key, SK: 'HISTORY#x' }),
      encode({ ...key, listKey: 5 }),
      Buffer.from('{"PK":').toString('base64url'),
      history.nextCursor ?? '',
    ];

    for (const bad of forged)
      await expect(store.list({ domain, limit: 2, cursor: bad }), bad).rejects.toBeInstanceOf(InvalidCursorError);
    expect(other.items).toEqual([]);
    await expect(store.list({ domain: 'elsewhere.example', limit: 2, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(store.list({ domain, limit: 2, statuses: ['deleted_permanent'], cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('history', () => {
  it('pages newest first, and a cursor of another account is InvalidCursorError', async () => {
    let current = await created({ status: 'pending' });
    const path = ['active', 'locked', 'active', 'maintenance', 'active'] as const;
    for (const status of path) {
      const next = changed(current, { status });
      await store.change(current, next, draft(current.status, status));
      current = next;
    }

    const { items, pages } = await allPages((cursor) => store.history(current.accountId, 2, cursor));

    expect(items.map((e) => e.to)).toEqual([...[...path].reverse(), 'pending']);
    expect(items.map((e) => e.id)).toEqual(
      items
        .map((e) => e.id)
        .sort()
        .reverse(),
    );
    expect(pages).toBeGreaterThanOrEqual(3);
    const cursor = (await store.history(current.accountId, 2)).nextCursor ?? '';
    const other = await created();
    await expect(store.history(other.accountId, 2, cursor)).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.history(current.accountId, 2, 'garbage')).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('gives history items an expiry HISTORY_RETENTION_DAYS after the change', async () => {
    const fresh = account();
    const entry = await store.create(fresh, draft(null, 'active', 'create'));

    const raw = await rawItem({ PK: `ACCOUNT#${fresh.accountId}`, SK: `HISTORY#${entry.id}` });

    expect(raw?.expiresAt).toBe(Math.floor(Date.parse(entry.at) / 1000) + 730 * 86_400);
  });
});
