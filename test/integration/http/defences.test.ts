/**
 * What the functions answer by themselves to requests API Gateway never lets through — no claims at all (its
 * JWT authorizer answers 401 first), a route it does not have (it answers 404 first) — in case one reaches
 * them anyway (a route deployed without the authorizer, a catch-all route). These run IN PROCESS: through
 * the local server, API Gateway's answers come first (status-codes.test.ts, bad-input.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reader } from '../../helpers/tokens';
import { createAccount, inProcessWorld, snapshot, type World } from './fixtures';

const PROBLEM = 'application/problem+json';

let w: World;
let id: string;
afterAll(() => w.close());
beforeAll(async () => {
  w = await inProcessWorld();
  id = await createAccount(w);
});

describe('a request that reaches a function without claims', () => {
  it('is 401 problem with WWW-Authenticate, and changes nothing', async () => {
    const before = await snapshot(w, id);

    const res = await w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, body: { status: 'locked' } });

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json).toEqual({
      type: 'urn:mailbox-lifecycle:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'A valid bearer token is required.',
    });
    expect(await snapshot(w, id)).toEqual(before);
  });
});

describe('a request for a route the function does not serve', () => {
  it.each([
    ['an unknown path', 'GET', () => `/accounts/${id}/nothing`],
    ['a method the route does not have', 'POST', () => `/accounts/${id}/status`],
  ])('%s: 404 problem naming the route', async (_name, method, path) => {
    const res = await w.api.request({ method, path: path(), claims: reader('*') });

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json).toEqual({
      type: 'urn:mailbox-lifecycle:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: `There is no route ${method} ${path()}.`,
    });
  });
});
