/**
 * What a route accepts, as a parser the validation middleware runs: path parameters, query, the headers
 * the route reads, and the JSON body. The schema adapter (./schema-input.ts) builds one from schemas; the access
 * function, kept tiny, may bring its own. Paths of errors follow SPEC §4: a JSON Pointer for body fields,
 * `query.<name>`, `header.<name>`, `path.<name>`, and `/` for a body that is not JSON.
 */
import type { FieldError } from '../errors';

type Fields = Readonly<Record<string, string | undefined>>;

interface RawInput {
  readonly params: Fields;
  readonly query: Fields;
  /** Lower-case names. */
  readonly headers: Fields;
  /** The parsed JSON body; undefined when none was sent. */
  readonly body: unknown;
}

type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

type InputParser<T> = (raw: RawInput) => Parsed<T>;

export type { Fields, InputParser, Parsed, RawInput };
