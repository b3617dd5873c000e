/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-parse-filter and planned into key lookups: the
 * filters identity providers send — `userName eq "…"`, `externalId eq "…"`, `id eq "…"`, and `and`/`or` of
 * them — become, per alternative, one GetItem (id, userName) or one Query of a lookup partition
 * (externalId), never a Scan. Anything else is 400 invalidFilter.
 */
import type { Compare, Filter, LogExp } from 'scim2-parse-filter';
import { once } from '../lazy-modules';
import { CORE_USER } from './documents';
import { badRequest, ScimType } from './errors';
import type * as FilterParserModule from './libraries/filter-parser';

type FilterParser = typeof FilterParserModule;

/**
 * scim2-parse-filter, loaded on the first list with a filter (SPEC §8: what a function needs only sometimes
 * is loaded when first needed). In a Lambda bundle it is a file of its own (shared/lazy-modules.ts); run from
 * source, the module.
 */
const loadFilterParser = once((): Promise<FilterParser> =>
  process.env.BUNDLED_SCIM_FILTER_MODULE
    ? (import(process.env.BUNDLED_SCIM_FILTER_MODULE) as Promise<FilterParser>)
    : import('./libraries/filter-parser'),
);

/** The attributes a filter may compare, as the plan names them. */
type Key = 'id' | 'userName' | 'externalId';

interface Term {
  readonly key: Key;
  readonly value: string;
}

/** One alternative: every term must hold (at least one term). */
type Conjunction = readonly Term[];

/** The filter as alternatives (disjunctive normal form): a user matches when one alternative holds. */
type FilterPlan = readonly Conjunction[];

/** At most this many alternatives (each a lookup) per filter. */
const MAX_ALTERNATIVES = 20;
const KEYS: Readonly<Record<string, Key>> = { id: 'id', username: 'userName', externalid: 'externalId' };

const invalid = (detail: string) => badRequest(ScimType.INVALID_FILTER, detail);

/** The attribute a path names: `userName`, or with the core schema's URN before it. */
function keyOf(attrPath: string): Key {
  const prefix = `${CORE_USER}:`.toLowerCase();
  const lower = attrPath.toLowerCase();
  const key = KEYS[lower.startsWith(prefix) ? lower.slice(prefix.length) : lower];
  if (key === undefined)
    throw invalid(`filter: "${attrPath}" cannot be filtered on; use userName, externalId or id with eq.`);
  return key;
}

function plan(filter: Filter): Conjunction[] {
  switch (filter.op) {
    case 'eq': {
      const { attrPath, compValue } = filter as Compare;
      const key = keyOf(attrPath);
      if (typeof compValue !== 'string') throw invalid(`filter: ${attrPath} is compared with a string.`);
      return [[{ key, value: compValue }]];
    }
    case 'or':
      return (filter as LogExp).filters.flatMap(plan);
    case 'and':
      return (filter as LogExp).filters
        .map(plan)
        .reduce<Conjunction[]>((acc, alternatives) => acc.flatMap((a) => alternatives.map((b) => [...a, ...b])), [[]]);
    default:
      throw invalid(`filter: the operator "${filter.op}" is not supported; use eq, and, or.`);
  }
}

/**
 * The plan of a filter, parsed by scim2-parse-filter (`parser`, from loadFilterParser); 400 invalidFilter for
 * one that does not parse or compares anything but userName, externalId or id with eq.
 *
 * @example
 * planFilter('userName eq "ann@example.org" or externalId eq "00u1"', await loadFilterParser())
 * // [[{ key: 'userName', value: 'ann@example.org' }], [{ key: 'externalId', value: '00u1' }]]
 */
function planFilter(text: string, parser: FilterParser): FilterPlan {
  let parsed: Filter;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    throw invalid(`filter: ${(error as Error).message}`);
  }
  const alternatives = plan(parsed);
  if (alternatives.length > MAX_ALTERNATIVES)
    throw invalid(`filter: at most ${MAX_ALTERNATIVES} alternatives are supported.`);
  return alternatives;
}

export { loadFilterParser, planFilter };
export type { Conjunction, FilterParser, FilterPlan, Key, Term };
