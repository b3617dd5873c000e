/**
 * The OpenAPI metadata of the route schemas: `described` attaches a description, an example and a
 * component id to a schema; shared/http/openapi.ts reads them back when it builds the document.
 */
import type { Schema } from '../../validation';

interface Meta {
  readonly description: string;
  /** Registers the schema as a reusable OpenAPI component. */
  readonly id?: string;
  readonly example?: unknown;
  /**
   * What the document says in place of the converter's rendering, where it would render the value after a
   * transform: a pattern that accepts what the server accepts as sent (any case, surrounding whitespace),
   * not only its canonical form.
   */
  readonly override?: Readonly<Record<string, unknown>>;
}

/** The OpenAPI metadata of each described schema (read by shared/http/openapi.ts only). */
const META = new WeakMap<object, Meta>();
/** The described schemas that are OpenAPI components, by id. */
const COMPONENTS = new Map<string, Schema>();

/** Attaches OpenAPI metadata (description, example, component id) to a schema, which it returns. */
function described<T extends Schema>(schema: T, meta: Meta): T {
  META.set(schema, meta);
  if (meta.id !== undefined) COMPONENTS.set(meta.id, schema);
  return schema;
}

/** The metadata `described` attached to `schema`, if any. */
const metaOf = (schema: object): Meta | undefined => META.get(schema);

export { COMPONENTS, described, metaOf };
export type { Meta, Schema };
