/**
 * The error answers of SPEC §4 — 400, 401, 403, 404, 409, 412, 413, 415 (422 in idempotency.test.ts) —
 * as whole problem+json responses, and the order in which they are checked, through the local HTTP server
 * (API Gateway's router and JWT authorizer in front of the real handlers). Every refused request changes
 * nothing. What the functions answer to requests API Gateway stops first is in defences.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerApi } from '../../helpers/api';
import { admin, claims, platform, reader, signClaims, testSigningKey, writer } from '../../helpers/tokens';
import { accountIn, createAccount, email, snapshot, world, type World } from './fixtures';

const PROBLEM = 'application/problem+json';
const type = (name: string) => `urn:mailbox-lifecycle:problem:${name}`;
const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
/** A status body of exactly `bytes` bytes as JSON. */
const big = (bytes: number) => ({
  status: 'locked',
  reason: 'x'.repeat(bytes - '{"status":"locked","reason":""}'.length),
});

let w: World<ServerApi>;
let id: string;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world();
  id = await createAccount(w);
});

/** Runs `request` against a fresh active account and asserts that it changed nothing. */
async function unchanged(accountId: string, request: () => Promise<{ status: number }>): Promise<number> {
  const before = await snapshot(w, accountId);
  const { status } = await request();
  expect(await snapshot(w, accountId)).toEqual(before);
  return status;
}

describe('401: no or bad token', () => {
  /** API Gateway's own 401: the function never runs (its answers carry X-Request-Id). */
  const refusedByAuthorizer = (res: { status: number; headers: Record<string, string>; json: unknown }) => {
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthorized' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(res.headers['x-request-id']).toBeUndefined();
  };

  it('without a token: 401 from the authorizer, nothing changes', async () => {
    const status = await unchanged(id, async () => {
      const res = await w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, body: { status: 'locked' } });
      refusedByAuthorizer(res);
      return res;
    });
    expect(status).toBe(401);
  });

  it.each([
    ['garbage', async () => 'not.a.token'],
    ['expired', () => w.api.token(admin('*'), { now: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 3600 })],
    ['for another audience', () => w.api.token(admin('*'), { audience: 'someone-else' })],
    ['from another issuer', () => w.api.token(admin('*'), { issuer: 'https://issuer.example' })],
    ['signed by another key', async () => signClaims(await testSigningKey(), admin('*'))],
  ])('with a token that is %s: 401 from the authorizer', async (_name, token) => {
    const res = await w.api.request({
      method: 'GET',
      path: `/accounts/${id}`,
      headers: { authorization: `Bearer ${await token()}` },
    });
    refusedByAuthorizer(res);
  });

  // Signed tokens the authorizer accepts, whose claims the function cannot use.
  it.each([
    ['no sub', { scope: 'accounts:read', domains: '*' }],
    ['empty sub', { sub: ' ', scope: 'accounts:read', domains: '*' }],
    ['garbage domains', { sub: 'x', scope: 'accounts:read', domains: '[a.org' }],
    ['a domains object', { sub: 'x', scope: 'accounts:read', domains: '{"a":1}' }],
    ['a domain with a path', { sub: 'x', scope: 'accounts:read', domains: 'a.org/evil' }],
  ])('with unusable claims (%s): 401', async (_name, raw) => {
    const res = await w.api.request({ method: 'GET', path: `/accounts/${id}`, claims: raw });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json).toEqual({
      type: type('unauthorized'),
      title: 'Unauthorized',
      status: 401,
      detail: 'A valid bearer token is required.',
    });
  });
});

describe('403: scope and domain', () => {
  it('the route scope missing: 403 naming the scope', async () => {
    const status = await unchanged(id, async () => {
      const res = await w.api.request({
        method: 'PUT',
        path: `/accounts/${id}/status`,
        claims: reader('*'),
        body: { status: 'locked' },
      });
      expect(res.json).toEqual({
        type: type('scope-required'),
        title: 'Forbidden',
        status: 403,
        detail: 'This request needs the accounts:write scope.',
      });
      expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="accounts:write"');
      return res;
    });
    expect(status).toBe(403);
  });

  it('a target that needs accounts:admin (active → pending): 403 with the allowed targets', async () => {
    const status = await unchanged(id, async () => {
      const res = await w.api.request({
        method: 'PUT',
        path: `/accounts/${id}/status`,
        claims: writer('*'),
        body: { status: 'pending' },
      });
      expect(res.json).toMatchObject({
        type: type('scope-required'),
        status: 403,
        allowed: expect.not.arrayContaining(['pending']),
      });
      expect(res.json.allowed).toContain('locked');
      return res;
    });
    expect(status).toBe(403);
  });

  it('creating in a domain the caller does not administer: 403, nothing created', async () => {
    const address = email('b.org');
    const res = await w.api.request({
      method: 'POST',
      path: '/accounts',
      claims: writer(['a.org']),
      body: { email: address },
    });
    expect(res.status).toBe(403);
    expect(res.json.type).toBe(type('domain-forbidden'));
    expect(await w.store.access(address)).toBeNull();
  });

  it('listing a domain the caller does not administer: 403', async () => {
    const res = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: 'b.org' },
      claims: reader(['a.org']),
    });
    expect(res.status).toBe(403);
  });
});

