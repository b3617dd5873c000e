/**
 * GET /openapi.json is true: every documented example, sent to the real local server, is accepted (no 400,
 * no 5xx) and answered as the document says (the API helper checks every response the suite sees with
 * openapi-backend's validators, test/helpers/openapi.ts) — and that check does catch a departure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccount } from '../../../shared/domain/decide';
import { Scope } from '../../../shared/domain/transitions';
import { openApiDocument } from '../../../shared/http/openapi';
import { responseProblems } from '../../helpers/openapi';
import { claims } from '../../helpers/tokens';
import { world, type World } from '../http/fixtures';

interface Parameter {
  readonly in: 'path' | 'query' | 'header';
  readonly name: string;
  readonly required?: boolean;
  readonly example?: unknown;
  readonly schema?: { example?: unknown };
}
interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: {
    required?: boolean;
    content: Record<string, { schema: { $ref?: string; example?: unknown } }>;
  };
}

const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { example?: unknown }> };
};

const exampleOf = (p: Parameter): unknown => p.example ?? p.schema?.example;

/**
 * Each operation as its documented examples make it. The SCIM routes authenticate in their own function:
 * their examples are sent in test/integration/scim/openapi.test.ts.
 */
const requests = Object.entries(document.paths)
  .filter(([path]) => !path.startsWith('/scim/'))
  .flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      const missing = parameters
        .filter((p) => p.required && exampleOf(p) === undefined)
        .map((p) => `${p.in} ${p.name}`);
      const value = (where: Parameter['in']) =>
        Object.fromEntries(
          parameters
            .filter((p) => p.in === where && exampleOf(p) !== undefined)
            .map((p) => [p.name, String(exampleOf(p))]),
        );
      const schema = operation.requestBody?.content['application/json']?.schema;
      const body = schema?.$ref
        ? document.components.schemas[schema.$ref.split('/').pop() ?? '']?.example
        : schema?.example;
      if (operation.requestBody?.required && body === undefined) missing.push('body');
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value('path')[name] ?? ''));
      return {
        name: `${method.toUpperCase()} ${path}`,
        method,
        path: filled,
        query: value('query'),
        headers: value('header'),
        body,
        missing,
      };
    }),
  );

let w: World;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world();
  // The account the examples name (its id and address), so they reach a real resource.
  const { account, entry } = newAccount(
    {
      accountId: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
      email: 'ann@example.org',
      displayName: 'Ann Example',
      activate: false,
      caller: { sub: 'examples', scopes: [], requestId: null },
    },
    new Date(),
    w.table.config.policy,
  );
  await w.store.create(account, entry);
});

describe('the documented examples', () => {
  it.each(requests.map((r) => [r.name, r] as const))(
    '%s: every example is accepted as documented',
    async (_name, r) => {
      const res = await w.api.request({
        method: r.method,
        path: r.path,
        query: r.query,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
        claims: claims({
          sub: 'examples',
          scopes: [Scope.ADMIN, Scope.LOGIN_REPORT, Scope.ACCESS_CHECK],
          domains: '*',
        }),
      });

      expect(r.missing).toEqual([]);
      expect(res.status, res.body).toBeLessThan(500);
      expect([400, 401, 403, 413, 415, 422]).not.toContain(res.status);
    },
  );
});

describe('the public routes', () => {
  it.each(['/status-model', '/openapi.json'])('%s answers a body sent to it as documented (400, 415)', async (path) => {
    const json = await w.api.request({ method: 'GET', path, body: { a: 1 } });
    const text = await w.api.request({ method: 'GET', path, body: 'a', headers: { 'content-type': 'text/plain' } });

    expect(json.status).toBe(400);
    expect(json.json.errors).toEqual([{ path: '/', message: 'this request takes no body' }]);
    expect(text.status).toBe(415);
  });
});

describe('the response check', () => {
  const ok = { method: 'GET', path: '/domains', status: 200, headers: { 'content-type': 'application/json' } };

  it('passes a response as documented', async () => {
    expect(await responseProblems({ ...ok, body: '{"items":[{"domain":"example.org","accounts":3}]}' })).toEqual([]);
  });

  it('names a body, a status or a media type the document does not have', async () => {
    const wrongBody = await responseProblems({ ...ok, body: '{"items":[{"domain":"example.org"}]}' });
    const wrongStatus = await responseProblems({ ...ok, status: 418, body: '{}' });
    const wrongType = await responseProblems({ ...ok, headers: { 'content-type': 'text/html' }, body: '<p>' });
    const wrongProblem = await responseProblems({
      ...ok,
      status: 403,
      headers: { 'content-type': 'application/problem+json' },
      body: '{"title":"Forbidden"}',
    });

    expect(wrongBody).toEqual([expect.stringContaining("must have required property 'accounts'")]);
    expect(wrongStatus).toEqual(['GET /domains 418: the status is not declared']);
    expect(wrongType).toEqual(['GET /domains 200: text/html is not declared']);
    expect(wrongProblem.length).toBeGreaterThan(0);
  });
});
