/**
 * The real middleware chain (header normalization, request id, authentication, limits, scope, validation,
 * error handler) around real endpoints, with a stub store: whole responses compared.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessRecord } from '../../../shared/store/port';
import type { HttpHandler } from '../../../shared/http/http-function';
import type { PublicHandler } from '../../../shared/http/endpoints/public';
import { toEvent, type ApiRequest } from '../../helpers/api';
import { claims, platform } from '../../helpers/tokens';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ANN: AccessRecord = {
  accountId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  email: 'ann@a.org',
  domain: 'a.org',
  status: 'locked',
  lock: { reason: 'failed_logins', until: '2026-03-01T11:00:00.000Z', previousStatus: 'active' },
};

let access: HttpHandler;
let publicRoutes: PublicHandler;
const lookups: string[] = [];
beforeAll(async () => {
  const { httpFunction } = await import('../../../shared/http/http-function');
  const { accessEndpoints } = await import('../../../shared/http/endpoints/access');
  const { publicHandler } = await import('../../../shared/http/endpoints/public');
  const { DEFAULT_POLICY } = await import('../../../shared/domain/policy');
  const store = {
    access: async (email: string) => {
      lookups.push(email);
      if (email === 'boom@a.org') throw new Error('DynamoDB said: secret internals');
      return email === ANN.email ? ANN : null;
    },
  };
  access = httpFunction(
    'access',
    accessEndpoints(store, () => NOW),
  );
  publicRoutes = publicHandler(DEFAULT_POLICY);
});

async function call(handler: HttpHandler | PublicHandler, request: ApiRequest) {
  const { event } = toEvent(request);
  const result = await handler(event as never, { getRemainingTimeInMillis: () => 30_000 } as never);
  return { event, result };
}

const problemHeaders = (requestId: string, extra: Record<string, string> = {}) => ({
  'Content-Type': 'application/problem+json',
  'Cache-Control': 'no-store',
  ...extra,
  'X-Request-Id': requestId,
});

describe("the access function's chain", () => {
  it('200: the decision, an expired failed-logins lock already counting as its previous status', async () => {
    const { event, result } = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'Ann@A.org' },
      claims: platform(),
    });
    expect(result).toEqual({
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'X-Request-Id': event.requestContext.requestId,
      },
      body: JSON.stringify({
        accountId: ANN.accountId,
        email: 'ann@a.org',
        status: 'active',
        login: 'allow',
        mail: 'deliver',
      }),
    });
  });

  it('401 without claims, before anything else is looked at', async () => {
    const before = lookups.length;
    const { event, result } = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'x' },
      body: 'x'.repeat(20_000),
    });
    expect(result).toEqual({
      statusCode: 401,
      headers: problemHeaders(event.requestContext.requestId, { 'WWW-Authenticate': 'Bearer' }),
      body: JSON.stringify({
        type: 'urn:mailbox-lifecycle:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'A valid bearer token is required.',
      }),
    });
    expect(lookups.length).toBe(before);
  });

  it('403 when the scope is missing', async () => {
    const { event, result } = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'ann@a.org' },
      claims: claims({ scopes: ['accounts:admin'], domains: '*' }),
    });
    expect(result).toEqual({
      statusCode: 403,
      headers: problemHeaders(event.requestContext.requestId, {
        'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="access:check"',
      }),
      body: JSON.stringify({
        type: 'urn:mailbox-lifecycle:problem:scope-required',
        title: 'Forbidden',
        status: 403,
        detail: 'This request needs the access:check scope.',
      }),
    });
  });

  it('400 listing the query field', async () => {
    const { event, result } = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'nope', x: '1' },
      claims: platform(),
    });
    expect(result).toEqual({
      statusCode: 400,
      headers: problemHeaders(event.requestContext.requestId),
      body: JSON.stringify({
        type: 'urn:mailbox-lifecycle:problem:invalid-input',
        title: 'Invalid input',
        status: 400,
        detail: '2 fields are invalid.',
        errors: [
          { path: 'query.email', message: 'must be an email address' },
          { path: 'query.x', message: 'is not a known field' },
        ],
      }),
    });
  });

  it("404 for an unknown address; an address outside the caller's domains answers the same", async () => {
    const unknown = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'bob@a.org' },
      claims: platform(),
    });
    const elsewhere = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'ann@a.org' },
      claims: claims({ scopes: ['access:check'], domains: ['b.org'] }),
    });
    expect(unknown.result.statusCode).toBe(404);
    expect(elsewhere.result.body).toBe(unknown.result.body);
  });

  it('500 without details for an unexpected failure', async () => {
    const { event, result } = await call(access, {
      method: 'GET',
      path: '/access',
      query: { email: 'boom@a.org' },
      claims: platform(),
    });
    expect(result).toEqual({
      statusCode: 500,
      headers: problemHeaders(event.requestContext.requestId),
      body: JSON.stringify({
        type: 'urn:mailbox-lifecycle:problem:internal-error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'The request failed on our side; quote the X-Request-Id header when reporting it.',
      }),
    });
  });

  it('404 problem for a route the function does not serve', async () => {
    const { result } = await call(access, { method: 'DELETE', path: '/access', claims: platform() });
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ status: 404, detail: 'There is no route DELETE /access.' });
  });

  it('normalizes header names and gives a request id when the event has none', async () => {
    const { event } = toEvent({
      method: 'GET',
      path: '/access',
      query: { email: 'ann@a.org' },
      claims: platform(),
      headers: { 'X-Custom': '1' },
    });
    event.requestContext.requestId = '';
    const result = await access(event as never, {} as never);
    expect(result.statusCode).toBe(200);
    expect(result.headers['X-Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the public function's chain", () => {
  it('serves the status model without a token, cacheable', async () => {
    const { result } = await call(publicRoutes, { method: 'GET', path: '/status-model' });
    expect(result.statusCode).toBe(200);
    expect(result.headers['Cache-Control']).toBe('public, max-age=300');
    expect(JSON.parse(result.body).statuses).toHaveLength(14);
  });

  it('public routes ignore their query string (cache busting)', async () => {
    const { result } = await call(publicRoutes, { method: 'GET', path: '/openapi.json', query: { v: '2' } });
    expect(result.statusCode).toBe(200);
  });

  it('serves the generated OpenAPI document, stamped with the request id', async () => {
    const { event, result } = await call(publicRoutes, { method: 'GET', path: '/openapi.json' });
    expect(result.statusCode).toBe(200);
    expect(result.headers['X-Request-Id']).toBe(event.requestContext.requestId);
    expect(JSON.parse(result.body).paths['/status-model'].get.operationId).toBe('getStatusModel');
  });

  it('checks a body as the chain does: 415 when it is not JSON, 413 when it is too large, else 400', async () => {
    const text = await call(publicRoutes, {
      method: 'GET',
      path: '/status-model',
      body: 'a',
      headers: { 'Content-Type': 'text/plain' },
    });
    const large = await call(publicRoutes, { method: 'GET', path: '/status-model', body: { a: 'x'.repeat(17_000) } });
    const json = await call(publicRoutes, { method: 'GET', path: '/status-model', body: { a: 1 } });

    expect(text.result.statusCode).toBe(415);
    expect(large.result.statusCode).toBe(413);
    expect(json.result.statusCode).toBe(400);
    expect(JSON.parse(json.result.body).errors).toEqual([{ path: '/', message: 'this request takes no body' }]);
  });

  it('answers a route it does not serve with a 404 problem', async () => {
    const { result } = await call(publicRoutes, { method: 'GET', path: '/accounts' });
    expect(result.statusCode).toBe(404);
    expect(result.headers['Content-Type']).toBe('application/problem+json');
  });
});