describe("404: unknown account or one outside the caller's domains", () => {
  it('a well-formed unknown id: 404', async () => {
    const res = await w.api.request({ method: 'GET', path: `/accounts/${UNKNOWN}`, claims: reader('*') });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ type: type('not-found'), title: 'Not Found', status: 404, detail: 'No such account.' });
  });

  it('an account of another domain answers exactly like an unknown one', async () => {
    const other = await w.api.request({ method: 'GET', path: `/accounts/${id}`, claims: reader(['b.org']) });
    const unknown = await w.api.request({ method: 'GET', path: `/accounts/${UNKNOWN}`, claims: reader(['b.org']) });
    expect(other.status).toBe(404);
    expect(other.json).toEqual(unknown.json);
  });

  it('an unknown address at /access and /login-events: 404', async () => {
    const access = await w.api.request({
      method: 'GET',
      path: '/access',
      query: { email: 'nobody@a.org' },
      claims: platform(),
    });
    const login = await w.api.request({
      method: 'POST',
      path: '/login-events',
      claims: platform(),
      body: { email: 'nobody@a.org', outcome: 'success' },
    });
    expect([access.status, login.status]).toEqual([404, 404]);
  });

  it("an unknown route: API Gateway's 404, before any token check", async () => {
    const res = await w.api.request({ method: 'GET', path: `/accounts/${id}/nothing` });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message: 'Not Found' });
  });
});

