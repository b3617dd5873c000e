/**
 * The valibot adapter of route input: strict objects (unknown fields are invalid), each issue reported at
 * its SPEC §4 path (the messages: shared/validation.ts).
 */
import * as v from 'valibot';
import type { FieldError } from '../errors';
import { checked, type Schema } from '../validation';
import type { Fields, InputParser, RawInput } from './input';

interface InputSchemas {
  readonly params?: Schema;
  readonly query?: Schema;
  readonly headers?: Schema;
  readonly body?: Schema;
  /** The query string is not read at all (the public routes: cache busting is fine, SPEC §4). */
  readonly ignoreQuery?: true;
}

type Part = 'params' | 'query' | 'headers' | 'body';

/** The parsed input of `S`: each part's output type, undefined where the route takes none. */
type InputOf<S extends InputSchemas> = {
  readonly [K in Part]: S[K] extends Schema ? v.InferOutput<S[K]> : undefined;
};

type PathStyle = (segments: readonly PropertyKey[]) => string;

/** RFC 6901: `~` and `/` escaped. */
const pointer: PathStyle = (segments) =>
  `/${segments.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
const dotted =
  (prefix: string): PathStyle =>
  (segments) =>
    `${prefix}.${String(segments[0] ?? '')}`;

const STYLE: Readonly<Record<Part, PathStyle>> = {
  params: dotted('path'),
  query: dotted('query'),
  headers: dotted('header'),
  body: pointer,
};

/** Only the headers the schema names are read (every request carries many others). */
function pickHeaders(schema: Schema, headers: Fields): Fields {
  const entries = (schema as { entries?: Record<string, unknown> }).entries ?? {};
  return Object.fromEntries(Object.keys(entries).map((name) => [name, headers[name]]));
}

const NONE = v.strictObject({});

/**
 * A parser from schemas; a part without a schema must be empty (no query parameters, no body).
 *
 * @example
 * const input = schemaInput({ params: v.strictObject({ accountId: AccountId }), body: StatusBody });
 */
function schemaInput<const S extends InputSchemas>(schemas: S): InputParser<InputOf<S>> {
  return (raw: RawInput) => {
    const errors: FieldError[] = [];
    const value: Record<string, unknown> = {};
    const parts: Record<Part, unknown> = {
      params: raw.params,
      query: raw.query,
      headers: schemas.headers ? pickHeaders(schemas.headers, raw.headers) : {},
      body: raw.body,
    };
    for (const part of ['params', 'query', 'headers', 'body'] as const) {
      const schema = schemas[part];
      if (part === 'query' && schemas.ignoreQuery) continue;
      if (schema === undefined && part === 'body') {
        if (raw.body !== undefined) errors.push({ path: '/', message: 'this request takes no body' });
        continue;
      }
      const result = checked(schema ?? NONE, parts[part]);
      if (result.ok) value[part] = schema === undefined ? undefined : result.value;
      else errors.push(...result.issues.map((issue) => ({ path: STYLE[part](issue.path), message: issue.message })));
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as InputOf<S> };
  };
}

export { schemaInput };
export type { InputOf, InputSchemas };
