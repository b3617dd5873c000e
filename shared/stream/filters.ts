/**
 * Which table-stream records each consumer sees, declared once: the CDK stack hands the patterns to the
 * event-source mappings as FilterCriteria (`FilterCriteria.filter(pattern)`), and the local stream poller
 * applies the very same patterns with `matchesFilter`.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { DISPATCH, HISTORY_PREFIX } from '../store/keys';
import { TABLE } from '../store/table';

/** A Lambda event-filter pattern (the EventBridge pattern syntax). */
type FilterPattern = Readonly<Record<string, unknown>>;

/**
 * The worker: writes that start a round of an in-progress operation — the store writes `dispatch`
 * (`<operationId>#<round>`) on exactly those writes and on no other (so a failure record never re-triggers).
 */
const WORKER_PATTERN: FilterPattern = { dynamodb: { NewImage: { [DISPATCH]: { S: [{ exists: true }] } } } };

/** The change-event publisher: inserted history entries. */
const EVENTS_PATTERN: FilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { [TABLE.sortKey.name]: { S: [{ prefix: HISTORY_PREFIX }] } } },
};

/** The stream consumers and their filter patterns (a record is delivered when any pattern matches). */
const STREAM_CONSUMERS = {
  worker: [WORKER_PATTERN],
  events: [EVENTS_PATTERN],
} as const satisfies Record<string, readonly FilterPattern[]>;
type StreamConsumer = keyof typeof STREAM_CONSUMERS;

/** The entry file of each stream consumer, relative to the repository root (the CDK stack and the local stack). */
const STREAM_CONSUMER_ENTRIES: Readonly<Record<StreamConsumer, string>> = {
  worker: 'functions/stream/worker.ts',
  events: 'functions/stream/events.ts',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One rule of a pattern's leaf list: a literal, `{exists}`, `{prefix}` or `{anything-but}`. */
function matchesRule(rule: unknown, present: boolean, value: unknown): boolean {
  if (isObject(rule)) {
    if ('exists' in rule) return present === rule.exists;
    if (!present) return false;
    if ('prefix' in rule)
      return typeof value === 'string' && typeof rule.prefix === 'string' && value.startsWith(rule.prefix);
    if ('anything-but' in rule) {
      const excluded = Array.isArray(rule['anything-but']) ? rule['anything-but'] : [rule['anything-but']];
      return !excluded.includes(value);
    }
    throw new Error(`unsupported filter rule ${JSON.stringify(rule)}`);
  }
  return present && value === rule;
}

function matchesNode(pattern: unknown, present: boolean, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((rule) => matchesRule(rule, present, value));
  if (!isObject(pattern)) throw new Error(`bad filter pattern ${JSON.stringify(pattern)}`);
  const node = isObject(value) ? value : undefined;
  return Object.entries(pattern).every(([key, sub]) => {
    const has = node !== undefined && Object.hasOwn(node, key);
    return matchesNode(sub, has, has ? node[key] : undefined);
  });
}

/**
 * Whether a stream record matches any of `patterns`, as Lambda's event filtering decides it for the
 * subset used here: nested objects, literal lists, `exists`, `prefix` and `anything-but`.
 *
 * @example
 * matchesFilter(record, STREAM_CONSUMERS.worker) // true for the write that started an operation
 */
function matchesFilter(record: DynamoDBRecord, patterns: readonly FilterPattern[]): boolean {
  return patterns.some((pattern) => matchesNode(pattern, true, record));
}

export { STREAM_CONSUMERS, STREAM_CONSUMER_ENTRIES, matchesFilter };
export type { FilterPattern, StreamConsumer };