describe('409: transition not allowed, duplicate email, lost race', () => {
  it('a transition the table does not allow: 409 with the allowed targets', async () => {
    const accountId = await accountIn(w, 'disabled');
    const status = await unchanged(accountId, async () => {
      const res = await w.api.request({
        method: 'PUT',
        path: `/accounts/${accountId}/status`,
        claims: admin('*'),
        body: { status: 'locked' },
      });
      expect(res.json).toMatchObject({
        type: type('transition-refused'),
        status: 409,
        allowed: ['active', 'closed', 'deleted'],
      });
      return res;
    });
    expect(status).toBe(409);
  });

  it('anything but its own target while in progress: 409 with no allowed targets', async () => {
    const accountId = await createAccount(w);
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: admin('*'),
      body: { status: 'disabled' },
    });
    const status = await unchanged(accountId, async () => {
      const res = await w.api.request({
        method: 'PUT',
        path: `/accounts/${accountId}/status`,
        claims: admin('*'),
        body: { status: 'locked' },
      });
      expect(res.json.allowed).toEqual([]);
      return res;
    });
    expect(status).toBe(409);
  });

  it('deleting an account in progress towards something else, or purged: 409', async () => {
    const migrating = await createAccount(w);
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${migrating}/status`,
      claims: admin('*'),
      body: { status: 'migration_pending' },
    });
    const purged = await accountIn(w, 'deleted_permanent');
    for (const accountId of [migrating, purged]) {
      expect(
        await unchanged(accountId, () =>
          w.api.request({ method: 'DELETE', path: `/accounts/${accountId}`, claims: admin('*') }),
        ),
      ).toBe(409);
    }
  });

  it('retry or cancel with nothing in progress, marking a deleted account as leaver: 409', async () => {
    const deleted = await accountIn(w, 'deleted');
    const requests = [
      { method: 'POST', path: `/accounts/${id}/in-progress/retry` },
      { method: 'POST', path: `/accounts/${id}/in-progress/cancel` },
      { method: 'PUT', path: `/accounts/${deleted}/leaver` },
    ];
    for (const request of requests) {
      const accountId = request.path.includes(deleted) ? deleted : id;
      expect(await unchanged(accountId, () => w.api.request({ ...request, claims: admin('*') }))).toBe(409);
    }
  });

  it('a duplicate email (in any case): 409, no second account', async () => {
    const address = email();
    await createAccount(w, { email: address });
    const res = await w.api.request({
      method: 'POST',
      path: '/accounts',
      claims: admin('*'),
      body: { email: address.toUpperCase() },
    });
    expect(res.status).toBe(409);
    expect(res.json.type).toBe(type('duplicate-email'));
    const list = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: 'a.org', limit: '200' },
      claims: admin('*'),
    });
    expect(list.json.items.filter((a: { email: string }) => a.email === address)).toHaveLength(1);
  });
});

describe('412: If-Match stale', () => {
  it('a stale version: 412, nothing changes', async () => {
    const accountId = await createAccount(w);
    await w.api.request({
      method: 'PATCH',
      path: `/accounts/${accountId}`,
      claims: writer(['a.org']),
      body: { displayName: 'one' },
    });
    const status = await unchanged(accountId, async () => {
      const res = await w.api.request({
        method: 'PUT',
        path: `/accounts/${accountId}/status`,
        claims: writer(['a.org']),
        headers: { 'If-Match': '"2"' },
        body: { status: 'locked' },
      });
      expect(res.json.type).toBe(type('precondition-failed'));
      return res;
    });
    expect(status).toBe(412);
  });

  it('PATCH honours If-Match too', async () => {
    const accountId = await createAccount(w);
    const status = await unchanged(accountId, () =>
      w.api.request({
        method: 'PATCH',
        path: `/accounts/${accountId}`,
        claims: writer(['a.org']),
        headers: { 'if-match': '"1"' },
        body: { displayName: 'x' },
      }),
    );
    expect(status).toBe(412);
  });
});

describe('If-Match follows RFC 9110 on every route that changes one account', () => {
  const version = async (accountId: string) => (await w.store.get(accountId))?.version as number;
  const lock = (accountId: string, ifMatch: string) =>
    w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      headers: { 'If-Match': ifMatch },
      body: { status: 'locked' },
    });

  it('a list of entity tags applies when one matches', async () => {
    const accountId = await createAccount(w);
    const res = await lock(accountId, `"0", "${await version(accountId)}"`);
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('locked');
  });

  it.each(['W/"{v}"', '"{v}-other"', ' , W/"{v}" ,'])('%s never matches (strong comparison): 412', async (tag) => {
    const accountId = await createAccount(w);
    const ifMatch = tag.replaceAll('{v}', String(await version(accountId)));
    const res = await unchanged(accountId, () => lock(accountId, ifMatch));
    expect(res).toBe(412);
  });

  it('* applies whatever the version', async () => {
    const accountId = await createAccount(w);
    expect((await lock(accountId, '*')).status).toBe(200);
  });

  it.each([
    ['PUT', '/leaver', { reason: 'stale' }],
    ['DELETE', '/leaver', undefined],
    ['DELETE', '', undefined],
    ['POST', '/in-progress/retry', undefined],
    ['POST', '/in-progress/cancel', undefined],
  ])('%s /accounts/{id}%s with a stale If-Match: 412, nothing changes', async (method, suffix, body) => {
    const accountId = await createAccount(w);
    const stale = `"${(await version(accountId)) + 7}"`;
    const status = await unchanged(accountId, async () => {
      const res = await w.api.request({
        method,
        path: `/accounts/${accountId}${suffix}`,
        claims: admin(['a.org']),
        headers: { 'If-Match': stale },
        ...(body === undefined ? {} : { body }),
      });
      expect(res.json.type).toBe(type('precondition-failed'));
      return res;
    });
    expect(status).toBe(412);
  });
});

describe('413 and 415', () => {
  it('a body over 16 KiB: 413', async () => {
    const status = await unchanged(id, () =>
      w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, claims: writer('*'), body: big(16_385) }),
    );
    expect(status).toBe(413);
  });

  it('a body of exactly 16 KiB is read (and here invalid: 400)', async () => {
    const body = JSON.stringify(big(16_384));
    expect(Buffer.byteLength(body)).toBe(16_384);
    const res = await w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, claims: writer('*'), body });
    expect(res.status).toBe(400);
  });

  it('a base64-encoded body is measured decoded', async () => {
    // API Gateway base64-encodes a +json body (not one of its text types); 16 KiB is 21,848 bytes in base64.
    const put = (body: unknown) =>
      w.api.request({
        method: 'PUT',
        path: `/accounts/${id}/status`,
        claims: writer('*'),
        base64: true,
        headers: { 'content-type': 'application/merge-patch+json' },
        body,
      });
    const small = await put({ status: 'active' });
    const full = await put(big(16_384));
    const large = await put(big(16_385));
    expect([small.status, full.status, large.status]).toEqual([200, 400, 413]);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/json; charset=latin1']])(
    'a body sent as %s: 415',
    async (contentType) => {
      const status = await unchanged(id, () =>
        w.api.request({
          method: 'PUT',
          path: `/accounts/${id}/status`,
          claims: writer('*'),
          headers: { 'Content-Type': contentType },
          body: { status: 'locked' },
        }),
      );
      expect(status).toBe(415);
    },
  );

  it('application/json with charset utf-8 and +json types are JSON', async () => {
    for (const contentType of ['application/json; charset=UTF-8', 'application/merge-patch+json']) {
      const res = await w.api.request({
        method: 'PATCH',
        path: `/accounts/${id}`,
        claims: writer('*'),
        headers: { 'content-type': contentType },
        body: { displayName: contentType },
      });
      expect(res.status).toBe(200);
    }
  });
});

describe('the order of the checks (SPEC §4)', () => {
  const noScope = claims({ sub: 'nobody', scopes: [], domains: '*' });

  it('401 before 413', async () => {
    const res = await w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, body: big(20_000) });
    expect(res.status).toBe(401);
  });

  it('413 before 415', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${id}/status`,
      claims: writer('*'),
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(20_000),
    });
    expect(res.status).toBe(413);
  });

  it('415 before 403 (route scope)', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${id}/status`,
      claims: noScope,
      headers: { 'content-type': 'text/plain' },
      body: 'status=locked',
    });
    expect(res.status).toBe(415);
  });

  it('403 (route scope) before 400', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: '/accounts/not-an-id/status',
      claims: noScope,
      body: { status: 'bogus' },
    });
    expect(res.status).toBe(403);
  });

  it('400 before 404', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${UNKNOWN}/status`,
      claims: writer('*'),
      body: { status: 'bogus' },
    });
    expect(res.status).toBe(400);
  });

  it('404 before 403 (target scope)', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${UNKNOWN}/status`,
      claims: writer('*'),
      body: { status: 'pending' },
    });
    expect(res.status).toBe(404);
  });

  it('403 (target scope) before 412', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${id}/status`,
      claims: writer('*'),
      headers: { 'if-match': '"999"' },
      body: { status: 'pending' },
    });
    expect(res.status).toBe(403);
  });

  it('412 before 409', async () => {
    const accountId = await accountIn(w, 'disabled');
    const res = await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer('*'),
      headers: { 'if-match': '"999"' },
      body: { status: 'locked' },
    });
    expect(res.status).toBe(412);
  });
});

