/**
 * The administrator's routes of SPEC §4 through the real local server and handlers on DynamoDB Local:
 * GET /domains, GET /domains/{domain}/summary, GET /accounts?q=, GET /sweeps/{sweep}/preview — for one
 * domain, several and `*`, with the same authorization, problem responses and cursor rules as the others.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../../shared/sweeps/sweep';
import { admin, reader, writer } from '../../helpers/tokens';
import { complete, snapshot, world, type World } from '../http/fixtures';
import { recordingAlerts } from '../sweeps/world';

const DAY = 86_400_000;

let w: World;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world();
});

const newDomain = (): string => `${ulid().toLowerCase()}.example`;

async function create(domain: string, local: string, displayName: string | null, activate = true): Promise<string> {
  const res = await w.api.request({
    method: 'POST',
    path: '/accounts',
    claims: admin([domain]),
    body: { email: `${local}@${domain}`, displayName, activate },
  });
  if (res.status !== 201 && res.status !== 202) throw new Error(`create answered ${res.status}: ${res.body}`);
  if (activate) await complete(w, res.json.accountId);
  return res.json.accountId as string;
}

/** Every page of a GET, following nextCursor. */
async function allPages(path: string, query: Record<string, string>, claims = reader('*')) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await w.api.request({
      method: 'GET',
      path,
      query: { ...query, ...(cursor ? { cursor } : {}) },
      claims,
    });
    expect(res.status, res.body).toBe(200);
    items.push(...res.json.items);
    cursor = res.json.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { items, pages };
}

