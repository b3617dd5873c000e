import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, HOUR } from '../../../shared/domain/policy';
import { ADMIN_TRANSITIONS } from '../../../shared/domain/transitions';
import * as v from 'valibot';
import { openApiDocument } from '../../../shared/http/openapi';
import { AccountId, Domain, Email, SearchText } from '../../../shared/http/schemas/common';
import { ROUTES } from '../../../shared/http/routes';
import { statusModel } from '../../../shared/http/status-model';

interface Rendered {
  pattern?: string;
  maxLength?: number;
  minLength?: number;
}

describe('openApiDocument', () => {
  const document = openApiDocument() as unknown as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          summary?: string;
          description?: string;
          tags?: string[];
          'x-scope'?: string;
          security: unknown;
          parameters?: { in: string; name: string; required?: boolean; schema: Rendered }[];
          requestBody?: { required: boolean };
          responses: Record<string, unknown>;
        }
      >
    >;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };
  /** How the document renders a parameter. */
  const parameter = (path: string, method: string, name: string): Rendered | undefined =>
    document.paths[path]?.[method]?.parameters?.find((p) => p.name === name)?.schema;
  const createAccount = document.components.schemas.CreateAccount as { properties: Record<string, Rendered> };

  it('is OpenAPI 3.1 with a bearer JWT scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('documents %s', (_name, route) => {
    const operation = document.paths[route.path]?.[route.method.toLowerCase()];
    expect(operation?.operationId).toBe(route.operationId);
    expect(operation?.security).toEqual(route.scope === null ? [] : [{ bearer: [] }]);
    expect(operation?.['x-scope']).toBe(route.scope ?? undefined);
    expect(operation?.summary).toEqual(expect.any(String));
    expect(operation?.description).toEqual(expect.any(String));
    expect(operation?.tags).toHaveLength(1);
    expect(Object.keys(operation?.responses ?? {})).toEqual(
      expect.arrayContaining(['404', '413', '429', '500', '503']),
    );
    if (route.path.includes('{accountId}')) {
      expect(operation?.parameters).toContainEqual(
        expect.objectContaining({ in: 'path', name: 'accountId', required: true }),
      );
    }
    if (route.scope !== null)
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['400', '401', '403']));
  });

  it('documents the request bodies and headers of a status change', () => {
    const operation = document.paths['/accounts/{accountId}/status']?.put;
    expect(operation?.requestBody?.required).toBe(true);
    expect(operation?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:accountId',
      'header:if-match',
      'header:idempotency-key',
    ]);
    expect(Object.keys(operation?.responses ?? {})).toEqual([
      '200',
      '202',
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
    ]);
    expect(document.paths['/accounts/{accountId}/leaver']?.put?.requestBody?.required).toBe(false);
  });

  it("declares API Gateway's own {message} JSON beside the function's problems (401, 404, 413, 429, 500, 503)", () => {
    const responses = document.paths['/accounts/{accountId}/status']?.put?.responses as Record<
      string,
      { content: Record<string, unknown> }
    >;
    const gateway = { schema: { $ref: '#/components/schemas/GatewayMessage' } };
    const problem = { schema: { $ref: '#/components/schemas/Problem' } };

    expect(responses['401']?.content).toEqual({ 'application/problem+json': problem, 'application/json': gateway });
    expect(responses['404']?.content).toEqual({ 'application/problem+json': problem, 'application/json': gateway });
    expect(responses['429']?.content).toEqual({ 'application/json': gateway });
    expect(responses['500']?.content).toEqual({ 'application/problem+json': problem, 'application/json': gateway });
    expect(responses['503']?.content).toEqual({ 'application/problem+json': problem, 'application/json': gateway });
    expect(Object.keys((responses['503'] as { headers?: object }).headers ?? {})).toEqual(['Retry-After']);
    expect(Object.keys((responses['429'] as { headers?: object }).headers ?? {})).toEqual(['apigw-requestid']);
    expect(responses['413']?.content).toEqual({ 'application/problem+json': problem, 'application/json': gateway });
    expect(responses['403']?.content).toEqual({ 'application/problem+json': problem });
    expect(document.components.schemas.GatewayMessage).toMatchObject({
      type: 'object',
      properties: { message: { type: 'string' } },
      required: ['message'],
    });
  });

  it('gives each leaver and inProgress filter its own description (no shared schema instance)', () => {
    const parameters = document.paths['/accounts']?.get?.parameters as { name: string; description?: string }[];
    const describe = (name: string) => {
      const parameter = parameters.find((p) => p.name === name) as {
        description?: string;
        schema?: { description?: string };
      };
      return parameter?.description ?? parameter?.schema?.description;
    };
    expect(describe('leaver')).toMatch(/leavers/);
    expect(describe('inProgress')).toMatch(/in progress/);
  });

  it.each([
    [
      'Email',
      Email,
      createAccount.properties.email,
      ['Ann@Example.ORG', '  ann@example.org ', 'a.b+c@x.y.org'],
      ['ann', 'ann@@x.org', 'a b@x.org', 'ann@x..org', `${'a'.repeat(250)}@x.org`],
    ],
    [
      'Domain',
      Domain,
      parameter('/accounts', 'get', 'domain'),
      ['EXAMPLE.ORG', ' example.org ', 'xn--bcher-kva.de'],
      ['exa mple.org', 'example..org', '-x.org', '127.0.0.1x'],
    ],
    [
      'AccountId',
      AccountId,
      parameter('/accounts/{accountId}', 'get', 'accountId'),
      ['01JD3W6Q8M4T2V9X5Z7B1C3E5G', '01jd3w6q8m4t2v9x5z7b1c3e5g'],
      ['01JD3W6Q8M4T2V9X5Z7B1C3E5', '81JD3W6Q8M4T2V9X5Z7B1C3E5G', '01JD3W6Q8M4T2V9X5Z7B1C3E5U'],
    ],
    ['SearchText', SearchText, parameter('/accounts', 'get', 'q'), ['jo', ' José ', 'a@b'], ['   ', '', 'a\u0001b']],
  ] as const)('describes %s as the server accepts it, as sent', (_name, schema, rendered, accepted, refused) => {
    // Prepare
    const documented = (value: string) =>
      new RegExp(rendered?.pattern ?? '').test(value) &&
      value.length <= (rendered?.maxLength ?? Infinity) &&
      value.length >= (rendered?.minLength ?? 0);
    // Act, Assess
    expect(rendered?.pattern).toEqual(expect.any(String));
    for (const value of [...accepted, ...refused].map((value) => value.replace('\\u0001', '\u0001'))) {
      expect(documented(value), value).toBe(v.safeParse(schema, value).success);
    }
    for (const value of accepted) expect(v.safeParse(schema, value).success, value).toBe(true);
  });

  it('registers the account resource and the problem as components', () => {
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Account', 'Problem', 'Status']));
  });
});

