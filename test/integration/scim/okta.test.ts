/**
 * The requests Okta's provisioning client sends, in the order of Okta's SCIM 2.0 test suite (the Runscope
 * "Okta SCIM 2.0 SPEC Test" and the CRUD test of Okta's provisioning guide), replayed against the local
 * stack: connection test, lookup by userName before create, create, read, deactivate and reactivate with
 * PUT and with a path-less PATCH, a deactivated user still read with active false.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, scimWorld, type ScimWorld } from './world';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The body Okta POSTs for a new assignment (its test spec's "realistic values"). */
const oktaUser = (userName: string) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Ann', familyName: 'Example' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Ann Example',
  locale: 'en-US',
  externalId: `00u${userName.slice(5, 13)}`,
  groups: [],
  password: '1mz050nq',
  active: true,
});

describe('Okta provisioning', () => {
  let w: ScimWorld;
  let token: string;
  const userName = address();
  let id: string;

  beforeAll(async () => {
    w = await scimWorld();
    token = await w.token('okta-connection', ['example.org']);
  });
  afterAll(() => w.close());

  it('connection test: GET /Users?startIndex=1&count=2 is a ListResponse', async () => {
    // Prepare: a user to list.
    await w.scim('POST', '/Users', token, oktaUser(address()));

    // Act
    const res = await w.scim('GET', '/Users?startIndex=1&count=2', token);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.json).toMatchObject({ schemas: [LIST], startIndex: 1, itemsPerPage: 1, totalResults: 1 });
    expect(res.json.Resources[0]).toMatchObject({
      id: expect.any(String),
      userName: expect.any(String),
      active: true,
      name: { givenName: 'Ann', familyName: 'Example' },
      emails: [{ value: expect.any(String), primary: true, type: 'work' }],
    });
  });

  it('looks the user up by userName before creating it: 200 with no Resources', async () => {
    const res = await w.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`,
      token,
    );

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    expect(res.json.Resources).toEqual([]);
  });

  it('creates the user: 201 with the User, provisioned through the worker, recorded as the connection', async () => {
    // Act
    const res = await w.scim('POST', '/Users', token, { ...oktaUser(userName), userName: userName.toUpperCase() });

    // Assess
    expect(res.status).toBe(201);
    id = res.json.id;
    expect(res.json).toMatchObject({
      schemas: [USER],
      userName,
      active: true,
      displayName: 'Ann Example',
      name: { givenName: 'Ann', familyName: 'Example' },
      meta: {
        resourceType: 'User',
        version: '"1"',
        location: expect.stringMatching(new RegExp(`/scim/v2/Users/${id}$`)),
      },
    });
    expect(res.headers.get('location')).toBe(res.json.meta.location);
    expect(res.headers.get('etag')).toBe('"1"');
    const account = await w.settled(id, (a) => a.status === 'active' && a.inProgress === null);
    expect(account).toMatchObject({
      email: userName,
      displayName: 'Ann Example',
      externalId: oktaUser(userName).externalId,
    });
    expect((await w.history(id)).map((e) => [e.action, e.actor])).toEqual([
      ['create', 'okta-connection'],
      ['complete', 'BackgroundTasks'],
    ]);
  });

  it('finds it by userName in any case, and reads it by id', async () => {
    const byName = await w.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`,
      token,
    );
    const byId = await w.scim('GET', `/Users/${id}`, token);

    expect(byName.json.totalResults).toBe(1);
    expect(byName.json.Resources[0].id).toBe(id);
    expect(byId.status).toBe(200);
    expect(byId.json).toMatchObject({ id, userName, active: true });
  });

  it('answers a second POST of the same userName 409 uniqueness', async () => {
    const res = await w.scim('POST', '/Users', token, oktaUser(userName));

    expect(res.status).toBe(409);
    expect(res.json).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
      detail: expect.any(String),
    });
  });

  it('answers an unknown id 404 with the SCIM error', async () => {
    const res = await w.scim('GET', '/Users/010101001010101010101010101', token);

    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ status: '404', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
  });

  it('PUT with active false blocks access (disabled via disabling); the user still reads active false', async () => {
    // Prepare
    const current = (await w.scim('GET', `/Users/${id}`, token)).json;

    // Act
    const res = await w.scim('PUT', `/Users/${id}`, token, {
      ...current,
      name: { givenName: 'Anna', familyName: 'Example' },
      active: false,
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ active: false, name: { givenName: 'Anna', familyName: 'Example' } });
    const account = await w.settled(id, (a) => a.status === 'disabled');
    expect(account.externalId).toBe(current.externalId);
    const read = await w.scim('GET', `/Users/${id}`, token);
    expect(read.status).toBe(200);
    expect(read.json.active).toBe(false);
    const listed = await w.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, token);
    expect(listed.json.Resources[0]).toMatchObject({ id, active: false });
  });

  it('PUT with active true restores access (active via enabling)', async () => {
    const current = (await w.scim('GET', `/Users/${id}`, token)).json;

    const res = await w.scim('PUT', `/Users/${id}`, token, { ...current, active: true });

    expect(res.status).toBe(200);
    expect(res.json.active).toBe(true);
    await w.settled(id, (a) => a.status === 'active' && a.inProgress === null);
  });

  it('PATCH {op: replace, value: {active: false}} without a path deactivates; the history and events name the connection', async () => {
    // Act
    const res = await w.scim('PATCH', `/Users/${id}`, token, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id, active: false });
    await w.settled(id, (a) => a.status === 'disabled');
    const history = await w.history(id);
    const disables = history.filter((e) => e.action === 'disable');
    expect(disables).toHaveLength(2);
    expect(disables.every((e) => e.actor === 'okta-connection' && e.from === 'active' && e.to === 'disabling')).toBe(
      true,
    );
    const events = await waitForEvents(w, id, history.length);
    expect(events.map((e) => e.detail.id).sort()).toEqual(history.map((e) => e.id).sort());
  });

  it('deactivated, the user is still listed and read with active false', async () => {
    const listed = await w.scim('GET', '/Users?startIndex=1&count=100', token);
    const read = await w.scim('GET', `/Users/${id}`, token);

    expect(listed.json.Resources.find((u: { id: string }) => u.id === id)).toMatchObject({ active: false });
    expect(read.json).toMatchObject({ id, active: false });
  });

  it('PATCH with active true reactivates', async () => {
    const res = await w.scim('PATCH', `/Users/${id}`, token, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: true } }],
    });

    expect(res.json.active).toBe(true);
    await w.settled(id, (a) => a.status === 'active' && a.inProgress === null);
  });

  it('pages with startIndex and count; totalResults is the exact count of the domains, deleted users left out', async () => {
    // Prepare: five users in two domains, one of them deleted.
    const token = await w.token('okta-import', ['a.example', 'b.example']);
    const ids: string[] = [];
    for (const domain of ['a.example', 'a.example', 'b.example', 'b.example', 'b.example']) {
      ids.push((await w.scim('POST', '/Users', token, oktaUser(address(domain)))).json.id);
    }
    await w.scim('DELETE', `/Users/${ids[4]}`, token);
    await w.settled(ids[4]!, (a) => a.status === 'deleted');

    // Act
    const pages = [];
    for (let startIndex = 1; startIndex <= 5; startIndex += 2) {
      pages.push((await w.scim('GET', `/Users?startIndex=${startIndex}&count=2`, token)).json);
    }

    // Assess
    expect(pages.map((page) => [page.totalResults, page.startIndex, page.itemsPerPage])).toEqual([
      [4, 1, 2],
      [4, 3, 2],
      [4, 5, 0],
    ]);
    const listed = pages.flatMap((page) => page.Resources.map((user: { id: string }) => user.id));
    expect(listed.sort()).toEqual(ids.slice(0, 4).sort());
  });

  it('lists every domain that has users for a token of all domains', async () => {
    // Prepare
    const all = await w.token('okta-all', '*');
    const byDomain = await Promise.all(
      [['example.org'], ['a.example', 'b.example']].map(async (domains) => {
        const page = await w.scim('GET', '/Users?count=0', await w.token('okta-count', domains));
        return page.json.totalResults as number;
      }),
    );

    // Act
    const res = await w.scim('GET', '/Users?count=0', all);

    // Assess
    expect(res.status).toBe(200);
    expect(byDomain[1]).toBe(4);
    expect(res.json).toMatchObject({ totalResults: byDomain[0]! + byDomain[1]!, itemsPerPage: 0, Resources: [] });
  });
});

/** The events published for the account once there are `count` of them (the publisher runs on the stream). */
async function waitForEvents(w: ScimWorld, accountId: string, count: number) {
  const { eventually } = await import('./world');
  return eventually(async () => {
    const events = await w.events(accountId);
    return events.length >= count ? events : undefined;
  });
}
