/**
 * What the SCIM routes refuse, always with the SCIM error schema and the right scimType, never a 5xx, and
 * changing nothing: tokens (401/403 checked in the function), addresses outside the token's domains (404
 * to read, 403 to create), bad filters, unknown attributes, malformed PATCHes, stale If-Match.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths';
import { address, scimWorld, type ScimWorld } from './world';

const run = promisify(execFile);
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const scimError = (status: number, scimType?: string) => ({
  schemas: [ERROR],
  status: String(status),
  ...(scimType === undefined ? {} : { scimType }),
  detail: expect.any(String),
});

describe('SCIM refusals', () => {
  let w: ScimWorld;
  let token: string;
  let id: string;
  let otherId: string;
  const userName = address();
  const otherUserName = address('other.org');

  beforeAll(async () => {
    w = await scimWorld();
    token = await w.token('okta-connection', ['example.org']);
    const other = await w.token('other-connection', ['other.org']);
    id = (await w.scim('POST', '/Users', token, { schemas: [USER], userName, active: true })).json.id;
    otherId = (await w.scim('POST', '/Users', other, { schemas: [USER], userName: otherUserName })).json.id;
    await w.settled(id, (a) => a.status === 'active');
  });
  afterAll(() => w.close());

  /** Asserts that the account is as it was (version and history length). */
  async function unchanged(accountId: string, action: () => Promise<unknown>): Promise<void> {
    const before = await w.store.get(accountId);
    const history = (await w.history(accountId)).length;
    await action();
    expect(await w.store.get(accountId)).toMatchObject({ version: before?.version, status: before?.status });
    expect(await w.history(accountId)).toHaveLength(history);
  }

  describe('authentication in the function', () => {
    it('answers no token 401 with the SCIM body and WWW-Authenticate', async () => {
      const res = await w.scim('GET', '/Users', null);

      expect(res.status).toBe(401);
      expect(res.json).toEqual(scimError(401));
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('answers an expired, a foreign-audience and a tampered token 401', async () => {
      const expired = await w.stack.token(
        { sub: 'okta-connection', scope: 'scim:provision', domains: 'example.org' },
        { now: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 60 },
      );
      const foreign = await w.stack.token(
        { sub: 'okta-connection', scope: 'scim:provision', domains: 'example.org' },
        { audience: 'another-api' },
      );
      const tampered = `${token.slice(0, -4)}AAAA`;

      const answers = await Promise.all([expired, foreign, tampered].map((t) => w.scim('GET', '/Users', t)));

      expect(answers.map((res) => [res.status, res.json.status])).toEqual(Array(3).fill([401, '401']));
    });

    it('answers a token without the scim:provision scope 403, and one without domains 403', async () => {
      const admin = await w.stack.token({ sub: 'admin', scope: 'accounts:admin', domains: '*' });
      const noDomains = await w.stack.token({ sub: 'okta-connection', scope: 'scim:provision' } as never);

      const [byAdmin, byNoDomains] = await Promise.all([
        w.scim('GET', `/Users/${id}`, admin),
        w.scim('GET', `/Users/${id}`, noDomains),
      ]);

      expect([byAdmin.status, byNoDomains.status]).toEqual([403, 403]);
      expect(byNoDomains.json.detail).toMatch(/domains/);
    });

    it('accepts the scope in an scp array claim, as Entra and Okta issue it', async () => {
      const scp = await w.stack.token({
        sub: 'entra-app',
        scope: '',
        scp: ['scim:provision'],
        domains: ['example.org'],
      });

      const res = await w.scim('GET', `/Users/${id}`, scp);

      expect(res.status).toBe(200);
    });
  });

  it('accepts the token `npm run token -- --scope scim:provision --domains example.org --ttl 365d` prints', async () => {
    // Prepare
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'token', '--', '--scope', 'scim:provision', '--domains', 'example.org', '--ttl', '365d'],
      { cwd: REPO_ROOT, env: { ...process.env, LOCAL_DIR: w.stack.paths.dir }, timeout: 60_000 },
    );
    const printed = stdout.trim().split('\n').at(-1) ?? '';
    const [, payload = ''] = printed.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp: number;
      iat: number;
      sub: string;
    };

    // Act
    const res = await w.scim('PATCH', `/Users/${id}`, printed, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed Locally' }],
    });

    // Assess
    expect(claims.exp - claims.iat).toBe(365 * 86_400);
    expect(res.status).toBe(200);
    expect((await w.history(id)).at(-1)).toMatchObject({ action: 'rename', actor: 'scim-local' });
  });

  describe('domains', () => {
    it('reads a user of another domain as 404, by id and by filter, and never changes it', async () => {
      await unchanged(otherId, async () => {
        const byId = await w.scim('GET', `/Users/${otherId}`, token);
        const byFilter = await w.scim(
          'GET',
          `/Users?filter=${encodeURIComponent(`userName eq "${otherUserName}"`)}`,
          token,
        );
        const patched = await w.scim('PATCH', `/Users/${otherId}`, token, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', value: { active: false } }],
        });
        const deleted = await w.scim('DELETE', `/Users/${otherId}`, token);

        expect([byId.status, patched.status, deleted.status]).toEqual([404, 404, 404]);
        expect(byFilter.json.totalResults).toBe(0);
      });
    });

    it('refuses to create a user of another domain with 403', async () => {
      const res = await w.scim('POST', '/Users', token, { schemas: [USER], userName: address('other.org') });

      expect(res.status).toBe(403);
      expect(res.json).toEqual(scimError(403));
    });

    it('answers an id that is no account id 404, not 400', async () => {
      const res = await w.scim('GET', '/Users/not-an-account-id', token);

      expect(res.status).toBe(404);
    });
  });

  describe('bad input', () => {
    it.each([
      ['an unsupported operator', 'userName sw "user"'],
      ['a missing value', 'userName eq'],
      ['an attribute that cannot be filtered on', 'title eq "Boss"'],
      ['not', 'not (userName eq "a@example.org")'],
      ['garbage', ')))'],
    ])('answers a filter with %s 400 invalidFilter', async (_what, expression) => {
      const res = await w.scim('GET', `/Users?filter=${encodeURIComponent(expression)}`, token);

      expect(res.status).toBe(400);
      expect(res.json).toEqual(scimError(400, 'invalidFilter'));
    });

    it('answers a startIndex that is no integer 400 invalidValue', async () => {
      const res = await w.scim('GET', '/Users?startIndex=first', token);

      expect(res.json).toEqual(scimError(400, 'invalidValue'));
    });

    it.each([
      ['an attribute no User schema has', 'invalidValue', { schemas: [USER], userName: address(), colour: 'blue' }],
      ['no userName', 'invalidValue', { schemas: [USER], active: true }],
      ['a userName that is no address', 'invalidValue', { schemas: [USER], userName: 'Test_User_1' }],
      ['active that is no boolean', 'invalidValue', { schemas: [USER], userName: address(), active: 'maybe' }],
      ['a body that is not an object', 'invalidSyntax', [1, 2]],
      ['a body that is not JSON', 'invalidSyntax', '{"userName": '],
    ])('answers a POST with %s 400 %s, creating nothing', async (_what, scimType, body) => {
      const before = await w.scim('GET', '/Users?count=0', token);

      const res = await w.scim('POST', '/Users', token, body);

      expect(res.status).toBe(400);
      expect(res.json).toEqual(scimError(400, scimType));
      expect((await w.scim('GET', '/Users?count=0', token)).json.totalResults).toBe(before.json.totalResults);
    });

    it.each([
      ['no Operations', 'invalidSyntax', { schemas: [PATCH_OP] }],
      [
        'an unknown op',
        'invalidSyntax',
        { schemas: [PATCH_OP], Operations: [{ op: 'frob', path: 'active', value: false }] },
      ],
      [
        'a path naming no attribute',
        'invalidPath',
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'fooBar', value: 1 }] },
      ],
      [
        'an unfinished value filter',
        'invalidSyntax',
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] },
      ],
      ['a remove without a path', 'noTarget', { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }],
      ['no PatchOp schema', 'invalidSyntax', { Operations: [{ op: 'replace', path: 'active', value: false }] }],
      [
        'a path-less value with an unknown attribute',
        'invalidValue',
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { shoeSize: 44 } }] },
      ],
      [
        'active that is no boolean',
        'invalidValue',
        { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'Nope' }] },
      ],
    ])('answers a PATCH with %s 400 %s, changing nothing', async (_what, scimType, body) => {
      await unchanged(id, async () => {
        const res = await w.scim('PATCH', `/Users/${id}`, token, body);

        expect(res.status).toBe(400);
        expect(res.json).toEqual(scimError(400, scimType));
      });
    });

    it('answers a body that is not JSON-typed 415 with the SCIM body', async () => {
      const res = await w.scim('POST', '/Users', token, 'userName=a', { 'content-type': 'text/plain' });

      expect(res.status).toBe(415);
      expect(res.json).toEqual(scimError(415));
    });

    it('answers a body over 16 KiB 413 with the SCIM body', async () => {
      const res = await w.scim('POST', '/Users', token, {
        schemas: [USER],
        userName: address(),
        title: 'x'.repeat(17_000),
      });

      expect(res.status).toBe(413);
      expect(res.json).toEqual(scimError(413));
    });

    it('answers a stale If-Match 412 and changes nothing', async () => {
      await unchanged(id, async () => {
        const res = await w.scim(
          'PATCH',
          `/Users/${id}`,
          token,
          { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
          { 'if-match': '"1"' },
        );

        expect(res.status).toBe(412);
        expect(res.json).toEqual(scimError(412));
      });
    });

    it('never answers garbage with a 5xx', async () => {
      const bodies = [
        null,
        0,
        'x',
        [],
        {},
        { Operations: null },
        { Operations: [null] },
        { Operations: [{ op: 1 }] },
        { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'name', value: 'not an object' }] },
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: { deep: [1] } }] },
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'externalId', value: 12 }] },
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name.givenName', value: 'x'.repeat(300) }] },
      ];

      const answers = await Promise.all([
        ...bodies.map((body) => w.scim('PATCH', `/Users/${id}`, token, JSON.stringify(body))),
        ...bodies.map((body) => w.scim('PUT', `/Users/${id}`, token, JSON.stringify(body))),
        ...bodies.map((body) => w.scim('POST', '/Users', token, JSON.stringify(body))),
      ]);

      expect(answers.filter((res) => res.status >= 500)).toEqual([]);
      expect(answers.every((res) => res.status === 400 && res.json.schemas[0] === ERROR)).toBe(true);
    });
  });
});
