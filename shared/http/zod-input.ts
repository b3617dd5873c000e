/**
 * The zod (mini) adapter of route input: strict objects (unknown fields are invalid), each issue reported
 * at its SPEC §4 path. zod/mini keeps the functions' bundles small; the English messages are loaded here.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { FieldError } from '../errors';
import type { Fields, InputParser, RawInput } from './input';

z.config(en());

type Schema = z.ZodMiniType;

interface InputSchemas {
  readonly params?: Schema;
  readonly query?: Schema;
  readonly headers?: Schema;
  readonly body?: Schema;
}

/** The parsed input of `S`: each part's output type, undefined where the route takes none. */
type InputOf<S extends InputSchemas> = {
  readonly [K in keyof Required<InputSchemas>]: S[K] extends Schema ? z.output<S[K]> : undefined;
};

type PathStyle = (segments: readonly PropertyKey[]) => string;

/** RFC 6901: `~` and `/` escaped. */
const pointer: PathStyle = (segments) =>
  `/${segments.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
const dotted =
  (prefix: string): PathStyle =>
  (segments) =>
    `${prefix}.${String(segments[0] ?? '')}`;

const STYLE: Readonly<Record<keyof InputSchemas, PathStyle>> = {
  params: dotted('path'),
  query: dotted('query'),
  headers: dotted('header'),
  body: pointer,
};

/** One error per issue; an unknown key is reported at its own path. */
function fieldErrors(issues: readonly z.core.$ZodIssue[], style: PathStyle): FieldError[] {
  return issues.flatMap((issue): FieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: style([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: style(issue.path), message: issue.message }],
  );
}

/** Only the headers the schema names are read (every request carries many others). */
function pickHeaders(schema: Schema, headers: Fields): Fields {
  const shape = (schema as unknown as { _zod: { def: { shape?: Record<string, unknown> } } })._zod.def.shape ?? {};
  return Object.fromEntries(Object.keys(shape).map((name) => [name, headers[name]]));
}

const NONE = z.strictObject({});

/**
 * A parser from schemas; a part without a schema must be empty (no query parameters, no body).
 *
 * @example
 * const input = zodInput({ params: z.strictObject({ accountId: AccountId }), body: StatusBody });
 */
function zodInput<const S extends InputSchemas>(schemas: S): InputParser<InputOf<S>> {
  return (raw: RawInput) => {
    const errors: FieldError[] = [];
    const value: Record<string, unknown> = {};
    const parts: Record<keyof InputSchemas, unknown> = {
      params: raw.params,
      query: raw.query,
      headers: schemas.headers ? pickHeaders(schemas.headers, raw.headers) : {},
      body: raw.body,
    };
    for (const part of ['params', 'query', 'headers', 'body'] as const) {
      const schema = schemas[part];
      if (schema === undefined && part === 'body') {
        if (raw.body !== undefined) errors.push({ path: '/', message: 'this request takes no body' });
        continue;
      }
      const result = (schema ?? NONE).safeParse(parts[part]);
      if (result.success) value[part] = schema === undefined ? undefined : result.data;
      else errors.push(...fieldErrors(result.error.issues, STYLE[part]));
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as InputOf<S> };
  };
}

export { zodInput };
export type { InputOf, InputSchemas };
