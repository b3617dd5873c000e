import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../shared/domain/policy';
import { ADMIN_TRANSITIONS } from '../../../shared/domain/transitions';
import { openApiDocument } from '../../../shared/http/openapi';
import { ROUTES } from '../../../shared/http/routes';
import { statusModel } from '../../../shared/http/status-model';

describe('openApiDocument', () => {
  const document = openApiDocument() as unknown as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security: unknown; parameters?: { in: string; name: string; required?: boolean }[];
      requestBody?: { required: boolean }; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 with a bearer JWT scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('documents %s', (_name, route) => {
    const operation = document.paths[route.path]?.[route.method.toLowerCase()];
    expect(operation?.operationId).toBe(route.operationId);
    expect(operation?.security).toEqual(route.scope === null ? [] : [{ bearer: [route.scope] }]);
    if (route.path.includes('{accountId}')) {
      expect(operation?.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: 'accountId', required: true }));
    }
    if (route.scope !== null) expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['400', '401', '403']));
  });

  it('documents the request bodies and headers of a status change', () => {
    const operation = document.paths['/accounts/{accountId}/status']?.put;
    expect(operation?.requestBody?.required).toBe(true);
    expect(operation?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['path:accountId', 'header:if-match', 'header:idempotency-key']);
    expect(Object.keys(operation?.responses ?? {})).toEqual(['200', '202', '400', '401', '403', '404', '409', '412', '413', '415', '422', '500']);
    expect(document.paths['/accounts/{accountId}/leaver']?.put?.requestBody?.required).toBe(false);
  });

  it('registers the account resource and the problem as components', () => {
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Account', 'Problem', 'Status']));
  });
});

describe('statusModel', () => {
  it('carries every status with its policies and the whole transition table', () => {
    const model = statusModel(DEFAULT_POLICY);
    expect(model.statuses.map((s) => s.status)).toHaveLength(14);
    expect(model.statuses.find((s) => s.status === 'disabled')).toMatchObject({ login: 'deny', mail: 'deliver', kind: 'resting', leaverLabel: 'Disabled (Leaver)' });
    expect(model.statuses.find((s) => s.status === 'deleting')?.stuckAfterSeconds).toBe(86_400);
    for (const { from, targets } of model.transitions) {
      expect(targets.map((t) => t.target)).toEqual((ADMIN_TRANSITIONS[from] ?? []).map((t) => t.target));
    }
    expect(model.transitions.find((t) => t.from === 'deleted')?.targets).toContainEqual(
      { target: 'deleted_permanent', via: { status: 'deleting', operation: 'purge', completesTo: 'deleted_permanent' }, requires: 'accounts:admin', answers: 202 });
    expect(model.durations).toMatchObject({ maxFailedLogins: 10, lockoutSeconds: 3600, retentionSeconds: 30 * 86_400 });
  });
});
