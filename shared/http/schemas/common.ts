/**
 * Building blocks of the route schemas (zod mini: small bundles), with the OpenAPI descriptions they
 * carry. Strings are checked as sent; emails are trimmed and lower-cased on the way in.
 */
import * as z from 'zod/mini';
import { STATUSES, type Status } from '../../domain/statuses';
import { DOMAIN_PATTERN, EMAIL_PATTERN } from '../../domain/email';

/** "is required" for a missing value; zod's own message otherwise. */
const required = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined) };

interface Meta {
  readonly description: string;
  /** Registers the schema as a reusable OpenAPI component. */
  readonly id?: string;
  readonly example?: unknown;
  /**
   * What the document says in place of zod's rendering, where zod renders the value after a transform: a
   * pattern that accepts what the server accepts as sent (any case, surrounding whitespace), not only its
   * canonical form.
   */
  readonly override?: Readonly<Record<string, unknown>>;
}

/** Attaches OpenAPI metadata (description, example, component id) in zod's global registry. */
function described<T extends z.ZodMiniType>(schema: T, meta: Meta): T {
  (z.globalRegistry as unknown as { add(schema: unknown, meta: Meta): unknown }).add(schema, meta);
  return schema;
}

const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

/**
 * A JSON Schema pattern (ECMA-262, no flags) for what a trimmed, lower-cased pattern accepts as sent: letters
 * in either case, whitespace around.
 *
 * @example
 * asSent(/^[a-z]+$/) // the pattern ^\s*[a-zA-Z]+\s*$
 */
function asSent(pattern: RegExp): string {
  const body = pattern.source
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replaceAll('[a-z0-9]', '[a-zA-Z0-9]')
    .replaceAll('[a-z0-9-]', '[a-zA-Z0-9-]')
    .replace(/\(\?=\.\{(\d+),(\d+)\}\$\)/, '(?=.{$1,$2}\\s*$$)');
  return `^\\s*${body}\\s*$`;
}
// eslint-disable-next-line no-control-regex -- the point is to reject control characters
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

const AccountId = described(
  z.pipe(
    z.string(required).check(z.regex(ULID_PATTERN, 'must be a ULID (26 characters of Crockford base32)')),
    z.transform((id: string) => id.toUpperCase()),
  ),
  {
    description: 'The account id, a ULID (either case).',
    example: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
    override: { pattern: '^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$' },
  },
);

const StatusSchema = described(z.enum(STATUSES as [Status, ...Status[]]), {
  description: 'An account status.',
  id: 'Status',
});

const Email = described(
  z
    .string(required)
    .check(z.maxLength(320), z.trim(), z.toLowerCase(), z.regex(EMAIL_PATTERN, 'must be an email address')),
  {
    description: 'An email address, in any case; trimmed and lower-cased.',
    example: 'ann@example.org',
    override: { pattern: asSent(EMAIL_PATTERN) },
  },
);

const Domain = described(
  z
    .string(required)
    .check(z.maxLength(253), z.trim(), z.toLowerCase(), z.regex(DOMAIN_PATTERN, 'must be a domain name')),
  {
    description: 'A mail domain, in any case; trimmed and lower-cased.',
    example: 'example.org',
    override: { pattern: asSent(DOMAIN_PATTERN) },
  },
);

const text = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must not be blank'),
      z.maxLength(max),
      z.regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
    );

const Reason = described(z.optional(z.nullable(text(500))), { description: 'Why; recorded in the history entry.' });

const DisplayName = described(z.nullable(text(256)), {
  description: 'The display name; null clears it.',
  example: 'Ann Example',
});

const LeaveDate = described(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')), {
  description: 'A UTC date, YYYY-MM-DD, from 30 days ago to a year ahead (by default).',
  example: '2026-03-01',
});

const EventId = described(
  z.string().check(z.maxLength(128), z.regex(PRINTABLE_ASCII, 'must be 1 to 128 printable ASCII characters')),
  { description: "The login service's id of the event; a repeat (same caller, within a day) counts once." },
);

/** A page size 1–200 in a query string. */
const Limit = described(
  z.pipe(
    z.string().check(z.regex(/^(?:[1-9]|[1-9]\d|1\d\d|200)$/, 'must be an integer from 1 to 200')),
    z.transform(Number),
  ),
  { description: 'Page size, 1–200 (default 50); pages may be short.', example: '50' },
);

const Cursor = described(z.string().check(z.minLength(1), z.maxLength(2048)), {
  description: 'The nextCursor of the previous page.',
});

/**
 * `true` or `false` in a query string, with its own description: a new schema each call, so two parameters
 * never share one instance (the registry keeps one description per instance; the second would overwrite it).
 */
const queryBoolean = (description: string) =>
  described(
    z.pipe(
      z.enum(['true', 'false'], 'must be true or false'),
      z.transform((value: 'true' | 'false') => value === 'true'),
    ),
    { description },
  );

/** What an address or a word of a display name starts with (`q`): case- and accent-insensitive. */
const SearchText = described(
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must not be blank'),
      z.maxLength(254),
      z.regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
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
  z.enum(['inactivity', 'leaver', 'retention', 'lockout'], 'must be inactivity, leaver, retention or lockout'),
  {
    description: 'A sweep: inactivity, leaver, retention or lockout.',
    example: 'inactivity',
  },
);

/** An instant, ISO 8601 with a time zone. */
const Instant = described(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }), {
  description: 'An instant, ISO 8601 with a time zone (default now; at most a year ahead).',
  example: '2026-12-31T00:00:00Z',
});

/** Comma-separated statuses in a query string; a repeat counts once (at most the 14 statuses reach the store). */
const StatusList = described(
  z.pipe(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((value: string) => value.split(',')),
      ),
      z.array(z.enum(STATUSES as [Status, ...Status[]], 'must list statuses, comma-separated')),
    ),
    z.transform((statuses: Status[]) => [...new Set(statuses)]),
  ),
  {
    description:
      'Only these statuses, comma-separated. Purged tombstones are listed only when deleted_permanent is asked for.',
  },
);

/** `"<version>"` as sent in ETag (or `*`); parsed to the version, undefined for `*`. */
const IfMatch = described(
  z.pipe(
    z.string().check(z.regex(/^(?:\*|"\d{1,15}")$/, 'must be an entity tag "<version>" as sent in ETag')),
    z.transform((value: string) => (value === '*' ? undefined : Number(value.slice(1, -1)))),
  ),
  { description: 'Apply only if the account is still at this version (its ETag); 412 otherwise.', example: '"3"' },
);

const IdempotencyKey = described(
  z.string().check(z.maxLength(255), z.regex(PRINTABLE_ASCII, 'must be 1 to 255 printable ASCII characters')),
  {
    description: 'Makes a retry safe: the same key and body within 24 hours returns the first response.',
    example: '6f1d4c0e-6a55-4c6e-9d59-2b1f1a4d7e10',
  },
);

const AccountParams = z.strictObject({ accountId: AccountId });

/** An optional body with only a reason. */
const ReasonBody = z.optional(z.strictObject({ reason: Reason }));

export {
  AccountId,
  AccountParams,
  Cursor,
  DisplayName,
  Domain,
  Email,
  EventId,
  IdempotencyKey,
  IfMatch,
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
  asSent,
  described,
  required,
};
