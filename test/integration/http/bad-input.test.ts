/**
 * Bad input, sent as raw HTTP to the local server: every case answers a clear 4xx problem (never a 5xx)
 * and changes nothing — the target account's record and history stay as they were, and no account
 * appears. A path no route matches is answered by API Gateway itself (its 404 JSON, no function runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../helpers/api';
import { admin, claims, platform } from '../../helpers/tokens';
import { createAccount, snapshot, world, type Snapshot, type World } from './fixtures';

const DAY = 86_400_000;
const date = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let w: World;
let id: string;
let other: string;
let listCursor: string;
let historyCursor: string;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world();
  id = await createAccount(w, { email: 'target@bad.org' });
  other = await createAccount(w, { email: 'other@bad.org' });
  await createAccount(w, { email: 'third@bad.org' });
  for (const status of ['locked', 'active']) {
    await w.api.request({ method: 'PUT', path: `/accounts/${id}/status`, claims: admin('*'), body: { status } });
  }
  const list = await w.api.request({
    method: 'GET',
    path: '/accounts',
    query: { domain: 'bad.org', limit: '1' },
    claims: admin('*'),
  });
  listCursor = list.json.nextCursor;
  const history = await w.api.request({
    method: 'GET',
    path: `/accounts/${id}/history`,
    query: { limit: '1' },
    claims: admin('*'),
  });
  historyCursor = history.json.nextCursor;
});

interface Case {
  readonly name: string;
  readonly request: () => Omit<ApiRequest, 'claims'> & { claims?: ApiRequest['claims'] };
  readonly status: number;
  /** The `errors[].path` a 400 names. */
  readonly at?: string;
  /** No route matches: API Gateway answers (`{"message":"Not Found"}`) and no function runs. */
  readonly gateway?: true;
}

const status =
  (body: unknown, extra: Partial<ApiRequest> = {}) =>
  () => ({ method: 'PUT', path: `/accounts/${id}/status`, body, ...extra });
const rename =
  (body: unknown, extra: Partial<ApiRequest> = {}) =>
  () => ({ method: 'PATCH', path: `/accounts/${id}`, body, ...extra });
const leaver = (body: unknown) => () => ({ method: 'PUT', path: `/accounts/${id}/leaver`, body });
/** Bulk bodies name accounts created in beforeAll: built when the case runs. */
const bulk = (body: () => unknown) => () => ({ method: 'POST', path: '/accounts/bulk-status', body: body() });
const create =
  (body: unknown, extra: Partial<ApiRequest> = {}) =>
  () => ({ method: 'POST', path: '/accounts', body, ...extra });
const list = (query: Record<string, string>) => () => ({ method: 'GET', path: '/accounts', query });
const login = (body: unknown) => () => ({ method: 'POST', path: '/login-events', body, claims: platform() });

