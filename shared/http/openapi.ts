/**
 * GET /openapi.json: the OpenAPI 3.1 document of every route of ROUTES, built from the same zod schemas
 * that validate the requests. Complete and true (SPEC §4): every answer a route can give is declared —
 * API Gateway's own (`{"message"}` JSON: 401 bad token, 404 no such route, 413 over 10 MB, 429 throttled,
 * 500 function failed, 503 integration timeout) beside the function's problems — and every operation has a
 * summary, a description and a tag. Linted by Redocly `recommended` and Spectral `spectral:oas` (npm run lint).
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
import { OPERATIONS, TAGS } from './schemas/operations';
import { PUBLIC_INPUTS } from './schemas/public';
import { GatewayMessage, PROBLEM_TEXT, PROBLEMS, Problem, SUCCESSES } from './schemas/responses';
import type { InputSchemas } from './zod-input';
import { SCIM_ANSWERS, SCIM_INPUTS, SCIM_TAG, ScimErrorSchema } from '../scim/openapi';

const INPUTS: Readonly<Record<string, InputSchemas>> = {
  ...ACCOUNT_INPUTS,
  ...ACCESS_INPUTS,
  ...LOGIN_EVENT_INPUTS,
  ...PUBLIC_INPUTS,
  ...SCIM_INPUTS,
};

const SECURITY_SCHEME = 'bearer';

const header = (description: string) => z.string().register(z.globalRegistry, { description });

const RESPONSE_HEADERS = {
  Location: header("The new account's URL."),
  ETag: header('The account version, "<version>"; send it back in If-Match.'),
};
const WWW_AUTHENTICATE = header('`Bearer`: the token is required (the function found its claims unusable).');
const RETRY_AFTER = header('Seconds to wait before retrying (sent with the problem, not by API Gateway).');
const APIGW_REQUEST_ID = header("API Gateway's id of the request.");

const isOptional = (schema: z.ZodMiniType): boolean => schema._zod.optin === 'optional';

/** What API Gateway itself answers, for every operation, before or instead of the function. */
const GATEWAY_TEXT: Readonly<Record<number, string>> = {
  401: 'API Gateway\'s JWT authorizer refused the token (missing, bad signature, wrong issuer or audience, expired): `{"message": "Unauthorized"}`.',
  404: 'API Gateway found no route for the path: `{"message": "Not Found"}`.',
  413: 'The body is over API Gateway\'s 10 MB: `{"message": "Request Entity Too Large"}`.',
  429: 'API Gateway throttled the request (the stage\'s or route\'s rate limit): `{"message": "Too Many Requests"}`. Retry with backoff.',
  500: 'The function failed without an answer: `{"message": "Internal Server Error"}`.',
  503: 'The function did not answer in time: `{"message": "Service Unavailable"}`.',
};

/**
 * The problem statuses of a route: what its function answers itself. A public route takes no body and no
 * query to speak of, but a body sent anyway is checked like any other: 400 (it takes none), 413, 415.
 */
function problems(route: Route): number[] {
  const common = route.scope === null ? [400, 413, 415] : [400, 401, 403, 413, 415, 503];
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
  const own = [400, 401, 403, 413, 415, ...answer.problems, 500, 503];
  // API Gateway's own answers (no route, over 10 MB, throttled, the function failed or timed out); never a 401.
  const gateway = [404, 413, 429, 500, 503];
  for (const status of [...new Set([...own, ...gateway])].sort((a, b) => a - b)) {
    const texts = [
      own.includes(status) ? (SCIM_PROBLEM_TEXT[status] ?? PROBLEM_TEXT[status]) : undefined,
      gateway.includes(status) ? GATEWAY_TEXT[status] : undefined,
    ].filter((text): text is string => text !== undefined);
    responses[status] = {
      description: texts.join(' Otherwise: ') || 'Error',
      content: {
        ...(own.includes(status) ? scimJson(ScimErrorSchema) : {}),
        ...(gateway.includes(status) ? { 'application/json': { schema: GatewayMessage } } : {}),
      },
      ...(status === 401 ? { headers: z.object({ 'WWW-Authenticate': WWW_AUTHENTICATE }) } : {}),
    };
  }
  return {
    operationId: route.operationId,
    summary: answer.summary,
    description: `${answer.description} Needs the \`${route.scope}\` scope; the function verifies the token itself.`,
    tags: [SCIM_TAG.name],
    security: [{ [SECURITY_SCHEME]: [] }],
    'x-scope': route.scope,
    requestParams: {
      ...(input.params ? { path: input.params as never } : {}),
      ...(input.query ? { query: input.query as never } : {}),
      ...(input.headers ? { header: input.headers as never } : {}),
    },
    ...(input.body ? { requestBody: { required: true, content: scimJson(input.body) } } : {}),
    responses: responses as ZodOpenApiOperationObject['responses'],
  };
}

