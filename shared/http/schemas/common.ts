/**
 * Building blocks of the accounts routes' schemas (valibot: each schema a small plain object, cheap to build
 * when a function starts — docs/design.md says why not zod), with the OpenAPI descriptions they carry
 * (./meta.ts). Strings are checked as sent. Who an account is — id, address, domain, name — is
 * ./identity.ts, re-exported here.
 */
import * as v from 'valibot';
import { STATUSES, type Status } from '../../domain/statuses';
import { DATE_TIME } from '../../domain/instant';
import { dateTime } from '../../validation';
import { AccountId, DisplayName, Domain, Email, ULID_PATTERN } from './identity';
import { described } from './meta';

// eslint-disable-next-line no-control-regex -- the point is to reject control characters
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

const StatusSchema = described(v.picklist(STATUSES as [Status, ...Status[]]), {
  description: 'An account status.',
  id: 'Status',
});

const text = (max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'must not be blank'),
    v.maxLength(max),
    v.regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
  );

const Reason = described(v.optional(v.nullable(text(500))), { description: 'Why; recorded in the history entry.' });

const LeaveDate = described(v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')), {
  description: 'A UTC date, YYYY-MM-DD, from 30 days ago to a year ahead (by default).',
  example: '2026-03-01',
});

/** A page size 1–200 in a query string. */
const Limit = described(
  v.pipe(v.string(), v.regex(/^(?:[1-9]|[1-9]\d|1\d\d|200)$/, 'must be an integer from 1 to 200'), v.transform(Number)),
  { description: 'Page size, 1–200 (default 50); pages may be short.', example: '50' },
);

const Cursor = described(v.pipe(v.string(), v.minLength(1), v.maxLength(2048)), {
  description: 'The nextCursor of the previous page.',
});

/**
 * `true` or `false` in a query string, with its own description: a new schema each call, so two parameters
 * never share one instance (the registry keeps one description per instance; the second would overwrite it).
 */
const queryBoolean = (description: string) =>
  described(
    v.pipe(
      v.picklist(['true', 'false'], 'must be true or false'),
      v.transform((value: 'true' | 'false') => value === 'true'),
    ),
    { description },
  );

/** What an address or a word of a display name starts with (`q`): case- and accent-insensitive. */
const SearchText = described(
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'must not be blank'),
    v.maxLength(254),
    v.regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
  ),
  {
    description:
      "Only accounts whose address (its local part or the whole of it), or a word of whose display name, starts with this; case- and accent-insensitive ('jose' finds José). Address matches come first, by address.",
    example: 'jo',
    override: { pattern: '^\\s*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$' },
  },
);

/** A sweep that has a preview. */
const SweepSchema = described(
  v.picklist(['inactivity', 'leaver', 'retention', 'lockout'], 'must be inactivity, leaver, retention or lockout'),
  {
    description: 'A sweep: inactivity, leaver, retention or lockout.',
    example: 'inactivity',
  },
);

/** An instant, ISO 8601 (RFC 3339) with a time zone. */
const Instant = described(dateTime(), {
  description: 'An instant, ISO 8601 with a time zone (default now; at most a year ahead).',
  example: '2026-12-31T00:00:00Z',
  override: { format: 'date-time', pattern: DATE_TIME.source },
});

/** Comma-separated statuses in a query string; a repeat counts once (at most the 14 statuses reach the store). */
const StatusList = described(
  v.pipe(
    v.string(),
    v.transform((value: string) => value.split(',')),
    v.array(v.picklist(STATUSES as [Status, ...Status[]], 'must list statuses, comma-separated')),
    v.transform((statuses: Status[]) => [...new Set(statuses)]),
  ),
  {
    description:
      'Only these statuses, comma-separated. Purged tombstones are listed only when deleted_permanent is asked for.',
  },
);

/** One element of an If-Match list: an entity tag, weak or strong, or nothing (RFC 9110 #rule). */
const IF_MATCH_ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(?:,|$)/y;

/**
 * An If-Match field value (RFC 9110 §13.1.1): `*`, or a list of entity tags. The versions it accepts with
 * strong comparison: a strong tag `"<version>"`; a weak tag `W/"…"` or any other opaque tag never matches
 * (412, not 400). Undefined for `*`; null when malformed.
 *
 * @example
 * parseIfMatch('"0", "13"') // [0, 13]
 * parseIfMatch('W/"13"')    // [] — nothing can match
 * parseIfMatch('13')        // null — malformed
 */
function parseIfMatch(value: string): readonly number[] | undefined | null {
  if (value.trim() === '*') return undefined;
  const versions: number[] = [];
  let tags = 0;
  IF_MATCH_ELEMENT.lastIndex = 0;
  while (IF_MATCH_ELEMENT.lastIndex < value.length) {
    const start = IF_MATCH_ELEMENT.lastIndex;
    const match = IF_MATCH_ELEMENT.exec(value);
    if (match === null || IF_MATCH_ELEMENT.lastIndex === start) return null;
    const [, weak, opaque] = match;
    if (opaque === undefined) continue;
    tags += 1;
    if (weak === undefined && /^\d{1,15}$/.test(opaque)) versions.push(Number(opaque));
  }
  return tags === 0 ? null : versions;
}

/** If-Match, parsed to the versions it accepts (undefined for `*`). */
const IfMatch = described(
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }: v.RawTransformContext<string>) => {
      const versions = parseIfMatch(dataset.value);
      if (versions !== null) return versions;
      addIssue({ message: 'must be * or a list of entity tags, e.g. "3" as sent in ETag' });
      return NEVER;
    }),
  ),
  {
    description:
      'Apply only if the account is still at one of these versions (entity tags as sent in ETag, compared ' +
      'strongly: a weak tag never matches) or `*`; 412 otherwise.',
    example: '"3"',
  },
);

const IdempotencyKey = described(
  v.pipe(v.string(), v.maxLength(255), v.regex(PRINTABLE_ASCII, 'must be 1 to 255 printable ASCII characters')),
  {
    description: 'Makes a retry safe: the same key and body within 24 hours returns the first response.',
    example: '6f1d4c0e-6a55-4c6e-9d59-2b1f1a4d7e10',
  },
);

const AccountParams = v.strictObject({ accountId: AccountId });

/** An optional body with only a reason. */
const ReasonBody = v.optional(v.strictObject({ reason: Reason }));

export {
  AccountId,
  AccountParams,
  Cursor,
  DisplayName,
  Domain,
  Email,
  IdempotencyKey,
  IfMatch,
  parseIfMatch,
  LeaveDate,
  Instant,
  Limit,
  queryBoolean,
  Reason,
  ReasonBody,
  StatusList,
  SearchText,
  StatusSchema,
  SweepSchema,
  ULID_PATTERN,
  described,
};