const CASES: readonly Case[] = [
  // Status bodies
  { name: 'status body not JSON', request: status('{"status": "locked"'), status: 400, at: '/' },
  { name: 'status body a JSON array', request: status([{ status: 'locked' }]), status: 400, at: '/' },
  { name: 'status body JSON null', request: status('null'), status: 400, at: '/' },
  { name: 'status missing', request: status({ reason: 'x' }), status: 400, at: '/status' },
  { name: 'unknown status', request: status({ status: 'frozen' }), status: 400, at: '/status' },
  { name: 'status in the wrong case', request: status({ status: 'LOCKED' }), status: 400, at: '/status' },
  { name: 'status not a string', request: status({ status: 3 }), status: 400, at: '/status' },
  { name: 'unknown body field', request: status({ status: 'locked', force: true }), status: 400, at: '/force' },
  {
    name: 'a __proto__ field',
    request: status('{"status":"locked","__proto__":{"x":1}}'),
    status: 400,
    at: '/__proto__',
  },
  {
    name: 'reason over 500 characters',
    request: status({ status: 'locked', reason: 'r'.repeat(501) }),
    status: 400,
    at: '/reason',
  },
  { name: 'blank reason', request: status({ status: 'locked', reason: '   ' }), status: 400, at: '/reason' },
  {
    name: 'reason with a control character',
    request: status({ status: 'locked', reason: 'a\u0000b' }),
    status: 400,
    at: '/reason',
  },
  {
    name: 'If-Match without quotes',
    request: status({ status: 'locked' }, { headers: { 'if-match': '3' } }),
    status: 400,
    at: 'header.if-match',
  },
  {
    name: 'an If-Match list with a malformed element',
    request: status({ status: 'locked' }, { headers: { 'if-match': '"3", 4' } }),
    status: 400,
    at: 'header.if-match',
  },
  {
    name: 'Idempotency-Key too long',
    request: status({ status: 'locked' }, { headers: { 'idempotency-key': 'k'.repeat(256) } }),
    status: 400,
    at: 'header.idempotency-key',
  },
  {
    name: 'Idempotency-Key with a space',
    request: status({ status: 'locked' }, { headers: { 'idempotency-key': 'a b' } }),
    status: 400,
    at: 'header.idempotency-key',
  },
  // Account ids and odd paths
  {
    name: 'malformed id',
    request: () => ({ method: 'GET', path: '/accounts/not-an-id' }),
    status: 400,
    at: 'path.accountId',
  },
  {
    name: 'id one character short',
    request: () => ({ method: 'GET', path: `/accounts/${id.slice(1)}` }),
    status: 400,
    at: 'path.accountId',
  },
  {
    name: 'id with a letter outside Crockford base32',
    request: () => ({ method: 'GET', path: `/accounts/${id.slice(0, -1)}U` }),
    status: 400,
    at: 'path.accountId',
  },
  {
    name: 'id past the ULID range',
    request: () => ({ method: 'GET', path: `/accounts/8${id.slice(1)}` }),
    status: 400,
    at: 'path.accountId',
  },
  {
    name: 'encoded dot segments',
    request: () => ({ method: 'GET', path: '/accounts/%2E%2E' }),
    status: 400,
    at: 'path.accountId',
  },
  {
    name: 'a bad percent escape',
    request: () => ({ method: 'GET', path: '/accounts/%ZZ' }),
    status: 400,
    at: 'path.accountId',
  },
  {
    name: 'an encoded slash inside the id',
    request: () => ({ method: 'PUT', path: `/accounts/${id}%2Fstatus`, body: { status: 'locked' } }),
    status: 404,
    gateway: true,
  },
  {
    name: 'an empty segment',
    request: () => ({ method: 'PUT', path: '/accounts//status', body: { status: 'locked' } }),
    status: 404,
    gateway: true,
  },
  {
    name: 'a segment too many',
    request: () => ({ method: 'PUT', path: `/accounts/${id}/status/now`, body: { status: 'locked' } }),
    status: 404,
    gateway: true,
  },
  {
    name: 'a method the route does not have',
    request: () => ({ method: 'POST', path: `/accounts/${id}/status`, body: { status: 'locked' } }),
    status: 404,
    gateway: true,
  },
  {
    name: 'a body on a GET',
    request: () => ({ method: 'GET', path: `/accounts/${id}`, body: { x: 1 } }),
    status: 400,
    at: '/',
  },
  {
    name: 'a well-formed unknown id',
    request: status({ status: 'locked' }, { path: `/accounts/${UNKNOWN}/status` }),
    status: 404,
  },
  // Rename
  {
    name: 'displayName over 256 characters',
    request: rename({ displayName: 'n'.repeat(257) }),
    status: 400,
    at: '/displayName',
  },
  { name: 'displayName a number', request: rename({ displayName: 42 }), status: 400, at: '/displayName' },
  { name: 'displayName missing', request: rename({}), status: 400, at: '/displayName' },
  { name: 'displayName with a newline', request: rename({ displayName: 'a\nb' }), status: 400, at: '/displayName' },
  {
    name: 'rename with an unknown field',
    request: rename({ displayName: 'x', email: 'x@bad.org' }),
    status: 400,
    at: '/email',
  },
  // Leaver
  { name: 'leaveDate not a date', request: leaver({ leaveDate: 'tomorrow' }), status: 400, at: '/leaveDate' },
  {
    name: 'leaveDate not a calendar date',
    request: leaver({ leaveDate: '2026-02-30' }),
    status: 400,
    at: '/leaveDate',
  },
  { name: 'leaveDate two years ahead', request: leaver({ leaveDate: date(730) }), status: 400, at: '/leaveDate' },
  { name: 'leaveDate sixty days ago', request: leaver({ leaveDate: date(-60) }), status: 400, at: '/leaveDate' },
  {
    name: 'leaveDate with a time',
    request: leaver({ leaveDate: `${date(1)}T10:00:00Z` }),
    status: 400,
    at: '/leaveDate',
  },
  {
    name: 'unmark with an unknown field',
    request: () => ({ method: 'DELETE', path: `/accounts/${id}/leaver`, body: { now: true } }),
    status: 400,
    at: '/now',
  },
  // Delete, retry, cancel
  {
    name: 'delete with an unknown field',
    request: () => ({ method: 'DELETE', path: `/accounts/${id}`, body: { hard: true } }),
    status: 400,
    at: '/hard',
  },
  {
    name: 'retry with a body field',
    request: () => ({ method: 'POST', path: `/accounts/${id}/in-progress/retry`, body: { now: 1 } }),
    status: 400,
    at: '/now',
  },
  {
    name: 'cancel with a reason of the wrong type',
    request: () => ({ method: 'POST', path: `/accounts/${id}/in-progress/cancel`, body: { reason: 1 } }),
    status: 400,
    at: '/reason',
  },
  // Bulk
  {
    name: 'bulk without ids',
    request: bulk(() => ({ accountIds: [], status: 'locked' })),
    status: 400,
    at: '/accountIds',
  },
  {
    name: 'bulk with 101 ids',
    request: bulk(() => ({ accountIds: Array.from({ length: 101 }, () => id), status: 'locked' })),
    status: 400,
    at: '/accountIds',
  },
  {
    name: 'bulk with a repeated id',
    request: bulk(() => ({ accountIds: [id, other, id.toLowerCase()], status: 'locked' })),
    status: 400,
    at: '/accountIds',
  },
  {
    name: 'bulk with a malformed id',
    request: bulk(() => ({ accountIds: [id, 'nope'], status: 'locked' })),
    status: 400,
    at: '/accountIds/1',
  },
  { name: 'bulk without status', request: bulk(() => ({ accountIds: [id] })), status: 400, at: '/status' },
  {
    name: 'bulk ids not a list',
    request: bulk(() => ({ accountIds: id, status: 'locked' })),
    status: 400,
    at: '/accountIds',
  },
  // Create
  { name: 'create with an invalid email', request: create({ email: 'not-an-email' }), status: 400, at: '/email' },
  { name: 'create with two @', request: create({ email: 'a@b@bad.org' }), status: 400, at: '/email' },
  { name: 'create with a domain without a dot', request: create({ email: 'a@localhost' }), status: 400, at: '/email' },
  { name: 'create without email', request: create({ displayName: 'x' }), status: 400, at: '/email' },
  {
    name: 'create with activate a string',
    request: create({ email: 'new@bad.org', activate: 'yes' }),
    status: 400,
    at: '/activate',
  },
  {
    name: 'create with an unknown field',
    request: create({ email: 'new@bad.org', status: 'active' }),
    status: 400,
    at: '/status',
  },
  {
    name: 'create as form data',
    request: create('email=new@bad.org', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    status: 415,
  },
  {
    name: 'create without a content type',
    request: create('{"email":"new@bad.org"}', { headers: { 'content-type': '' } }),
    status: 415,
  },
  {
    name: 'create over 16 KiB',
    request: create({ email: 'new@bad.org', displayName: 'd'.repeat(17_000) }),
    status: 413,
  },
  // Listing queries and cursors
  { name: 'list without domain', request: list({}), status: 400, at: 'query.domain' },
  { name: 'list with an invalid domain', request: list({ domain: 'bad_org' }), status: 400, at: 'query.domain' },
  { name: 'list limit 0', request: list({ domain: 'bad.org', limit: '0' }), status: 400, at: 'query.limit' },
  { name: 'list limit 201', request: list({ domain: 'bad.org', limit: '201' }), status: 400, at: 'query.limit' },
  {
    name: 'list limit not a number',
    request: list({ domain: 'bad.org', limit: '1e2' }),
    status: 400,
    at: 'query.limit',
  },
  {
    name: 'list limit repeated',
    request: () => ({ method: 'GET', path: '/accounts?domain=bad.org&limit=1&limit=2' }),
    status: 400,
    at: 'query.limit',
  },
  {
    name: 'list with an unknown status',
    request: list({ domain: 'bad.org', status: 'active,frozen' }),
    status: 400,
    at: 'query.status',
  },
  {
    name: 'list leaver not a boolean',
    request: list({ domain: 'bad.org', leaver: 'yes' }),
    status: 400,
    at: 'query.leaver',
  },
  {
    name: 'list with an unknown parameter',
    request: list({ domain: 'bad.org', sort: 'email' }),
    status: 400,
    at: 'query.sort',
  },
  {
    name: 'list with a forged cursor',
    request: list({ domain: 'bad.org', cursor: 'eyJmb3JnZWQiOnRydWV9' }),
    status: 400,
    at: 'query.cursor',
  },
  {
    name: 'list with a tampered cursor',
    request: () => list({ domain: 'bad.org', cursor: tamper(listCursor) })(),
    status: 400,
    at: 'query.cursor',
  },
  {
    name: "list with another domain's cursor",
    request: () => list({ domain: 'a.org', cursor: listCursor })(),
    status: 400,
    at: 'query.cursor',
  },
  {
    name: 'list with a history cursor',
    request: () => list({ domain: 'bad.org', cursor: historyCursor })(),
    status: 400,
    at: 'query.cursor',
  },
  {
    name: 'history with a tampered cursor',
    request: () => ({ method: 'GET', path: `/accounts/${id}/history`, query: { cursor: tamper(historyCursor) } }),
    status: 400,
    at: 'query.cursor',
  },
  {
    name: "history with another account's cursor",
    request: () => ({ method: 'GET', path: `/accounts/${other}/history`, query: { cursor: historyCursor } }),
    status: 400,
    at: 'query.cursor',
  },
  {
    name: 'history limit 500',
    request: () => ({ method: 'GET', path: `/accounts/${id}/history`, query: { limit: '500' } }),
    status: 400,
    at: 'query.limit',
  },
  // Platform routes
  {
    name: 'access without email',
    request: () => ({ method: 'GET', path: '/access', claims: platform() }),
    status: 400,
    at: 'query.email',
  },
  {
    name: 'access with an invalid email',
    request: () => ({ method: 'GET', path: '/access', query: { email: 'nope' }, claims: platform() }),
    status: 400,
    at: 'query.email',
  },
  {
    name: 'login event with an unknown outcome',
    request: login({ email: 'target@bad.org', outcome: 'maybe' }),
    status: 400,
    at: '/outcome',
  },
  {
    name: 'login event with an eventId too long',
    request: login({ email: 'target@bad.org', outcome: 'failure', eventId: 'e'.repeat(129) }),
    status: 400,
    at: '/eventId',
  },
  {
    name: 'login event with an unknown field',
    request: login({ email: 'target@bad.org', outcome: 'failure', ip: '1.2.3.4' }),
    status: 400,
    at: '/ip',
  },
  { name: 'login event without email', request: login({ outcome: 'failure' }), status: 400, at: '/email' },
  {
    name: 'login event for an unknown address',
    request: login({ email: 'nobody@bad.org', outcome: 'failure' }),
    status: 404,
  },
];

/** A cursor with one character changed in its middle. */
function tamper(cursor: string): string {
  const i = Math.floor(cursor.length / 2);
  return `${cursor.slice(0, i)}${cursor[i] === 'A' ? 'B' : 'A'}${cursor.slice(i + 1)}`;
}

async function state(): Promise<{ target: Snapshot; other: Snapshot; domain: readonly string[] }> {
  const listing = await w.store.list({ domain: 'bad.org', limit: 200 });
  return {
    target: await snapshot(w, id),
    other: await snapshot(w, other),
    domain: listing.items.map((a) => a.accountId),
  };
}

describe('bad input', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await state();
    const res = await w.api.request({
      claims: claims({ sub: 'bad', scopes: ['accounts:admin'], domains: '*' }),
      ...c.request(),
    });

    expect(res.status).toBe(c.status);
    if (c.gateway) {
      expect(res.json).toEqual({ message: 'Not Found' });
    } else {
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: c.status,
        detail: expect.any(String),
      });
    }
    if (c.at !== undefined) expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(c.at);
    expect(await state()).toEqual(before);
  });

  it('lists every offending field at once', async () => {
    const res = await w.api.request({
      method: 'PUT',
      path: '/accounts/nope/status',
      claims: admin('*'),
      headers: { 'if-match': 'x' },
      body: { status: 'frozen', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual([
      'path.accountId',
      'header.if-match',
      '/status',
      '/extra',
    ]);
    expect(res.json.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
  });
});
