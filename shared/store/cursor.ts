/**
 * Page cursors: the LastEvaluatedKey of a Query as opaque base64url JSON. Decoding checks the shape and
 * that the key belongs to the query it is handed back to, so a cursor cannot be forged into another
 * domain, account or shard (and DynamoDB never sees a start key outside the query's key condition).
 */
import { createHash } from 'node:crypto';
import { InvalidCursorError } from '../errors';

type CursorKey = Readonly<Record<string, string>>;

interface CursorRule {
  /** Exactly the attributes the key must have (the table keys plus the index keys), all strings. */
  readonly fields: readonly string[];
  /** Whether the key lies inside the query that is being continued. */
  readonly matches: (key: CursorKey) => boolean;
}

/** Well above any key this table produces (keys are a few hundred bytes at most). */
const MAX_CURSOR_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The cursor for a Query's LastEvaluatedKey; null at the end.
 *
 * @example
 * encodeCursor(output.LastEvaluatedKey) // 'eyJQSyI6…' or null
 */
function encodeCursor(key: Readonly<Record<string, unknown>> | undefined): string | null {
  if (key === undefined) return null;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function parse(cursor: string): unknown {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor))
    throw new InvalidCursorError('the cursor is not valid');
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips what it cannot read; a cursor must be exactly what encodeCursor made.
  if (bytes.toString('base64url') !== cursor) throw new InvalidCursorError('the cursor is not valid');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidCursorError('the cursor is not valid');
  }
}

function isKey(value: unknown, fields: readonly string[]): value is CursorKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length === fields.length && entries.every(([name, v]) => fields.includes(name) && typeof v === 'string')
  );
}

/**
 * The ExclusiveStartKey a cursor stands for, checked against `rule`; InvalidCursorError for anything else.
 *
 * @example
 * decodeCursor(cursor, { fields: ['PK', 'SK'], matches: (key) => key.PK === `ACCOUNT#${accountId}` })
 */
function decodeCursor(cursor: string, rule: CursorRule): CursorKey {
  const key = parse(cursor);
  if (!isKey(key, rule.fields) || !rule.matches(key))
    throw new InvalidCursorError('the cursor does not belong to this query');
  return key;
}

/** Where a read over several partitions stands: shard `s`, and the key to go on from there (null: its start). */
interface ShardPosition {
  readonly s: number;
  readonly k: CursorKey | null;
}

/**
 * A short hash of a query's canonical parts: a shard cursor carries it, so it cannot be replayed into
 * another query (another domain, `q`, filter, sweep or `until`).
 *
 * @example
 * queryHash(['inactivity', 'example.org', until]) // 'Qx3…' (16 characters)
 */
function queryHash(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/**
 * The cursor of a read over several partitions, bound to its query by `hash`; `extra` holds what else the
 * reader needs to go on (a phase, …), as small JSON values.
 *
 * @example
 * encodeShardCursor(hash, { s: 3, k: output.LastEvaluatedKey ?? null }, { p: 2 })
 */
function encodeShardCursor(
  hash: string,
  position: ShardPosition,
  extra: Readonly<Record<string, unknown>> = {},
): string {
  return Buffer.from(JSON.stringify({ h: hash, ...extra, ...position }), 'utf8').toString('base64url');
}

/**
 * The position a shard cursor stands for, if it was made for the query `hash` names, its shard is one of
 * `shards` and it holds no fields but `extraFields`, which come back as `extra` for the reader to check.
 * InvalidCursorError otherwise.
 *
 * @example
 * const { s, k, extra } = decodeShardCursor(cursor, hash, 8, ['p']);
 */
function decodeShardCursor(
  cursor: string,
  hash: string,
  shards: number,
  extraFields: readonly string[] = [],
): ShardPosition & { readonly extra: Readonly<Record<string, unknown>> } {
  const value = parse(cursor);
  const invalid = () => new InvalidCursorError('the cursor does not belong to this query');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const { h, s, k, ...extra } = value as Record<string, unknown>;
  if (h !== hash || !Object.keys(extra).every((name) => extraFields.includes(name))) throw invalid();
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= shards) throw invalid();
  if (k !== null && !isKey(k, Object.keys(k ?? {}))) throw invalid();
  return { s, k: k as CursorKey | null, extra };
}

export { encodeCursor, decodeCursor, decodeShardCursor, encodeShardCursor, queryHash };
export type { CursorKey, CursorRule, ShardPosition };
