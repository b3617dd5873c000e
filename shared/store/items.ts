/**
 * The domain objects an item holds, as the store and the stream consumers read them alike: every field of
 * the type, absent ones as null, the revision from `rev`; keys, TTL and derived index attributes left out. No AWS imports, so
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
// Compile-time check that ACCOUNT_FIELDS names every field of Account but the revision (kept as `rev`).
const _everyAccountField: [Exclude<keyof Account, (typeof ACCOUNT_FIELDS)[number] | 'revision'>] extends [never]
  ? true
  : never = true;

/** The item attribute holding the account's revision. */
const REV = 'rev';

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
 * The Account an account item holds, at the item's revision (also: an Account's fields as the store
 * writes them). An identity provider's profile and wish are there only where the account has them.
 *
 * @example
 * toAccount({ PK: 'ACCOUNT#01J…', SK: 'ACCOUNT', rev: 3, accountId: '01J…', status: 'active', … }).revision // 3
 */
const toAccount = (item: Item): Account => ({ ...accountAttributes(item), revision: item[REV] as number });

/** The attributes an account item holds for `account` (its fields, the revision apart). */
function accountAttributes(account: Item | Account): Omit<Account, 'revision'> {
  const item = account as Item;
  const present = ACCOUNT_FIELDS.filter((field) => !OPTIONAL_FIELDS.has(field) || (item[field] ?? null) !== null);
  return pick<Omit<Account, 'revision'>>(item, present);
}

/** The HistoryEntry a history item holds. */
const toHistoryEntry = (item: Item): HistoryEntry => pick<HistoryEntry>(item, HISTORY_FIELDS);

export { accountAttributes, ACCOUNT_FIELDS, REV, pick, toAccount, toHistoryEntry };
export type { Item };
