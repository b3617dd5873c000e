/**
 * Every response the test suite sees is checked against GET /openapi.json by a kept OpenAPI validator
 * (openapi-backend: its router finds the operation, its Ajv validators check the body and the headers
 * declared for the status). openapi-backend validates `application/json` bodies; so that problem bodies
 * are checked too, each media type gets its own view of the document in which that media type's schemas
 * stand under `application/json`. What is checked here beyond the library: that the status is declared
 * and that the response's media type is one the document lists for it. (`quick`: openapi-backend's own
 * check of the document knows OpenAPI 3.0 only; the document is linted for 3.1 by npm run lint.)
 */
import OpenAPIBackend, { type Document } from 'openapi-backend';
import { openApiDocument } from '../../shared/http/openapi';

interface Seen {
  readonly method: string;
  /** The path as sent (a query string is ignored). */
  readonly path: string;
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

type Responses = Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;

const MEDIA_TYPES = ['application/json', 'application/problem+json', 'application/scim+json'] as const;

/** The document with `mediaType`'s schemas under `application/json` (and no other content). */
function viewFor(document: Document, mediaType: string): Document {
  const view = structuredClone(document) as unknown as {
    paths: Record<string, Record<string, { responses?: Responses }>>;
  };
  for (const item of Object.values(view.paths)) {
    for (const operation of Object.values(item)) {
      for (const response of Object.values(operation.responses ?? {})) {
        const content = response.content?.[mediaType];
        if (content === undefined) delete response.content;
        else response.content = { 'application/json': content };
      }
    }
  }
  return view as unknown as Document;
}

let validators: Promise<Record<string, OpenAPIBackend>> | undefined;

function load(): Promise<Record<string, OpenAPIBackend>> {
  validators ??= (async () => {
    const document = openApiDocument() as unknown as Document;
    const entries = await Promise.all(
      MEDIA_TYPES.map(async (mediaType) => {
        const backend = new OpenAPIBackend({ definition: viewFor(document, mediaType), validate: true, quick: true });
        await backend.init();
        return [mediaType, backend] as const;
      }),
    );
    return Object.fromEntries(entries);
  })();
  return validators;
}

/**
 * The ways `seen` departs from the document; empty when it conforms (or when no operation matches the
 * path: API Gateway's own 404, which the document cannot attach to an operation).
 *
 * @example
 * expect(await responseProblems({ method: 'GET', path: '/domains', status: 200, headers, body })).toEqual([]);
 */
async function responseProblems(seen: Seen): Promise<string[]> {
  const backends = await load();
  const json = backends['application/json']!;
  const path = seen.path.split('?')[0] ?? '';
  const operation = json.router.matchOperation({ method: seen.method.toLowerCase(), path, headers: {} });
  if (operation === undefined) return [];
  const name = `${seen.method.toUpperCase()} ${operation.path} ${seen.status}`;
  const declared = (openApiDocument() as unknown as { paths: Record<string, Record<string, { responses: Responses }>> })
    .paths[operation.path]?.[seen.method.toLowerCase()]?.responses[String(seen.status)];
  if (declared === undefined) return [`${name}: the status is not declared`];
  const mediaType = (seen.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (seen.body === '' && declared.content === undefined) return [];
  if (declared.content?.[mediaType] === undefined)
    return [`${name}: ${mediaType || 'no content type'} is not declared`];
  const backend = backends[mediaType];
  if (backend === undefined) return [`${name}: ${mediaType} has no validator`];
  let body: unknown;
  try {
    body = JSON.parse(seen.body);
  } catch {
    return [`${name}: the body is not JSON`];
  }
  const problems: string[] = [];
  const result = backend.validator.validateResponse(body, operation.operationId!, seen.status);
  for (const error of result.errors ?? []) problems.push(`${name}: body ${error.instancePath} ${error.message}`);
  const headers = backend.validator.validateResponseHeaders(seen.headers, operation.operationId!, {
    statusCode: seen.status,
  });
  for (const error of headers.errors ?? []) problems.push(`${name}: headers ${error.instancePath} ${error.message}`);
  return problems;
}

/** Throws when `seen` departs from the document (the API helper calls it for every response). */
async function assertDocumented(seen: Seen): Promise<void> {
  const problems = await responseProblems(seen);
  if (problems.length > 0) {
    throw new Error(`the response departs from /openapi.json:\n${problems.join('\n')}\n${seen.body.slice(0, 500)}`);
  }
}

export { assertDocumented, responseProblems };
export type { Seen };
