/**
 * Checking a value against a valibot schema, one way for every input the service parses (the HTTP routes'
 * input, sweep events and their continuations): each issue with the path of its field and a message people
 * read — "is required" for a missing value, "is not a known field" for an extra one — and an array refused
 * where an object is expected, which valibot's object schemas would take for an empty object.
 */
import * as v from 'valibot';
import { isDateTime } from './domain/instant';

/** Any schema of the service's inputs. */
type Schema = v.GenericSchema;

interface Issue {
  /** The keys from the value's root to the offending field (none: the value itself). */
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly Issue[] };

const OBJECT_TYPES: ReadonlySet<string> = new Set(['object', 'strict_object', 'loose_object']);

/** An array where `schema` (optional or not) wants an object. */
function arrayForObject(schema: Schema, value: unknown): boolean {
  const inner = schema.type === 'optional' ? (schema as unknown as { wrapped: Schema }).wrapped : schema;
  return Array.isArray(value) && OBJECT_TYPES.has(inner.type);
}

/** An issue's message: the service's own for a missing or unknown field, the schema's otherwise. */
function messageOf(issue: v.BaseIssue<unknown>): string {
  const last = issue.path?.at(-1);
  if (issue.kind === 'schema' && issue.expected === 'never' && last?.origin === 'key') return 'is not a known field';
  if (issue.kind === 'schema' && issue.input === undefined) return 'is required';
  return issue.message;
}

/**
 * `value` checked (and transformed) by `schema`, or every issue found.
 *
 * @example
 * checked(v.strictObject({ a: v.string() }), { b: 1 })
 * // { ok: false, issues: [{ path: ['a'], message: 'is required' }, { path: ['b'], message: 'is not a known field' }] }
 */
function checked<S extends Schema>(schema: S, value: unknown): Checked<v.InferOutput<S>> {
  if (arrayForObject(schema, value)) return { ok: false, issues: [{ path: [], message: 'must be a JSON object' }] };
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((item) => item.key as PropertyKey),
      message: messageOf(issue),
    })),
  };
}

/** An instant as text: RFC 3339 with a time zone (shared/domain/instant.ts). A new schema each call. */
const dateTime = () => v.pipe(v.string(), v.check(isDateTime, 'must be an ISO 8601 date-time with a time zone'));

export { checked, dateTime };
export type { Checked, Issue, Schema };