describe('GET /domains and GET /domains/{domain}/summary', () => {
  it("answer the caller's domains with their sizes, and a summary equal to what listing returns", async () => {
    // Prepare: two domains; changes through the API, a bulk change among them.
    const [d1, d2, empty] = [newDomain(), newDomain(), newDomain()];
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => create(d1, `user${i}`, `User ${i}`)));
    await create(d1, 'waiting', null, false);
    await create(d2, 'other', null);
    const bulk = await w.api.request({
      method: 'POST',
      path: '/accounts/bulk-status',
      claims: writer([d1]),
      body: { accountIds: ids.slice(0, 3), status: 'locked' },
    });
    expect(bulk.status).toBe(200);
    await w.api.request({ method: 'PUT', path: `/accounts/${ids[3]}/leaver`, claims: writer([d1]), body: {} });
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${ids[4]}/status`,
      claims: writer([d1]),
      body: { status: 'disabled' },
    });

    // Act
    const mine = await w.api.request({ method: 'GET', path: '/domains', claims: reader([d2, d1, empty]) });
    const all = await w.api.request({ method: 'GET', path: '/domains', claims: reader('*') });
    const summary = await w.api.request({
      method: 'GET',
      path: `/domains/${d1.toUpperCase()}/summary`,
      claims: reader([d1]),
    });
    const listed = await allPages('/accounts', { domain: d1 });

    // Assess
    expect(mine.status).toBe(200);
    expect(mine.json.items).toEqual(
      [
        { domain: d1, accounts: 6 },
        { domain: d2, accounts: 1 },
        { domain: empty, accounts: 0 },
      ].sort((a, b) => a.domain.localeCompare(b.domain)),
    );
    expect(all.json.items).toEqual(
      expect.arrayContaining([
        { domain: d1, accounts: 6 },
        { domain: d2, accounts: 1 },
      ]),
    );
    expect(all.json.items.map((d: { domain: string }) => d.domain)).not.toContain(empty);
    expect(summary.status).toBe(200);
    const byStatus: Record<string, number> = {};
    for (const a of listed.items) byStatus[a.status as string] = (byStatus[a.status as string] ?? 0) + 1;
    expect(summary.json).toMatchObject({
      domain: d1,
      accounts: listed.items.length,
      leavers: listed.items.filter((a) => a.leaver !== null).length,
      inProgress: listed.items.filter((a) => a.inProgress !== null).length,
      stuck: 0,
    });
    expect(Object.fromEntries(Object.entries(summary.json.byStatus).filter(([, n]) => n !== 0))).toEqual(byStatus);
    expect(summary.json.byStatus).toMatchObject({ locked: 3, disabling: 1, active: 1, pending: 1 });
  });

  it('count exactly under many concurrent requests: creates, racing status changes and deletes', async () => {
    // Prepare
    const d = newDomain();
    const claims = admin([d]);
    const status = (id: string, target: string) =>
      w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, claims, body: { status: target } });

    // Act: 30 creates at once (20 provisioned by the worker), then 4 racing changes of each, then 10 deletes at once.
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        w.api.request({
          method: 'POST',
          path: '/accounts',
          claims,
          body: { email: `c${i}@${d}`, activate: i % 3 !== 0 },
        }),
      ),
    );
    const ids = created.map((r) => r.json.accountId as string);
    await Promise.all(ids.filter((_, i) => i % 3 !== 0).map((id) => complete(w, id)));
    const raced = await Promise.all(
      ids.flatMap((id) => ['locked', 'maintenance', 'closed', 'locked'].map((t) => status(id, t))),
    );
    const deleted = await Promise.all(
      ids.slice(0, 10).map((id) => w.api.request({ method: 'DELETE', path: `/accounts/${id}`, claims })),
    );
    const summary = await w.api.request({ method: 'GET', path: `/domains/${d}/summary`, claims: reader([d]) });
    const listed = await allPages('/accounts', { domain: d });

    // Assess
    expect(created.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(20).fill(202)]);
    expect(raced.every((r) => [200, 409].includes(r.status))).toBe(true);
    expect(raced.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
    expect(deleted.every((r) => [200, 202, 409].includes(r.status))).toBe(true);
    const byStatus: Record<string, number> = {};
    for (const a of listed.items) byStatus[a.status as string] = (byStatus[a.status as string] ?? 0) + 1;
    expect(summary.json.accounts).toBe(30);
    expect(Object.fromEntries(Object.entries(summary.json.byStatus).filter(([, n]) => n !== 0))).toEqual(byStatus);
    expect(summary.json.inProgress).toBe(listed.items.filter((a) => a.inProgress !== null).length);
  });

  it("refuse a domain outside the caller's (403), a malformed one (400), a missing scope (403), unknown parameters (400)", async () => {
    const outside = await w.api.request({ method: 'GET', path: '/domains/b.org/summary', claims: reader(['a.org']) });
    const malformed = await w.api.request({
      method: 'GET',
      path: '/domains/not_a_domain/summary',
      claims: reader('*'),
    });
    const scope = await w.api.request({
      method: 'GET',
      path: '/domains',
      claims: { sub: 'mta', scope: 'access:check', domains: '*' },
    });
    const unknown = await w.api.request({
      method: 'GET',
      path: '/domains',
      query: { constructor: 'x' },
      claims: reader('*'),
    });

    expect(outside.status).toBe(403);
    expect(outside.headers['content-type']).toBe('application/problem+json');
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toEqual([{ path: 'path.domain', message: 'must be a domain name' }]);
    expect(scope.status).toBe(403);
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([{ path: 'query.constructor', message: 'is not a known field' }]);
  });
});

describe('GET /accounts?q=', () => {
  let d: string;
  let ids: Record<string, string>;
  beforeAll(async () => {
    d = newDomain();
    ids = {
      jose: await create(d, 'j.alvarez', 'José Álvarez'),
      joseph: await create(d, 'joseph', 'Joseph Smith'),
      anna: await create(d, 'anna.k', 'Anna Karenina'),
      bob: await create(d, 'bob', 'Robert Jordan-Jones'),
      zoe: await create(d, 'zoe', 'Zoë Jolie'),
      none: await create(d, 'x1', null),
    };
  });

  const search = async (q: string, extra: Record<string, string> = {}) =>
    (await allPages('/accounts', { domain: d, q, ...extra })).items.map((a) => a.accountId).sort();

  it('finds by a prefix of the local part, of the whole address, or of any word of the name; case- and accent-insensitive', async () => {
    expect(await search('jose')).toEqual([ids.jose, ids.joseph].sort());
    expect(await search('JOSÉ')).toEqual([ids.jose, ids.joseph].sort());
    expect(await search('alv')).toEqual([ids.jose]);
    expect(await search('j.al')).toEqual([ids.jose]);
    expect(await search(`anna.k@${d}`)).toEqual([ids.anna]);
    expect(await search('jo')).toEqual([ids.jose, ids.joseph, ids.bob, ids.zoe].sort());
    expect(await search('zoe')).toEqual([ids.zoe]);
    expect(await search('jones')).toEqual([ids.bob]);
    expect(await search('nobody')).toEqual([]);
  });

  it('returns each match once across short pages (limit=1), and combines with the other filters', async () => {
    const paged = await allPages('/accounts', { domain: d, q: 'jo', limit: '1' });
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${ids.zoe}/status`,
      claims: writer([d]),
      body: { status: 'locked' },
    });

    expect(paged.items.map((a) => a.accountId).sort()).toEqual([ids.jose, ids.joseph, ids.bob, ids.zoe].sort());
    expect(new Set(paged.items.map((a) => a.accountId)).size).toBe(paged.items.length);
    expect(await search('jo', { status: 'locked' })).toEqual([ids.zoe]);
    expect(await search('jo', { status: 'active', leaver: 'false' })).toEqual([ids.jose, ids.joseph, ids.bob].sort());
  });

  it('finds a renamed account by its new name only, and a purged one never', async () => {
    const id = await create(d, 'temp', 'Old Name');
    await w.api.request({
      method: 'PATCH',
      path: `/accounts/${id}`,
      claims: writer([d]),
      body: { displayName: 'Fresh Label' },
    });
    expect(await search('old')).toEqual([]);
    expect(await search('fresh')).toEqual([id]);
  });

  it('refuses a cursor replayed into another query or domain (400), and a blank q (400)', async () => {
    const first = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: d, q: 'jo', limit: '1' },
      claims: reader([d, 'a.org']),
    });
    const cursor = first.json.nextCursor as string;
    const otherQuery = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: d, q: 'an', cursor },
      claims: reader([d]),
    });
    const otherDomain = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: 'a.org', q: 'jo', cursor },
      claims: reader([d, 'a.org']),
    });
    const listing = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: d, cursor },
      claims: reader([d]),
    });
    const blank = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: d, q: '  ' },
      claims: reader([d]),
    });
    const accentOnly = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: d, q: '\u0301' },
      claims: reader([d]),
    });

    expect(cursor).toEqual(expect.any(String));
    for (const res of [otherQuery, otherDomain, listing]) {
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ path: 'query.cursor', message: 'is not a cursor of this listing' }]);
    }
    expect(blank.status).toBe(400);
    expect(accentOnly.status).toBe(400);
    expect(accentOnly.json.errors).toEqual([{ path: 'query.q', message: 'must contain a letter or digit' }]);
  });
});

