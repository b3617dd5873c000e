/**
 * GET /openapi.json: the OpenAPI 3.1 document of every route of ROUTES, built from the same valibot schemas
 * that validate the requests (converted by @valibot/to-json-schema, with the descriptions, examples and
 * components `described` attached). Complete and true (SPEC §4): every answer a route can give is declared —
 * API Gateway's own (`{"message"}` JSON: 401 bad token, 404 no such route, 413 over 10 MB, 429 throttled,
 * 500 function failed, 503 integration timeout) beside the function's problems — and every operation has a
 * summary, a description and a tag. Linted by Redocly `recommended` and Spectral `spectral:oas` (npm run lint).
 */
import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { Scope } from '../domain/transitions';
import { ROUTES, type Route } from './routes';
import { ACCESS_INPUTS } from './schemas/access';
import { ACCOUNT_INPUTS } from './schemas/accounts';
import { COMPONENTS, described, metaOf, type Schema } from './schemas/meta';
import { LOGIN_EVENT_INPUTS } from './schemas/login-events';
import { OPERATIONS, TAGS } from './schemas/operations';
import { PUBLIC_INPUTS } from './schemas/public';
import { GatewayMessage, PROBLEM_TEXT, PROBLEMS, Problem, SUCCESSES } from './schemas/responses';
import type { InputSchemas } from './schema-input';
import { SCIM_ANSWERS, SCIM_INPUTS, SCIM_TAG, ScimErrorSchema } from '../scim/openapi';

const INPUTS: Readonly<Record<string, InputSchemas>> = {
  ...ACCOUNT_INPUTS,
  ...ACCESS_INPUTS,
  ...LOGIN_EVENT_INPUTS,
  ...PUBLIC_INPUTS,
  ...SCIM_INPUTS,
};

const SECURITY_SCHEME = 'bearer';

/** A JSON Schema as the document holds it: the converter's, plus OpenAPI's `example` and `$ref`. */
type Json = JsonSchema & { $ref?: string; example?: unknown };

interface Header {
  /** Written when true only (OpenAPI's default is false). */
  readonly required?: true;
  readonly description?: string;
  readonly schema: Json;
}

interface Parameter extends Header {
  readonly in: 'path' | 'query' | 'header';
  readonly name: string;
}

type Content = Record<string, { readonly schema: Json }>;

interface Response {
  readonly description: string;
  readonly headers?: Record<string, Header>;
  readonly content?: Content;
}

interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly security: readonly Record<string, readonly string[]>[];
  readonly 'x-scope'?: string | null;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: Content };
  readonly responses: Record<string, Response>;
}

/** The schema fields `described` attached: description, example, and the keywords that replace the converter's. */
function metaKeywords(schema: Schema): Json {
  const meta = metaOf(schema);
  if (meta === undefined) return {};
  return {
    description: meta.description,
    ...(meta.example === undefined ? {} : { example: meta.example }),
    ...meta.override,
  };
}

/** What is read of a valibot schema to find its children. */
interface Shape {
  readonly type: string;
  readonly entries?: Readonly<Record<string, Schema>>;
  readonly item?: Schema;
  readonly wrapped?: Schema;
  readonly options?: readonly Schema[];
}

/** The schemas a converted schema holds, each beside the JSON Schema it became (`undefined` where none). */
function children(schema: Shape, json: Json): [Schema, Json | undefined][] {
  const at = (node: unknown) => (typeof node === 'object' && node !== null ? (node as Json) : undefined);
  switch (schema.type) {
    case 'object':
    case 'loose_object':
    case 'strict_object':
      return Object.entries(schema.entries ?? {}).map(([key, entry]) => [entry, at(json.properties?.[key])]);
    case 'array':
      return schema.item ? [[schema.item, at(json.items)]] : [];
    case 'optional':
    case 'exact_optional':
      return schema.wrapped ? [[schema.wrapped, json]] : [];
    case 'nullable':
    case 'nullish':
      return schema.wrapped ? [[schema.wrapped, at(json.anyOf?.[0])]] : [];
    case 'union':
      return (schema.options ?? []).map((option, index) => [option, at(json.anyOf?.[index])]);
    default:
      return [];
  }
}

