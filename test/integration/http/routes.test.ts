/**
 * Every route of SPEC §4 through the real handlers on DynamoDB Local: success codes, headers and shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/http/routes';
import { admin, platform, reader, writer } from '../../helpers/tokens';
import { accountIn, createAccount, email, snapshot, world, type World } from './fixtures';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let w: World;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world({ MAX_FAILED_LOGINS: '3' });
});

describe('POST /accounts', () => {
  it('provisions by default: 202, Location, ETag and the whole resource, email trimmed and lower-cased', async () => {
    const res = await w.api.request({
      method: 'POST',
      path: '/accounts',
      claims: writer(['new.org']),
      body: { email: '  Ann.Example@NEW.org ', displayName: 'Ann Example' },
    });

    expect(res.status).toBe(202);
    const { accountId } = res.json;
    expect(accountId).toMatch(ULID);
    expect(res.headers.location).toBe(`/accounts/${accountId}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.json).toEqual({
      accountId,
      email: 'ann.example@new.org',
      domain: 'new.org',
      displayName: 'Ann Example',
      status: 'pending',
      statusLabel: 'Pending',
      statusSince: expect.stringMatching(ISO),
      statusReason: null,
      updatedBy: 'writer',
      updatedAt: expect.stringMatching(ISO),
      version: 1,
      inProgress: {
        operation: 'provision',
        target: 'active',
        startedAt: expect.stringMatching(ISO),
        attempts: 0,
        lastError: null,
        stuck: false,
      },
      leaver: null,
      lock: null,
      lastActivityAt: null,
      deletedAt: null,
      purgeAfter: null,
      access: { login: 'deny', mail: 'reject' },
      createdAt: expect.stringMatching(ISO),
    });
  });

  it('leaves the account resting in pending with activate false: 201', async () => {
    const res = await w.api.request({
      method: 'POST',
      path: '/accounts',
      claims: writer(['new.org']),
      body: { email: email('new.org'), activate: false },
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/accounts/${res.json.accountId}`);
    expect(res.json).toMatchObject({ status: 'pending', inProgress: null, displayName: null });
  });

  it('records the creation in the history (from null to pending)', async () => {
    const accountId = await createAccount(w, { activate: false });
    const { history } = await snapshot(w, accountId);
    expect(history).toEqual([expect.objectContaining({ from: null, to: 'pending', action: 'create', actor: 'admin' })]);
  });
});

describe('GET /accounts/{accountId}', () => {
  it('answers the resource with ETag "<version>"', async () => {
    const accountId = await createAccount(w);
    const res = await w.api.request({ method: 'GET', path: `/accounts/${accountId}`, claims: reader(['a.org']) });

    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(`"${res.json.version}"`);
    expect(res.json).toMatchObject({
      accountId,
      status: 'active',
      statusLabel: 'Active',
      access: { login: 'allow', mail: 'deliver' },
    });
  });

  it('accepts the id in lower case (ULIDs are case-insensitive)', async () => {
    const accountId = await createAccount(w);
    const res = await w.api.request({
      method: 'GET',
      path: `/accounts/${accountId.toLowerCase()}`,
      claims: reader(['a.org']),
    });
    expect(res.status).toBe(200);
    expect(res.json.accountId).toBe(accountId);
  });
});

describe('GET /accounts', () => {
  let ids: string[];
  const domain = 'list.org';
  beforeAll(async () => {
    ids = [];
    for (const local of ['carol', 'alice', 'bob', 'dave'])
      ids.push(await createAccount(w, { email: `${local}@${domain}` }));
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${ids[2]}/status`,
      claims: admin('*'),
      body: { status: 'locked' },
    });
    await w.api.request({ method: 'PUT', path: `/accounts/${ids[3]}/leaver`, claims: admin('*'), body: {} });
    await createAccount(w, { email: `erin@${domain}`, activate: false });
  });

  it('lists one domain by email, with nextCursor null at the end', async () => {
    const res = await w.api.request({ method: 'GET', path: '/accounts', query: { domain }, claims: reader([domain]) });

    expect(res.status).toBe(200);
    expect(res.json.items.map((a: { email: string }) => a.email)).toEqual(
      ['alice', 'bob', 'carol', 'dave', 'erin'].map((l) => `${l}@${domain}`),
    );
    expect(res.json.nextCursor).toBeNull();
  });

  it('pages with limit and cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await w.api.request({
        method: 'GET',
        path: '/accounts',
        claims: reader([domain]),
        query: { domain, limit: '2', ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.items.map((a: { email: string }) => a.email));
      cursor = res.json.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(['alice', 'bob', 'carol', 'dave', 'erin'].map((l) => `${l}@${domain}`));
  });

  it('filters by statuses (comma-separated), leaver and inProgress', async () => {
    const get = (query: Record<string, string>) =>
      w.api.request({ method: 'GET', path: '/accounts', query: { domain, ...query }, claims: reader([domain]) });
    const emails = (res: { json: { items: { email: string }[] } }) => res.json.items.map((a) => a.email.split('@')[0]);

    expect(emails(await get({ status: 'locked,pending' }))).toEqual(['bob', 'erin']);
    expect(emails(await get({ leaver: 'true' }))).toEqual(['dave']);
    expect(emails(await get({ leaver: 'false', status: 'active' }))).toEqual(['alice', 'carol']);
    expect(emails(await get({ inProgress: 'false', status: 'pending' }))).toEqual(['erin']);
  });

  it('counts a repeated status once, however often it is listed (more than DynamoDB takes in one IN)', async () => {
    const status = [...Array.from({ length: 101 }, () => 'active'), 'locked', 'locked'].join(',');
    const res = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain, status },
      claims: reader([domain]),
    });

    expect(res.status).toBe(200);
    expect(res.json.items.map((a: { email: string }) => a.email.split('@')[0])).toEqual([
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
  });
});

describe('PATCH /accounts/{accountId}', () => {
  it('renames: 200, version + 1, a rename history entry', async () => {
    const accountId = await createAccount(w);
    const before = await snapshot(w, accountId);
    const res = await w.api.request({
      method: 'PATCH',
      path: `/accounts/${accountId}`,
      claims: writer(['a.org']),
      headers: { 'If-Match': `"${before.account?.version}"` },
      body: { displayName: 'New Name' },
    });

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ displayName: 'New Name', version: (before.account?.version ?? 0) + 1 });
    expect(res.headers.etag).toBe(`"${res.json.version}"`);
    const after = await snapshot(w, accountId);
    expect(after.history).toHaveLength(before.history.length + 1);
    expect(after.history[0]).toMatchObject({ action: 'rename', actor: 'writer' });
  });

  it('clears the display name with null', async () => {
    const accountId = await createAccount(w);
    await w.api.request({
      method: 'PATCH',
      path: `/accounts/${accountId}`,
      claims: writer(['a.org']),
      body: { displayName: 'X' },
    });
    const res = await w.api.request({
      method: 'PATCH',
      path: `/accounts/${accountId}`,
      claims: writer(['a.org']),
      body: { displayName: null },
    });
    expect(res.status).toBe(200);
    expect(res.json.displayName).toBeNull();
  });
});

describe('PUT /accounts/{accountId}/status', () => {
  it('changes a record-only status at once: 200 (lock is an admin lock)', async () => {
    const accountId = await createAccount(w);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'locked', reason: 'investigation' },
    });

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'locked',
      statusReason: 'investigation',
      updatedBy: 'writer',
      lock: { reason: 'admin', until: null, previousStatus: 'active' },
      access: { login: 'deny', mail: 'deliver' },
    });
    expect(res.headers.etag).toBe(`"${res.json.version}"`);
  });

  it('starts an operation via an in-progress status: 202, in progress with the right target', async () => {
    const accountId = await createAccount(w);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'disabled' },
    });

    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      status: 'disabling',
      inProgress: { operation: 'disable', target: 'disabled', attempts: 0 },
      access: { login: 'deny', mail: 'deliver' },
    });
    expect((await w.store.get(accountId))?.inProgress).toMatchObject({ target: 'disabled', operation: 'disable' });
  });

  it('migrates: migration_pending in progress towards active', async () => {
    const accountId = await createAccount(w);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'migration_pending' },
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      status: 'migration_pending',
      inProgress: { operation: 'migrate', target: 'active' },
    });
  });

  it('setting the status it already has is a no-op: 200, same version, no history', async () => {
    const accountId = await createAccount(w);
    const before = await snapshot(w, accountId);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'active' },
    });

    expect(res.status).toBe(200);
    expect(res.json.version).toBe(before.account?.version);
    expect(await snapshot(w, accountId)).toEqual(before);
  });

  it('asking an in-progress account for its own target: 202, nothing changes', async () => {
    const accountId = await createAccount(w);
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'disabled' },
    });
    const before = await snapshot(w, accountId);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'disabled' },
    });

    expect(res.status).toBe(202);
    expect(await snapshot(w, accountId)).toEqual(before);
  });

  it('honours If-Match: the current version applies', async () => {
    const accountId = await createAccount(w);
    const { account } = await snapshot(w, accountId);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      headers: { 'if-match': `"${account?.version}"` },
      body: { status: 'maintenance' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'maintenance', access: { login: 'deny', mail: 'queue' } });
  });
});

describe('POST /accounts/bulk-status', () => {
  it('applies to each account on its own, in the order asked', async () => {
    const active = await createAccount(w);
    const locked = await accountIn(w, 'locked');
    const deleted = await accountIn(w, 'deleted');
    const other = await createAccount(w, { email: email('b.org') });
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const pending = await createAccount(w, { activate: false });

    const res = await w.api.request({
      method: 'POST',
      path: '/accounts/bulk-status',
      claims: writer(['a.org']),
      body: { accountIds: [active, locked, deleted, other, unknown, pending], status: 'locked', reason: 'bulk' },
    });

    expect(res.status).toBe(200);
    expect(res.json.results).toEqual([
      { accountId: active, outcome: 'changed', status: 'locked' },
      { accountId: locked, outcome: 'unchanged', status: 'locked' },
      {
        accountId: deleted,
        outcome: 'refused',
        status: 'deleted',
        error: expect.objectContaining({
          status: 409,
          type: expect.stringContaining('transition-refused'),
          allowed: ['active'],
        }),
      },
      { accountId: other, outcome: 'not_found' },
      { accountId: unknown, outcome: 'not_found' },
      { accountId: pending, outcome: 'refused', status: 'pending', error: expect.objectContaining({ status: 409 }) },
    ]);
  });

  it('reports accepted for a target reached via an operation', async () => {
    const a = await createAccount(w);
    const res = await w.api.request({
      method: 'POST',
      path: '/accounts/bulk-status',
      claims: writer(['a.org']),
      body: { accountIds: [a], status: 'disabled' },
    });
    expect(res.json.results).toEqual([{ accountId: a, outcome: 'accepted', status: 'disabling' }]);
  });
});

describe('leaver mark', () => {
  it('PUT marks (default today) and DELETE cancels', async () => {
    const accountId = await createAccount(w);
    const today = new Date().toISOString().slice(0, 10);
    const marked = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/leaver`,
      claims: writer(['a.org']),
    });

    expect(marked.status).toBe(200);
    expect(marked.json).toMatchObject({
      status: 'active',
      statusLabel: 'Active (Leaver)',
      leaver: { leaveDate: today },
    });
    expect(marked.headers.etag).toBe(`"${marked.json.version}"`);

    const cancelled = await w.api.request({
      method: 'DELETE',
      path: `/accounts/${accountId}/leaver`,
      claims: writer(['a.org']),
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ statusLabel: 'Active', leaver: null });
  });

  it('records leaveDate and windowEndsAt = leaveDate + 30 days', async () => {
    const accountId = await createAccount(w);
    const leaveDate = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/leaver`,
      claims: writer(['a.org']),
      body: { leaveDate, reason: 'contract ends' },
    });
    expect(res.status).toBe(200);
    expect(res.json.leaver).toEqual({
      leaveDate,
      windowEndsAt: new Date(Date.parse(`${leaveDate}T00:00:00Z`) + 30 * 86_400_000).toISOString(),
    });
  });
});

describe('DELETE /accounts/{accountId}', () => {
  it('soft-deletes via deleting: 202', async () => {
    const accountId = await createAccount(w);
    const res = await w.api.request({ method: 'DELETE', path: `/accounts/${accountId}`, claims: writer(['a.org']) });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'deleting', inProgress: { operation: 'delete', target: 'deleted' } });
  });

  it('an account already deleted is a no-op: 200', async () => {
    const accountId = await accountIn(w, 'deleted');
    const before = await snapshot(w, accountId);
    const res = await w.api.request({ method: 'DELETE', path: `/accounts/${accountId}`, claims: writer(['a.org']) });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('deleted');
    expect(await snapshot(w, accountId)).toEqual(before);
  });
});

describe('in-progress retry and cancel', () => {
  it('retry drives the operation again: 202, still in progress towards its target', async () => {
    const accountId = await createAccount(w);
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'disabled' },
    });
    const before = (await w.store.get(accountId))?.inProgress;
    const res = await w.api.request({
      method: 'POST',
      path: `/accounts/${accountId}/in-progress/retry`,
      claims: writer(['a.org']),
    });

    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'disabling', inProgress: { target: 'disabled', attempts: 0 } });
    expect((await w.store.get(accountId))?.inProgress?.round).toBe((before?.round ?? 0) + 1);
  });

  it('cancel (admin) returns to the status before the operation: 200', async () => {
    const accountId = await createAccount(w);
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'disabled' },
    });
    const res = await w.api.request({
      method: 'POST',
      path: `/accounts/${accountId}/in-progress/cancel`,
      claims: admin(['a.org']),
      body: { reason: 'platform fixed by hand' },
    });

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'active', inProgress: null });
  });

  it('cancelling provisioning leaves the account resting in pending', async () => {
    const res1 = await w.api.request({
      method: 'POST',
      path: '/accounts',
      claims: admin('*'),
      body: { email: email() },
    });
    const res = await w.api.request({
      method: 'POST',
      path: `/accounts/${res1.json.accountId}/in-progress/cancel`,
      claims: admin('*'),
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'pending', inProgress: null });
  });
});

describe('GET /accounts/{accountId}/history', () => {
  it('lists the entries newest first, and pages', async () => {
    const accountId = await createAccount(w);
    for (const status of ['locked', 'active', 'maintenance']) {
      await w.api.request({
        method: 'PUT',
        path: `/accounts/${accountId}/status`,
        claims: writer(['a.org']),
        body: { status },
      });
    }
    const res = await w.api.request({
      method: 'GET',
      path: `/accounts/${accountId}/history`,
      claims: reader(['a.org']),
    });

    expect(res.status).toBe(200);
    expect(res.json.items.map((e: { to: string }) => e.to)).toEqual([
      'maintenance',
      'active',
      'locked',
      'active',
      'pending',
    ]);
    expect(res.json.items[0]).toMatchObject({
      accountId,
      domain: 'a.org',
      from: 'active',
      actor: 'writer',
      requestId: expect.any(String),
      id: expect.stringMatching(ULID),
      at: expect.stringMatching(ISO),
    });
    expect(res.json.nextCursor).toBeNull();

    const first = await w.api.request({
      method: 'GET',
      path: `/accounts/${accountId}/history`,
      query: { limit: '3' },
      claims: reader(['a.org']),
    });
    const rest = await w.api.request({
      method: 'GET',
      path: `/accounts/${accountId}/history`,
      claims: reader(['a.org']),
      query: { limit: '3', cursor: first.json.nextCursor },
    });
    expect([...first.json.items, ...rest.json.items]).toEqual(res.json.items);
  });

  it('records the request id of the change as the X-Request-Id answered', async () => {
    const accountId = await createAccount(w);
    const change = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'locked' },
    });
    const { history } = await snapshot(w, accountId);
    expect(history[0]?.requestId).toBe(change.headers['x-request-id']);
  });
});

describe('POST /login-events', () => {
  it('answers the access decision; failures lock at maxFailures (3 here)', async () => {
    const address = email();
    const accountId = await createAccount(w, { email: address });
    const report = (outcome: string) =>
      w.api.request({
        method: 'POST',
        path: '/login-events',
        claims: platform(),
        body: { email: address.toUpperCase(), outcome },
      });

    expect((await report('failure')).json).toEqual({ status: 'active', access: { login: 'allow', mail: 'deliver' } });
    await report('failure');
    const third = await report('failure');
    expect(third.status).toBe(200);
    expect(third.json).toEqual({ status: 'locked', access: { login: 'deny', mail: 'deliver' } });
    expect((await w.store.get(accountId))?.lock).toMatchObject({ reason: 'failed_logins', previousStatus: 'active' });
  });

  it('counts a repeated eventId once', async () => {
    const address = email();
    const accountId = await createAccount(w, { email: address });
    const report = (eventId: string) =>
      w.api.request({
        method: 'POST',
        path: '/login-events',
        claims: platform(),
        body: { email: address, outcome: 'failure', eventId },
      });

    for (let i = 0; i < 5; i++) expect((await report('same-event')).status).toBe(200);
    expect((await w.store.get(accountId))?.failedLogins?.count).toBe(1);
    await report('second');
    const last = await report('third');
    expect(last.json.status).toBe('locked');
  });

  it('a lockout locks at once', async () => {
    const address = email();
    await createAccount(w, { email: address });
    const res = await w.api.request({
      method: 'POST',
      path: '/login-events',
      claims: platform(),
      body: { email: address, outcome: 'lockout' },
    });
    expect(res.json).toEqual({ status: 'locked', access: { login: 'deny', mail: 'deliver' } });
  });
});

describe('GET /access', () => {
  it('answers {accountId, email, status, login, mail}', async () => {
    const address = email();
    const accountId = await createAccount(w, { email: address });
    const res = await w.api.request({
      method: 'GET',
      path: '/access',
      query: { email: ` ${address.toUpperCase()} ` },
      claims: platform(),
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ accountId, email: address, status: 'active', login: 'allow', mail: 'deliver' });
  });

  it('reflects a change at once (maintenance queues mail)', async () => {
    const address = email();
    const accountId = await createAccount(w, { email: address });
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: admin('*'),
      body: { status: 'maintenance' },
    });
    const res = await w.api.request({ method: 'GET', path: '/access', query: { email: address }, claims: platform() });
    expect(res.json).toMatchObject({ status: 'maintenance', login: 'deny', mail: 'queue' });
  });
});

describe('public routes', () => {
  it('GET /status-model needs no token: statuses with policies and the transition table', async () => {
    const res = await w.api.request({ method: 'GET', path: '/status-model' });

    expect(res.status).toBe(200);
    expect(res.json.statuses).toHaveLength(14);
    expect(res.json.statuses).toContainEqual(
      expect.objectContaining({ status: 'maintenance', login: 'deny', mail: 'queue' }),
    );
    const disabled = res.json.transitions.find((t: { from: string }) => t.from === 'disabled');
    expect(disabled.targets).toContainEqual({
      target: 'active',
      via: { status: 'enabling', operation: 'enable', completesTo: 'active' },
      requires: 'accounts:write',
      answers: 202,
    });
    expect(res.json.durations.maxFailedLogins).toBe(3);
  });

  it('GET /openapi.json documents every route of ROUTES with its scope', async () => {
    const res = await w.api.request({ method: 'GET', path: '/openapi.json' });

    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    expect(res.json.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    for (const route of ROUTES) {
      const operation = res.json.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation.security).toEqual(route.scope === null ? [] : [{ bearer: [] }]);
      expect(operation['x-scope']).toBe(route.scope ?? undefined);
    }
    const documented = Object.values(res.json.paths).flatMap((item) => Object.keys(item as object));
    expect(documented).toHaveLength(ROUTES.length);
  });
});
