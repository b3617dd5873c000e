/**
 * The authorization matrix: scopes × the caller's own or another domain × every route. A missing route
 * scope is 403 whatever the domain; with the scope, an account of another domain does not exist for the
 * caller (404) and creating or listing there is 403. Refused requests change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasScope, Scope } from '../../../shared/domain/transitions';
import { ROUTES, type Route } from '../../../shared/http/routes';
import type { ApiRequest } from '../../helpers/api';
import { admin, claims } from '../../helpers/tokens';
import { createAccount, email, snapshot, world, type World } from './fixtures';

const OWN = 'own.org';
const OTHER = 'other.org';

/** The scope sets tried: none, each administrator level, each platform scope. */
const SCOPE_SETS: Readonly<Record<string, readonly string[]>> = {
  none: [],
  read: [Scope.READ],
  write: [Scope.WRITE],
  admin: [Scope.ADMIN],
  loginReport: [Scope.LOGIN_REPORT],
  accessCheck: [Scope.ACCESS_CHECK],
};

/** What each route needs: an account (resting active, or in progress) and the request to send. */
interface Case {
  readonly target: 'active' | 'inProgress' | 'none';
  readonly request: (accountId: string, address: string) => Omit<ApiRequest, 'claims'>;
  /** The answer with the scope, in the caller's own domain. */
  readonly success: number;
  /** The answer with the scope, for an account (or domain) of another domain. */
  readonly elsewhere: number;
}

const CASES: Readonly<Record<string, Case>> = {
  createAccount: {
    target: 'none',
    success: 202,
    elsewhere: 403,
    request: (_id, address) => ({ method: 'POST', path: '/accounts', body: { email: address } }),
  },
  listAccounts: {
    target: 'none',
    success: 200,
    elsewhere: 403,
    request: (_id, address) => ({ method: 'GET', path: '/accounts', query: { domain: address.split('@')[1] ?? '' } }),
  },
  getAccount: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'GET', path: `/accounts/${id}` }),
  },
  renameAccount: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'PATCH', path: `/accounts/${id}`, body: { displayName: 'Renamed' } }),
  },
  setStatus: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'PUT', path: `/accounts/${id}/status`, body: { status: 'locked' } }),
  },
  bulkSetStatus: {
    target: 'active',
    success: 200,
    elsewhere: 200,
    request: (id) => ({ method: 'POST', path: '/accounts/bulk-status', body: { accountIds: [id], status: 'locked' } }),
  },
  markLeaver: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'PUT', path: `/accounts/${id}/leaver` }),
  },
  unmarkLeaver: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'DELETE', path: `/accounts/${id}/leaver` }),
  },
  deleteAccount: {
    target: 'active',
    success: 202,
    elsewhere: 404,
    request: (id) => ({ method: 'DELETE', path: `/accounts/${id}` }),
  },
  retryOperation: {
    target: 'inProgress',
    success: 202,
    elsewhere: 404,
    request: (id) => ({ method: 'POST', path: `/accounts/${id}/in-progress/retry` }),
  },
  cancelOperation: {
    target: 'inProgress',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'POST', path: `/accounts/${id}/in-progress/cancel` }),
  },
  listHistory: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (id) => ({ method: 'GET', path: `/accounts/${id}/history` }),
  },
  reportLoginEvent: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (_id, address) => ({
      method: 'POST',
      path: '/login-events',
      body: { email: address, outcome: 'failure' },
    }),
  },
  checkAccess: {
    target: 'active',
    success: 200,
    elsewhere: 404,
    request: (_id, address) => ({ method: 'GET', path: '/access', query: { email: address } }),
  },
  listDomains: {
    target: 'none',
    success: 200,
    elsewhere: 200,
    request: () => ({ method: 'GET', path: '/domains' }),
  },
  getDomainSummary: {
    target: 'none',
    success: 200,
    elsewhere: 403,
    request: (_id, address) => ({ method: 'GET', path: `/domains/${address.split('@')[1] ?? ''}/summary` }),
  },
  previewSweep: {
    target: 'none',
    success: 200,
    elsewhere: 403,
    request: (_id, address) => ({
      method: 'GET',
      path: '/sweeps/inactivity/preview',
      query: { domain: address.split('@')[1] ?? '' },
    }),
  },
  getStatusModel: {
    target: 'none',
    success: 200,
    elsewhere: 200,
    request: () => ({ method: 'GET', path: '/status-model' }),
  },
  getOpenApi: {
    target: 'none',
    success: 200,
    elsewhere: 200,
    request: () => ({ method: 'GET', path: '/openapi.json' }),
  },
};