describe('GET /sweeps/{sweep}/preview', () => {
  it('lists exactly what the sweep changes at until, changing nothing', async () => {
    // Prepare: three active accounts and one locked by an administrator (not an inactivity candidate).
    const d = newDomain();
    const active = await Promise.all(['a', 'b', 'c'].map((l) => create(d, l, null)));
    const locked = await create(d, 'locked', null);
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${locked}/status`,
      claims: writer([d]),
      body: { status: 'locked' },
    });
    const until = new Date(Date.now() + 31 * DAY).toISOString();
    const before = await Promise.all(active.map((id) => snapshot(w, id)));

    // Act: preview page by page, then the sweep at the same now.
    const preview = await allPages('/sweeps/inactivity/preview', { domain: d, until, limit: '2' }, reader([d]));
    const notYet = await w.api.request({
      method: 'GET',
      path: '/sweeps/inactivity/preview',
      query: { domain: d },
      claims: reader([d]),
    });
    const after = await Promise.all(active.map((id) => snapshot(w, id)));
    await runSweep(
      {
        store: w.store,
        policy: w.table.config.policy,
        alerts: recordingAlerts(),
        clock: () => new Date(),
        config: w.table.config,
      },
      { sweep: 'inactivity', now: new Date(until), dryRun: false },
    );
    const changed = (await allPages('/accounts', { domain: d, status: 'inactive' }, reader([d]))).items.map(
      (a) => a.accountId,
    );

    // Assess
    expect(preview.items.map((i) => i.accountId).sort()).toEqual([...active].sort());
    for (const item of preview.items) {
      expect(item).toEqual({
        accountId: expect.any(String),
        email: expect.stringContaining(`@${d}`),
        displayName: null,
        status: 'active',
        dueAt: expect.any(String),
        to: 'inactive',
      });
      expect(Date.parse(item.dueAt as string)).toBeLessThanOrEqual(Date.parse(until));
    }
    expect(notYet.json).toEqual({ items: [], nextCursor: null });
    expect(after).toEqual(before);
    expect(changed.sort()).toEqual(preview.items.map((i) => i.accountId).sort());
  });

  it('previews the leaver sweep with the status it ends in, for a * caller without a domain too', async () => {
    const d = newDomain();
    const id = await create(d, 'leaving', 'Leaving Soon');
    await w.api.request({ method: 'PUT', path: `/accounts/${id}/leaver`, claims: writer([d]), body: {} });
    const until = new Date(Date.now() + 31 * DAY).toISOString();

    const one = await w.api.request({
      method: 'GET',
      path: '/sweeps/leaver/preview',
      query: { domain: d, until },
      claims: reader([d]),
    });
    const every = await allPages('/sweeps/leaver/preview', { until, limit: '50' }, reader('*'));

    expect(one.status).toBe(200);
    expect(one.json.items).toEqual([
      expect.objectContaining({ accountId: id, status: 'active', to: 'deleted', displayName: 'Leaving Soon' }),
    ]);
    expect(every.items).toContainEqual(one.json.items[0]);
  });

  it("requires a domain unless the caller has *, refuses others' domains, a year ahead, unknown sweeps and replayed cursors", async () => {
    const d = newDomain();
    await Promise.all(['a', 'b'].map((l) => create(d, l, null)));
    const until = new Date(Date.now() + 31 * DAY).toISOString();
    const page = await w.api.request({
      method: 'GET',
      path: '/sweeps/inactivity/preview',
      query: { domain: d, until, limit: '1' },
      claims: reader('*'),
    });
    const get = (sweep: string, query: Record<string, string>, claims = reader([d])) =>
      w.api.request({ method: 'GET', path: `/sweeps/${sweep}/preview`, query, claims });

    const noDomain = await get('inactivity', {});
    const outside = await get('inactivity', { domain: 'b.org' });
    const tooFar = await get('inactivity', { domain: d, until: new Date(Date.now() + 400 * DAY).toISOString() });
    const badSweep = await get('stuck', { domain: d });
    const replayed = await get('inactivity', {
      domain: d,
      until: new Date(Date.now() + 32 * DAY).toISOString(),
      cursor: page.json.nextCursor,
    });
    const otherSweep = await get('retention', { domain: d, until, cursor: page.json.nextCursor });

    expect(page.json.nextCursor).toEqual(expect.any(String));
    expect(noDomain.status).toBe(400);
    expect(noDomain.json.errors[0].path).toBe('query.domain');
    expect(outside.status).toBe(403);
    expect(tooFar.status).toBe(400);
    expect(tooFar.json.errors[0].path).toBe('query.until');
    expect(badSweep.status).toBe(400);
    expect(badSweep.json.errors[0].path).toBe('path.sweep');
    expect(replayed.status).toBe(400);
    expect(otherSweep.status).toBe(400);
  });
});