/**
 * How valibot schemas become the document's JSON Schemas. Requests as sent (`typeMode: 'input'`: a pipe is
 * read up to its first transform); the answers' schemas have no transforms, so for them input is output.
 * Components are referenced under #/components/schemas. The converter calls `overrideSchema` for a schema
 * without a pipe only, so a schema's `described` fields are merged by the schema that holds it (a pipe
 * included); the caller merges those of the root.
 */
const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  typeMode: 'input',
  // A custom check (a real calendar date, no repeated id) says nothing JSON Schema can; the description does.
  // A trim changes the value, not its type; the `override` pattern allows the whitespace as sent.
  ignoreActions: ['check', 'trim'],
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
  // JSON Schema patterns have no flags: a case-insensitive regex (ULID_PATTERN) is left to `override.pattern`.
  overrideAction: ({ valibotAction, jsonSchema }) => {
    if (valibotAction.type !== 'regex' || (valibotAction as v.RegexAction<string, undefined>).requirement.flags === '')
      return undefined;
    const { pattern: _flagged, ...rest } = jsonSchema;
    return rest;
  },
  // Edits the converter's JSON Schema in place; returns nothing, so that its errors still throw.
  overrideSchema: ({ valibotSchema, jsonSchema }) => {
    for (const [child, json] of children(valibotSchema as Shape, jsonSchema as Json)) {
      // A component's fields stand in components.schemas, not beside its $ref.
      if (json !== undefined && json.$ref === undefined) Object.assign(json, metaKeywords(child));
    }
    if (jsonSchema.required?.length === 0) delete jsonSchema.required;
    // Unknown fields are kept: said outright, so that generated types allow them.
    if (valibotSchema.type === 'loose_object') jsonSchema.additionalProperties = {};
    return undefined;
  },
};

/** A schema as the document writes it: a component by reference, any other inline (its $defs, the components, dropped). */
function render(schema: Schema): Json {
  const id = metaOf(schema)?.id;
  if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
  const json: Json = toJsonSchema(schema, { ...CONVERSION, definitions: Object.fromEntries(COMPONENTS) });
  delete json.$schema;
  delete json.$defs;
  return { ...json, ...metaKeywords(schema) };
}

/** Every described schema with an id, as #/components/schemas. */
function components(): Record<string, Json> {
  const definitions = Object.fromEntries(COMPONENTS);
  return Object.fromEntries(
    Object.entries(toJsonSchemaDefs(definitions, CONVERSION)).map(([id, json]) => [
      id,
      { ...json, ...metaKeywords(definitions[id] as Schema) },
    ]),
  );
}

/** The fields of an object schema (path or query parameters, request or response headers). */
function fields(schema: Schema): (Header & { name: string })[] {
  const { properties = {}, required = [] } = render(schema);
  return Object.entries(properties).map(([name, json]) => {
    const field = json as Json;
    return {
      name,
      ...(required.includes(name) ? { required: true as const } : {}),
      ...(field.description === undefined ? {} : { description: field.description }),
      schema: field,
    };
  });
}

function parameters(input: InputSchemas): Parameter[] {
  const parts = [
    ['path', input.params],
    ['query', input.query],
    ['header', input.headers],
  ] as const;
  return parts.flatMap(([location, schema]) =>
    schema === undefined ? [] : fields(schema).map((field) => ({ in: location, ...field })),
  );
}

function headers(named: Readonly<Record<string, Schema>>): Record<string, Header> {
  return Object.fromEntries(fields(v.object(named)).map(({ name, ...header }) => [name, header]));
}

const header = (description: string) => described(v.string(), { description });