let w: World;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world();
});

/** A fresh account of `domain` for the case (so that each successful change starts from the same state). */
async function target(kind: Case['target'], domain: string): Promise<{ id: string; address: string }> {
  const address = email(domain);
  if (kind === 'none') return { id: '', address };
  const id = await createAccount(w, { email: address, activate: kind === 'active' });
  if (kind === 'inProgress') {
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${id}/status`,
      claims: admin('*'),
      body: { status: 'active' },
    });
  }
  return { id, address };
}

/** The routes behind API Gateway's JWT authorizer; the SCIM routes' own checks: test/integration/scim/errors.test.ts. */
const GATEWAY_ROUTES = ROUTES.filter((route) => route.authenticatedBy !== 'function');

const cells = GATEWAY_ROUTES.flatMap((route) =>
  Object.entries(SCOPE_SETS).flatMap(([name, scopes]) =>
    (['own', 'other'] as const).map((where) => ({ route, name, scopes, where })),
  ),
);

describe('authorization matrix', () => {
  it('covers every route', () => {
    expect(Object.keys(CASES).sort()).toEqual(GATEWAY_ROUTES.map((r) => r.operationId).sort());
  });

  it.each(cells.map((c) => [`${c.route.operationId} with ${c.name} scope, ${c.where} domain`, c] as const))(
    '%s',
    async (_title, cell) => {
      const { route, scopes, where } = cell as { route: Route; scopes: readonly string[]; where: 'own' | 'other' };
      const spec = CASES[route.operationId] as Case;
      const granted = route.scope === null || hasScope(scopes, route.scope);
      const account = await target(spec.target, where === 'own' ? OWN : OTHER);
      const before = account.id ? await snapshot(w, account.id) : null;

      const res = await w.api.request({
        ...spec.request(account.id, account.address),
        claims: claims({ sub: 'caller', scopes, domains: [OWN] }),
      });

      const expected = !granted ? 403 : where === 'own' ? spec.success : spec.elsewhere;
      expect(res.status).toBe(expected);
      if (route.operationId === 'bulkSetStatus' && granted) {
        expect(res.json.results[0].outcome).toBe(where === 'own' ? 'changed' : 'not_found');
      }
      if (before !== null && (expected >= 400 || (route.operationId === 'bulkSetStatus' && where === 'other'))) {
        expect(await snapshot(w, account.id)).toEqual(before);
      }
      if (spec.target === 'none' && route.operationId === 'createAccount' && expected !== 202) {
        expect(await w.store.access(account.address)).toBeNull();
      }
    },
  );

  it('"*" grants every domain', async () => {
    const { id } = await target('active', OTHER);
    const res = await w.api.request({
      method: 'GET',
      path: `/accounts/${id}`,
      claims: claims({ scopes: [Scope.READ], domains: '*' }),
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['Okta (an scp array, bracketed by API Gateway)', { scp: `[${Scope.WRITE}]` }],
    ['Entra ID (a space-separated scp)', { scp: `openid ${Scope.WRITE}` }],
  ])('takes the scopes of an %s as it takes scope', async (_issuer, scopeClaim) => {
    // Prepare
    const { id } = await target('active', OWN);

    // Act
    const read = await w.api.request({
      method: 'GET',
      path: `/accounts/${id}`,
      claims: { sub: 'x', domains: OWN, ...scopeClaim },
    });
    const cancel = await w.api.request({
      method: 'POST',
      path: `/accounts/${id}/in-progress/cancel`,
      claims: { sub: 'x', domains: OWN, ...scopeClaim },
    });

    // Assess: write includes read; admin is still needed to cancel.
    expect(read.status).toBe(200);
    expect(cancel.status).toBe(403);
  });

  it('a token without a domains claim administers no domain', async () => {
    const { id } = await target('active', OWN);
    const res = await w.api.request({
      method: 'GET',
      path: `/accounts/${id}`,
      claims: { sub: 'x', scope: Scope.READ },
    });
    expect(res.status).toBe(404);
  });

  it.each([
    ['a JSON array', `["${OTHER}","${OWN}"]`],
    ['comma-separated', `${OTHER},${OWN}`],
    ['one domain', OWN.toUpperCase()],
  ])('reads the domains claim as %s', async (_form, domains) => {
    const { id } = await target('active', OWN);
    const res = await w.api.request({
      method: 'GET',
      path: `/accounts/${id}`,
      claims: { sub: 'x', scope: Scope.READ, domains },
    });
    expect(res.status).toBe(200);
  });
});