describe('statusModel', () => {
  it('carries every status with its policies and the whole transition table', () => {
    const model = statusModel(DEFAULT_POLICY);
    expect(model.statuses.map((s) => s.status)).toHaveLength(14);
    expect(model.statuses.find((s) => s.status === 'disabled')).toMatchObject({
      login: 'deny',
      mail: 'deliver',
      kind: 'resting',
      leaverLabel: 'Disabled (Leaver)',
    });
    expect(model.statuses.find((s) => s.status === 'deleting')?.stuckAfterSeconds).toBe(86_400);
    for (const { from, targets } of model.transitions) {
      expect(targets.map((t) => t.target)).toEqual((ADMIN_TRANSITIONS[from] ?? []).map((t) => t.target));
    }
    expect(model.transitions.find((t) => t.from === 'deleted')?.targets).toContainEqual({
      target: 'deleted_permanent',
      via: { status: 'deleting', operation: 'purge', completesTo: 'deleted_permanent' },
      requires: 'accounts:admin',
      answers: 202,
    });
    expect(model.durations).toMatchObject({ maxFailedLogins: 10, lockoutSeconds: 3600, retentionSeconds: 30 * 86_400 });
  });

  it('gives the stuck threshold of every status an operation runs in, pending (provisioning) included', () => {
    const policy = {
      ...DEFAULT_POLICY,
      stuckAfterMs: { default: 24 * HOUR, pending: 2 * HOUR, migration_pending: 12 * HOUR },
    };
    const stuckAfter = Object.fromEntries(statusModel(policy).statuses.map((s) => [s.status, s.stuckAfterSeconds]));

    expect(stuckAfter).toEqual({
      pending: 7_200,
      enabling: 86_400,
      disabling: 86_400,
      deleting: 86_400,
      restoring: 86_400,
      migration_pending: 43_200,
      active: null,
      inactive: null,
      locked: null,
      maintenance: null,
      disabled: null,
      closed: null,
      deleted: null,
      deleted_permanent: null,
    });
  });
});
