/**
 * GET /openapi.json: the OpenAPI 3.1 document of every route of ROUTES, built from the same zod schemas
 * that validate the requests. Bearer JWT security with each route's scope.
 */
import * as z from 'zod/mini';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { Scope } from '../domain/transitions';
import { ROUTES, type Route } from './routes';
import { ACCESS_INPUTS } from './schemas/access';
import { ACCOUNT_INPUTS } from './schemas/accounts';
import { LOGIN_EVENT_INPUTS } from './schemas/login-events';
import { PUBLIC_INPUTS } from './schemas/public';
import { GatewayMessage, PROBLEM_TEXT, PROBLEMS, Problem, SUCCESSES } from './schemas/responses';
import type { InputSchemas } from './zod-input';
import { SCIM_ANSWERS, SCIM_INPUTS, ScimErrorSchema } from '../scim/openapi';

const INPUTS: Readonly<Record<string, InputSchemas>> = {
  ...ACCOUNT_INPUTS,
  ...ACCESS_INPUTS,
  ...LOGIN_EVENT_INPUTS,
  ...PUBLIC_INPUTS,
  ...SCIM_INPUTS,
};

const SECURITY_SCHEME = 'bearer';

const RESPONSE_HEADERS = {
  Location: z.string().register(z.globalRegistry, { description: "The new account's URL." }),
  ETag: z
    .string()
    .register(z.globalRegistry, { description: 'The account version, "<version>"; send it back in If-Match.' }),
};

const isOptional = (schema: z.ZodMiniType): boolean => schema._zod.optin === 'optional';

/**
 * The body of an error status: a problem, but API Gateway's own `{message}` JSON for what it answers
 * before any function runs — a missing or bad token (401), and a body over its 10 MB limit (413).
 */
function errorContent(status: number): ZodOpenApiResponseObject['content'] {
  const gateway = { 'application/json': { schema: GatewayMessage } };
  const problem = { 'application/problem+json': { schema: Problem } };
  if (status === 401) return gateway;
  return status === 413 ? { ...problem, ...gateway } : problem;
}

function problems(route: Route): number[] {
  const common = route.scope === null ? [] : [400, 401, 403, 413, 415, 503];
  return [...new Set([...common, ...(PROBLEMS[route.operationId] ?? []), 500])].sort((a, b) => a - b);
}

/** Where a SCIM error means something else than the API's problem of the same status. */
const SCIM_PROBLEM_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid input, with its scimType: invalidFilter, invalidSyntax, invalidPath, invalidValue, noTarget, mutability.',
  401: 'No or bad token (checked by the function itself, so the body is a SCIM error).',
  403: 'The token lacks scim:provision or a domains claim, or the address is outside its domains.',
  404: "No such user: unknown, deleted, or outside the token's domains.",
  409: 'uniqueness: the address is held by another account; or a lost race.',
};

/** A SCIM route (SPEC §10): SCIM bodies, and the SCIM error schema for every error, 401 included. */
function scimOperation(route: Route): ZodOpenApiOperationObject {
  const input = INPUTS[route.operationId];
  const answer = SCIM_ANSWERS[route.operationId];
  if (input === undefined || answer === undefined) throw new Error(`no SCIM documentation for ${route.operationId}`);
  const scimJson = (schema: z.ZodMiniType) => ({ 'application/scim+json': { schema } });
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [answer.status]: {
      description: answer.summary,
      ...(answer.schema === null ? {} : { content: scimJson(answer.schema) }),
    },
  };
  for (const status of [...new Set([400, 401, 403, 413, 415, ...answer.problems, 500])].sort((a, b) => a - b)) {
    const description = SCIM_PROBLEM_TEXT[status] ?? PROBLEM_TEXT[status] ?? 'Error';
    responses[status] = { description, content: scimJson(ScimErrorSchema) };
  }
  return {
    operationId: route.operationId,
    summary: answer.summary,
    description: answer.description,
    tags: [route.function],
    security: [{ [SECURITY_SCHEME]: [route.scope as string] }],
    requestParams: {
      ...(input.params ? { path: input.params as never } : {}),
      ...(input.query ? { query: input.query as never } : {}),
      ...(input.headers ? { header: input.headers as never } : {}),
    },
    ...(input.body ? { requestBody: { required: true, content: scimJson(input.body) } } : {}),
    responses: responses as ZodOpenApiOperationObject['responses'],
  };
}

function operation(route: Route): ZodOpenApiOperationObject {
  if (route.authenticatedBy === 'function') return scimOperation(route);
  const input = INPUTS[route.operationId];
  if (input === undefined) throw new Error(`no input schemas for ${route.operationId}`);
  const successes = SUCCESSES[route.operationId] ?? [];
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const success of successes) {
    responses[success.status] = {
      description: success.description,
      content: { 'application/json': { schema: success.schema } },
      ...(success.headers
        ? { headers: z.object(Object.fromEntries(success.headers.map((name) => [name, RESPONSE_HEADERS[name]]))) }
        : {}),
    };
  }
  for (const status of problems(route)) {
    responses[status] = { description: PROBLEM_TEXT[status] ?? 'Problem', content: errorContent(status) };
  }
  return {
    operationId: route.operationId,
    tags: [route.function],
    security: route.scope === null ? [] : [{ [SECURITY_SCHEME]: [route.scope] }],
    requestParams: {
      ...(input.params ? { path: input.params as never } : {}),
      ...(input.query ? { query: input.query as never } : {}),
      ...(input.headers ? { header: input.headers as never } : {}),
    },
    ...(input.body
      ? { requestBody: { required: !isOptional(input.body), content: { 'application/json': { schema: input.body } } } }
      : {}),
    responses: responses as ZodOpenApiOperationObject['responses'],
  };
}

/**
 * The OpenAPI 3.1 document.
 *
 * @example
 * openApiDocument().paths['/accounts/{accountId}/status'].put.operationId // 'setStatus'
 */
function openApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Mailbox Lifecycle',
      version: '1.0.0',
      description: 'Whether a mailbox owner may log in, what happens to their mail, and safe moves between statuses.',
    },
    paths,
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `Claims: sub, scope (space-separated: ${Object.values(Scope).join(', ')}) and domains (or "*").`,
        },
      },
    },
  });
}

export { openApiDocument };
