/**
 * The requests Microsoft Entra ID's provisioning service sends, as its SCIM tutorial ("Develop and plan
 * provisioning for a SCIM endpoint") and its validator's test cases show them, replayed against the local
 * stack: lookups by externalId and userName (a GUID userName included), a POST with the enterprise
 * extension, PATCHes with capitalised ops and string booleans ("False"), several operations in one PATCH,
 * DELETE after Entra's soft delete (active "False"), and POSTs of the same user again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatformStub, type PlatformStub } from '../../helpers/platform-stub';
import { address, scimWorld, type ScimWorld } from './world';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const filter = (expression: string) => `/Users?filter=${encodeURIComponent(expression)}`;

/** The body Entra POSTs for a new assignment (the tutorial's, with the enterprise extension). */
const entraUser = (userName: string, externalId: string) => ({
  schemas: [USER, ENTERPRISE],
  externalId,
  userName,
  active: true,
  displayName: 'Test User',
  emails: [{ primary: true, type: 'work', value: userName }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: 'a4f3c2b1-manager' },
});

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describe('Entra ID provisioning', () => {
  let platform: PlatformStub;
  let w: ScimWorld;
  let token: string;
  const userName = address();
  const externalId = crypto.randomUUID();
  let id: string;

  beforeAll(async () => {
    platform = await startPlatformStub();
    w = await scimWorld({ platform });
    token = await w.token('entra-connection', ['example.org']);
  });
  afterAll(async () => {
    platform.beforeAnswer(null);
    await w.close();
    await platform.close();
  });

  it('looks users up by externalId and by userName; a GUID userName matches nothing', async () => {
    const guid = `Test_User_${crypto.randomUUID()}`;

    const byGuid = await w.scim('GET', filter(`userName eq "${guid}"`), token);
    const byExternalId = await w.scim('GET', filter(`externalId eq "${externalId}"`), token);

    expect([byGuid.status, byExternalId.status]).toEqual([200, 200]);
    expect([byGuid.json.totalResults, byExternalId.json.totalResults]).toEqual([0, 0]);
  });

  it('creates a user sent with the enterprise extension (manager as a string), keeping its externalId', async () => {
    // Act
    const res = await w.scim('POST', '/Users', token, entraUser(userName, externalId));

    // Assess
    expect(res.status).toBe(201);
    id = res.json.id;
    expect(res.json).toMatchObject({ userName, externalId, active: true, displayName: 'Test User' });
    const account = await w.settled(id, (a) => a.status === 'active');
    expect(account.externalId).toBe(externalId);
  });

  it('finds it by externalId, by userName, by id, and by and/or of them', async () => {
    const found = await Promise.all(
      [
        `externalId eq "${externalId}"`,
        `userName eq "${userName}"`,
        `id eq "${id}"`,
        `externalId eq "${externalId}" and userName eq "${userName}"`,
        `userName eq "nobody@example.org" or externalId eq "${externalId}"`,
      ].map(async (expression) => (await w.scim('GET', filter(expression), token)).json),
    );
    const none = await w.scim(
      'GET',
      filter(`externalId eq "${externalId}" and userName eq "nobody@example.org"`),
      token,
    );

    expect(found.map((page) => [page.totalResults, page.Resources[0]?.id])).toEqual(Array(5).fill([1, id]));
    expect(none.json.totalResults).toBe(0);
  });

  it('PATCH "Replace" of active with the string "False" blocks access', async () => {
    // Act
    const res = await w.scim('PATCH', `/Users/${id}`, token, patch({ op: 'Replace', path: 'active', value: 'False' }));

    // Assess
    expect(res.status).toBe(200);
    expect(res.json.active).toBe(false);
    await w.settled(id, (a) => a.status === 'disabled');
  });

  it('applies several operations of one PATCH, the lookup by externalId following the new one', async () => {
    // Prepare
    const newExternalId = crypto.randomUUID();

    // Act
    const res = await w.scim(
      'PATCH',
      `/Users/${id}`,
      token,
      patch(
        { op: 'Add', path: 'displayName', value: 'Renamed User' },
        { op: 'Replace', path: 'externalId', value: newExternalId },
        { op: 'Add', path: 'name.givenName', value: 'Updated' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: userName },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '42' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: [{ $ref: null, value: 'b5e4d3c2-manager' }] },
        { op: 'Replace', path: 'active', value: 'True' },
      ),
    );

    // Assess
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      displayName: 'Renamed User',
      externalId: newExternalId,
      name: { givenName: 'Updated', familyName: 'familyName' },
      active: true,
    });
    await w.settled(id, (a) => a.status === 'active' && a.inProgress === null);
    const byOld = await w.scim('GET', filter(`externalId eq "${externalId}"`), token);
    const byNew = await w.scim('GET', filter(`externalId eq "${newExternalId}"`), token);
    expect([byOld.json.totalResults, byNew.json.totalResults]).toEqual([0, 1]);
    const actions = (await w.history(id)).filter((e) => e.actor === 'entra-connection').map((e) => e.action);
    expect(actions).toEqual(['create', 'disable', 'rename', 'update_profile', 'enable']);
  });

  it('refuses a PATCH of userName (the mailbox address) with 400 mutability', async () => {
    const res = await w.scim(
      'PATCH',
      `/Users/${id}`,
      token,
      patch({ op: 'Replace', path: 'userName', value: address() }),
    );

    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'mutability' });
  });

  it('DELETE after the soft delete (active "False") deletes the mailbox; it then reads 404', async () => {
    // Prepare: Entra's soft delete.
    await w.scim('PATCH', `/Users/${id}`, token, patch({ op: 'Replace', path: 'active', value: 'False' }));
    await w.settled(id, (a) => a.status === 'disabled');

    // Act
    const res = await w.scim('DELETE', `/Users/${id}`, token);

    // Assess
    expect(res.status).toBe(204);
    expect(res.json).toBeUndefined();
    expect((await w.scim('GET', `/Users/${id}`, token)).status).toBe(404);
    expect((await w.scim('GET', filter(`userName eq "${userName}"`), token)).json.totalResults).toBe(0);
    const deleted = await w.settled(id, (a) => a.status === 'deleted');
    expect(deleted.purgeAfter).not.toBeNull();
    const again = await w.scim('DELETE', `/Users/${id}`, token);
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ schemas: [ERROR], status: '404' });
  });

  it('a POST of the deleted user restores the same account (201); a repeated POST is 409 uniqueness', async () => {
    // Act
    const restored = await w.scim('POST', '/Users', token, entraUser(userName, externalId));
    const repeated = await w.scim('POST', '/Users', token, entraUser(userName, externalId));

    // Assess
    expect(restored.status).toBe(201);
    expect(restored.json).toMatchObject({ id, userName, active: true, externalId });
    expect(repeated.status).toBe(409);
    expect(repeated.json).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const account = await w.settled(id, (a) => a.status === 'active' && a.inProgress === null);
    expect(account.deletedAt).toBeNull();
    const restore = (await w.history(id)).find((e) => e.action === 'restore');
    expect(restore).toMatchObject({ actor: 'entra-connection', from: 'deleted', to: 'restoring' });
  });

  it('a PATCH while provisioning is still under way is kept and applied when it completes', async () => {
    // Prepare: the platform holds the provisioning call until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    platform.beforeAnswer(async (request) => {
      if (request?.operation === 'provision') await held;
    });
    const created = await w.scim('POST', '/Users', token, entraUser(address(), crypto.randomUUID()));
    const userId = created.json.id as string;

    // Act
    const res = await w.scim(
      'PATCH',
      `/Users/${userId}`,
      token,
      patch({ op: 'Replace', path: 'active', value: 'False' }),
    );
    const whileHeld = await w.store.get(userId);
    release();

    // Assess
    expect(res.status).toBe(200);
    expect(res.json.active).toBe(false);
    expect(whileHeld).toMatchObject({ status: 'pending', wanted: { status: 'disabled', actor: 'entra-connection' } });
    expect((await w.scim('GET', `/Users/${userId}`, token)).json.active).toBe(false);
    const account = await w.settled(userId, (a) => a.status === 'disabled');
    expect(account.wanted ?? null).toBeNull();
    expect((await w.history(userId)).map((e) => [e.action, e.actor, e.to])).toEqual([
      ['create', 'entra-connection', 'pending'],
      ['want', 'entra-connection', 'pending'],
      ['complete', 'BackgroundTasks', 'active'],
      ['disable', 'entra-connection', 'disabling'],
      ['complete', 'BackgroundTasks', 'disabled'],
    ]);
  });
  it('a DELETE while a disable is under way is kept, and applied when an operator cancels the disable', async () => {
    // Prepare: an active user whose disable the platform holds.
    const created = await w.scim('POST', '/Users', token, entraUser(address(), crypto.randomUUID()));
    const userId = created.json.id as string;
    await w.settled(userId, (a) => a.status === 'active' && a.inProgress === null);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    platform.beforeAnswer(async (request) => {
      if (request?.operation === 'disable' && request.accountId === userId) await held;
    });
    await w.scim('PATCH', `/Users/${userId}`, token, patch({ op: 'Replace', path: 'active', value: 'False' }));
    const ops = await w.stack.token({ sub: 'ops', scope: 'accounts:admin', domains: '*' });

    // Act
    const deleted = await w.scim('DELETE', `/Users/${userId}`, token);
    const whileHeld = await w.store.get(userId);
    const cancelled = await fetch(`${w.stack.apiUrl}/accounts/${userId}/in-progress/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'platform stuck' }),
    });
    release();

    // Assess
    expect(deleted.status).toBe(204);
    expect(whileHeld).toMatchObject({ status: 'disabling', wanted: { status: 'deleted', actor: 'entra-connection' } });
    expect(cancelled.status).toBe(200);
    await w.settled(userId, (a) => a.status === 'deleted');
    const tail = (await w.history(userId)).slice(-4).map((e) => [e.action, e.actor, e.to]);
    expect(tail).toEqual([
      ['want', 'entra-connection', 'disabling'],
      ['cancel', 'ops', 'active'],
      ['delete', 'entra-connection', 'deleting'],
      ['complete', 'BackgroundTasks', 'deleted'],
    ]);
  });
});
