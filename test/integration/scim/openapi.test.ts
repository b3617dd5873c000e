/**
 * GET /openapi.json is true for the SCIM routes too: every documented SCIM example, sent to the local stack
 * with a SCIM token, is accepted (no 400, no 5xx) and every answer matches the document (the SCIM client of
 * ./world.ts checks each one with openapi-backend) — and that check catches a SCIM answer that departs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccount } from '../../../shared/domain/decide';
import { DEFAULT_POLICY } from '../../../shared/domain/policy';
import { openApiDocument } from '../../../shared/http/openapi';
import { responseProblems } from '../../helpers/openapi';
import { scimWorld, type ScimWorld } from './world';

interface Parameter {
  readonly in: 'path' | 'query' | 'header';
  readonly name: string;
  readonly required?: boolean;
  readonly schema?: { example?: unknown };
  readonly example?: unknown;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}

const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { example?: unknown }> };
};

const exampleOf = (p: Parameter): unknown => p.example ?? p.schema?.example;

/** The SCIM operations as their examples make them, DELETE last (it deletes the example user). */
const requests = Object.entries(document.paths)
  .filter(([path]) => path.startsWith('/scim/v2'))
  .flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      const of = (where: Parameter['in']) =>
        parameters
          .filter((p) => p.in === where && exampleOf(p) !== undefined)
          .map((p): [string, string] => [p.name, String(exampleOf(p))]);
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
        String(Object.fromEntries(of('path'))[name] ?? ''),
      );
      const query = new URLSearchParams(of('query')).toString();
      const ref = operation.requestBody?.content['application/scim+json']?.schema.$ref;
      const body = ref === undefined ? undefined : document.components.schemas[ref.split('/').pop() ?? '']?.example;
      const missing = [
        ...parameters.filter((p) => p.required && exampleOf(p) === undefined).map((p) => `${p.in} ${p.name}`),
        ...(operation.requestBody !== undefined && body === undefined ? ['body'] : []),
      ];
      return {
        name: `${method.toUpperCase()} ${path}`,
        method,
        path: `${filled.slice('/scim/v2'.length)}${query ? `?${query}` : ''}`,
        body,
        missing,
      };
    }),
  )
  .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));

describe('the documented SCIM examples', () => {
  let w: ScimWorld;
  let token: string;

  beforeAll(async () => {
    w = await scimWorld();
    token = await w.token('examples', ['example.org']);
    // The user the examples name (its id and address).
    const { account, entry } = newAccount(
      {
        accountId: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
        email: 'ann@example.org',
        displayName: 'Ann Example',
        activate: false,
        caller: { sub: 'examples', scopes: [], requestId: null },
      },
      new Date(),
      DEFAULT_POLICY,
    );
    await w.store.create(account, entry);
  });
  afterAll(() => w.close());

  it('covers every SCIM route', () => {
    expect(requests).toHaveLength(9);
  });

  it.each(requests.map((r) => [r.name, r] as const))('%s: its example is accepted as documented', async (_name, r) => {
    const res = await w.scim(r.method.toUpperCase(), r.path, token, r.body);

    expect(r.missing).toEqual([]);
    expect(res.status).toBeLessThan(500);
    expect([400, 401, 403, 413, 415]).not.toContain(res.status);
  });

  it('catches a SCIM answer that departs from the document', async () => {
    const seen = { method: 'GET', path: '/scim/v2/Users/01JD3W6Q8M4T2V9X5Z7B1C3E5G', status: 200 };
    const scim = { 'content-type': 'application/scim+json' };

    const noUserName = await responseProblems({ ...seen, headers: scim, body: '{"id":"x","active":true}' });
    const problemBody = await responseProblems({
      ...seen,
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: '{"title":"Not Found"}',
    });

    expect(noUserName.join('\n')).toMatch(/must have required property/);
    expect(problemBody).toEqual(['GET /scim/v2/Users/{userId} 404: application/problem+json is not declared']);
  });
});
