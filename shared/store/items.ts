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

/**
 * The Account an account item holds, at the item's revision.
 *
 * @example
 * toAccount({ PK: 'ACCOUNT#01J…', SK: 'ACCOUNT', rev: 3, accountId: '01J…', status: 'active', … }).revision // 3
 */
const toAccount = (item: Item): Account => ({
  ...pick<Omit<Account, 'revision'>>(item, ACCOUNT_FIELDS),
  revision: item[REV] as number,
});

/** The HistoryEntry a history item holds. */
const toHistoryEntry = (item: Item): HistoryEntry => pick<HistoryEntry>(item, HISTORY_FIELDS);

export { ACCOUNT_FIELDS, REV, pick, toAccount, toHistoryEntry };
export type { Item };