const RESPONSE_HEADERS = {
  Location: header("The new account's URL."),
  ETag: header('The account version, "<version>"; send it back in If-Match.'),
};
const WWW_AUTHENTICATE = header('`Bearer`: the token is required (the function found its claims unusable).');
const RETRY_AFTER = header('Seconds to wait before retrying (sent with the problem, not by API Gateway).');
const APIGW_REQUEST_ID = header("API Gateway's id of the request.");

const isOptional = (schema: Schema): boolean => ['optional', 'exact_optional', 'nullish'].includes(schema.type);

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
function scimOperation(route: Route): Operation {
  const input = INPUTS[route.operationId];
  const answer = SCIM_ANSWERS[route.operationId];
  if (input === undefined || answer === undefined) throw new Error(`no SCIM documentation for ${route.operationId}`);
  const scimJson = (schema: Schema): Content => ({ 'application/scim+json': { schema: render(schema) } });
  const responses: Record<string, Response> = {
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
        ...(gateway.includes(status) ? { 'application/json': { schema: render(GatewayMessage) } } : {}),
      },
      ...(status === 401 ? { headers: headers({ 'WWW-Authenticate': WWW_AUTHENTICATE }) } : {}),
    };
  }
  return {
    operationId: route.operationId,
    summary: answer.summary,
    description: `${answer.description} Needs the \`${route.scope}\` scope; the function verifies the token itself.`,
    tags: [SCIM_TAG.name],
    security: [{ [SECURITY_SCHEME]: [] }],
    'x-scope': route.scope,
    parameters: parameters(input),
    ...(input.body ? { requestBody: { required: true, content: scimJson(input.body) } } : {}),
    responses,
  };
}

/** One error status: the function's problem, API Gateway's `{message}`, or both (two media types). */
function errorResponse(status: number, problem: boolean): Response {
  const gateway = GATEWAY_TEXT[status];
  const parts = [problem ? PROBLEM_TEXT[status] : undefined, gateway].filter((p): p is string => p !== undefined);
  const named: Record<string, Schema> = {};
  if (status === 401 && problem) named['WWW-Authenticate'] = WWW_AUTHENTICATE;
  if (status === 503 && problem) named['Retry-After'] = RETRY_AFTER;
  if (status === 429) named['apigw-requestid'] = APIGW_REQUEST_ID;
  return {
    description: parts.join(' Otherwise: ') || 'Problem',
    content: {
      ...(problem ? { 'application/problem+json': { schema: render(Problem) } } : {}),
      ...(gateway !== undefined ? { 'application/json': { schema: render(GatewayMessage) } } : {}),
    },
    ...(Object.keys(named).length > 0 ? { headers: headers(named) } : {}),
  };
}

function operation(route: Route): Operation {
  if (route.authenticatedBy === 'function') return scimOperation(route);
  const input = INPUTS[route.operationId];
  if (input === undefined) throw new Error(`no input schemas for ${route.operationId}`);
  const docs = OPERATIONS[route.operationId];
  if (docs === undefined) throw new Error(`no summary, description or tag for ${route.operationId}`);
  const successes = SUCCESSES[route.operationId] ?? [];
  const responses: Record<string, Response> = {};
  for (const success of successes) {
    responses[success.status] = {
      description: success.description,
      content: { 'application/json': { schema: render(success.schema) } },
      ...(success.headers
        ? { headers: headers(Object.fromEntries(success.headers.map((name) => [name, RESPONSE_HEADERS[name]]))) }
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
    parameters: parameters(input),
    ...(input.body
      ? {
          requestBody: {
            required: !isOptional(input.body),
            content: { 'application/json': { schema: render(input.body) } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document.
 *
 * @example
 * openApiDocument().paths['/accounts/{accountId}/status'].put.operationId // 'setStatus'
 */
function openApiDocument() {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
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
      schemas: components(),
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `Claims: sub, scope or scp (${Object.values(Scope).join(', ')}; each operation's \`x-scope\` names the one it needs) and domains (or "*").`,
        },
      },
    },
  };
}

export { openApiDocument };
