/**
 * The domain objects an item holds, as the store and the stream consumers read them alike: every field of
 * the type, absent ones as null; keys, `rev`, TTL and derived index attributes left out. No AWS imports, so
 * a stream consumer reads its images without loading the store.
 */
import type { Account, HistoryEntry } from '../domain/account';

type Item = Record<string, unknown>;

const ACCOUNT_FIELDS = [
  'accountId',
  'email',
  'domain',
  'displayName',
  'status',
  'statusSince',
  'statusReason',
  'updatedBy',
  'updatedAt',
  'version',
  'inProgress',
  'leaver',
  'lock',
  'lastActivityAt',
  'deletedAt',
  'purgeAfter',
  'createdAt',
  'failedLogins',
  'stuckAlert',
  'externalId',
  'name',
  'wanted',
] as const satisfies readonly (keyof Account)[];
// Compile-time check that ACCOUNT_FIELDS names every field of Account.
const _everyAccountField: [Exclude<keyof Account, (typeof ACCOUNT_FIELDS)[number]>] extends [never] ? true : never =
  true;

const HISTORY_FIELDS = [
  'id',
  'accountId',
  'domain',
  'at',
  'from',
  'to',
  'action',
  'actor',
  'reason',
  'requestId',
] as const satisfies readonly (keyof HistoryEntry)[];
const _everyHistoryField: [Exclude<keyof HistoryEntry, (typeof HISTORY_FIELDS)[number]>] extends [never]
  ? true
  : never = true;

/** `fields` of `item`, in that order, absent ones as null. */
function pick<T>(item: Item, fields: readonly string[]): T {
  return Object.fromEntries(fields.map((field) => [field, item[field] ?? null])) as T;
}

/** Fields only some accounts have (an identity provider's profile and wish): left out when absent or null. */
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['externalId', 'name', 'wanted'] satisfies (keyof Account)[]);

/**
 * The Account an account item holds (also: the fields of an Account as the store writes them).
 *
 * @example
 * toAccount({ PK: 'ACCOUNT#01J…', SK: 'ACCOUNT', rev: 3, accountId: '01J…', status: 'active', … }).status // 'active'
 */
const toAccount = (item: Item): Account =>
  pick<Account>(
    item,
    ACCOUNT_FIELDS.filter((field) => !OPTIONAL_FIELDS.has(field) || (item[field] ?? null) !== null),
  );

/** The HistoryEntry a history item holds. */
const toHistoryEntry = (item: Item): HistoryEntry => pick<HistoryEntry>(item, HISTORY_FIELDS);

export { ACCOUNT_FIELDS, pick, toAccount, toHistoryEntry };
export type { Item };