describe('tokens and query strings (SPEC §4)', () => {
  it('a token without a domains claim: 403 naming the claim, for the platform and administrators alike', async () => {
    const address = email();
    await createAccount(w, { email: address });
    const noDomains = { sub: 'mta', scope: 'access:check login:report accounts:admin' };

    const access = await w.api.request({
      method: 'GET',
      path: '/access',
      query: { email: address },
      claims: noDomains,
    });
    const login = await unchanged(id, async () =>
      w.api.request({
        method: 'POST',
        path: '/login-events',
        claims: noDomains,
        body: { email: address, outcome: 'failure' },
      }),
    );
    const list = await w.api.request({
      method: 'GET',
      path: '/accounts',
      query: { domain: 'a.org' },
      claims: noDomains,
    });

    for (const res of [access, list]) {
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ type: type('claim-required'), status: 403 });
      expect(res.json.detail).toContain('domains claim');
    }
    expect(login).toBe(403);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'a query parameter named %s is refused like any unknown one: 400',
    async (name) => {
      const res = await w.api.request({
        method: 'GET',
        path: `/accounts?domain=a.org&${name}=x`,
        claims: reader(['a.org']),
      });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ path: `query.${name}`, message: 'is not a known field' }]);
    },
  );

  it.each(['/status-model?v=1', '/openapi.json?v=2&cache=bust', '/status-model?__proto__=x'])(
    'the public route %s ignores its query string: 200',
    async (path) => {
      const res = await w.api.request({ method: 'GET', path });
      expect(res.status).toBe(200);
    },
  );
});