/** One error status: the function's problem, API Gateway's `{message}`, or both (two media types). */
function errorResponse(status: number, problem: boolean): ZodOpenApiResponseObject {
  const gateway = GATEWAY_TEXT[status];
  const parts = [problem ? PROBLEM_TEXT[status] : undefined, gateway].filter((p): p is string => p !== undefined);
  const headers: Record<string, z.ZodMiniType> = {};
  if (status === 401 && problem) headers['WWW-Authenticate'] = WWW_AUTHENTICATE;
  if (status === 503 && problem) headers['Retry-After'] = RETRY_AFTER;
  if (status === 429) headers['apigw-requestid'] = APIGW_REQUEST_ID;
  return {
    description: parts.join(' Otherwise: ') || 'Problem',
    content: {
      ...(problem ? { 'application/problem+json': { schema: Problem } } : {}),
      ...(gateway !== undefined ? { 'application/json': { schema: GatewayMessage } } : {}),
    },
    ...(Object.keys(headers).length > 0 ? { headers: z.object(headers) } : {}),
  };
}

function operation(route: Route): ZodOpenApiOperationObject {
  if (route.authenticatedBy === 'function') return scimOperation(route);
  const input = INPUTS[route.operationId];
  if (input === undefined) throw new Error(`no input schemas for ${route.operationId}`);
  const docs = OPERATIONS[route.operationId];
  if (docs === undefined) throw new Error(`no summary, description or tag for ${route.operationId}`);
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
  const own = problems(route);
  const gateway = [...(route.scope === null ? [] : [401]), 404, 413, 429, 500, 503];
  for (const status of [...new Set([...own, ...gateway])].sort((a, b) => a - b)) {
    responses[status] = errorResponse(status, own.includes(status));
  }
  const scope = route.scope === null ? '' : ` Needs the \`${route.scope}\` scope.`;
  return {
    operationId: route.operationId,
    summary: docs.summary,
    description: `${docs.description}${scope}`,
    tags: [docs.tag],
    ...(route.scope === null ? { security: [] } : { security: [{ [SECURITY_SCHEME]: [] }], 'x-scope': route.scope }),
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
      description:
        'Whether a mailbox owner may log in, what happens to their mail, and safe moves between statuses. Errors are `application/problem+json` (RFC 9457), except the answers API Gateway gives itself (`application/json` `{"message"}`).',
      contact: { name: 'Mailbox Lifecycle maintainers (docs/runbook.md)' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The local stack (`npm start`; PORT or --port changes the port).' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: "The deployed HTTP API's $default stage (the stack's ApiUrl output).",
        variables: {
          apiId: { default: 'apiId', description: "The HTTP API's id." },
          region: { default: 'eu-west-2', description: 'The AWS region it is deployed in.' },
        },
      },
    ],
    tags: [...TAGS, SCIM_TAG],
    paths,
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `Claims: sub, scope or scp (${Object.values(Scope).join(', ')}; each operation's \`x-scope\` names the one it needs) and domains (or "*").`,
        },
      },
    },
  });
}

export { openApiDocument };
