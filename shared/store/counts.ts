/**
 * Exact per-domain counts (SPEC §4 "Counts and searches cost what they return"), kept in the same transaction
 * as each change. A domain's counts live in COUNT_SHARDS counter items, `COUNT#<domain>#<nn>`; a write adds
 * its delta (what the account counted as before, subtracted; what it counts as now, added) to ONE shard
 * drawn at random, so one domain changing 1,000 accounts a second writes each counter item about
 * 1,000 / COUNT_SHARDS times a second and two concurrent transactions rarely touch the same counter item.
 * A reader sums the shards with one TransactGetItems: serializable with the writes, so the sum is the state
 * after some set of whole transactions — never half of one (docs/design.md, "Counts").
 *
 * Accounts written before counting existed carry no `counted` mark: the store adds their whole
 * contribution the first time it writes them (and the backfill writes each of them once).
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Account } from '../domain/account';
import { isStuck } from '../domain/resource';
import { STATUSES, type Status } from '../domain/statuses';
import type { DomainCounts } from './admin-port';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

/** Counter items per domain: a summary reads this many items (SPEC §8: at most 20). */
const COUNT_SHARDS = 8;
const COUNT_PREFIX = 'COUNT#';
const COUNT_SK = 'COUNT';
/** The domain registry: one item per domain that ever had an account, in one small partition. */
const DOMAINS_PK = 'DOMAINS';
/** The mark of an account item whose contribution the counters hold. */
const COUNTED = 'counted';

const STATUS_ATTRIBUTE = (status: Status): string => `s_${status}`;
const LEAVERS = 'leavers';
const IN_PROGRESS = 'inProgress';
const STUCK = 'stuck';

const countKey = (domain: string, shard: number): { PK: string; SK: string } => ({
  PK: `${COUNT_PREFIX}${domain}#${String(shard).padStart(2, '0')}`,
  SK: COUNT_SK,
});
const domainRegistryKey = (domain: string): { PK: string; SK: string } => ({ PK: DOMAINS_PK, SK: domain });

/** The counter attributes an account adds 1 to. A purged tombstone counts only as `deleted_permanent`. */
function contribution(account: Account): string[] {
  const attributes = [STATUS_ATTRIBUTE(account.status)];
  if (account.leaver !== null) attributes.push(LEAVERS);
  if (account.inProgress !== null) attributes.push(IN_PROGRESS);
  if (isStuck(account)) attributes.push(STUCK);
  return attributes;
}

/**
 * What a write from `previous` (null: not counted yet) to `next` adds to the counters; empty when nothing changes.
 *
 * @example
 * countDelta(active, { ...active, status: 'locked' }) // { s_active: -1, s_locked: 1 }
 */
function countDelta(previous: Account | null, next: Account): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const attribute of contribution(next)) delta[attribute] = (delta[attribute] ?? 0) + 1;
  if (previous !== null) for (const attribute of contribution(previous)) delta[attribute] = (delta[attribute] ?? 0) - 1;
  return Object.fromEntries(Object.entries(delta).filter(([, n]) => n !== 0));
}

const randomShard = (): number => Math.floor(Math.random() * COUNT_SHARDS);

/** The transaction item adding `delta` to one counter shard of `domain` (ADD creates a missing item). */
function counterUpdate(tableName: string, domain: string, delta: Record<string, number>, shard = randomShard()) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(delta).map(([attribute, n], i) => {
    names[`#c${i}`] = attribute;
    values[`:c${i}`] = n;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      TableName: tableName,
      Key: countKey(domain, shard),
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  } satisfies TransactItem;
}

/** The same counter update on another shard: a transaction cancelled by a conflict on its counter item retries there. */
function reshard(item: TransactItem): TransactItem {
  const update = item.Update;
  const pk = update?.Key?.PK;
  if (update === undefined || typeof pk !== 'string' || !pk.startsWith(COUNT_PREFIX)) return item;
  const current = Number(pk.slice(-2));
  const next = (current + 1 + Math.floor(Math.random() * (COUNT_SHARDS - 1))) % COUNT_SHARDS;
  return { Update: { ...update, Key: { ...update.Key, PK: `${pk.slice(0, -2)}${String(next).padStart(2, '0')}` } } };
}

/** Registers the domain (idempotent, unconditional: never fails a transaction). */
function registryUpdate(tableName: string, domain: string, at: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: domainRegistryKey(domain),
      UpdateExpression: 'SET #since = if_not_exists(#since, :at), #domain = :domain',
      ExpressionAttributeNames: { '#since': 'since', '#domain': 'domain' },
      ExpressionAttributeValues: { ':at': at, ':domain': domain },
    },
  };
}

/** The keys a summary reads: every counter shard of the domain. */
const countKeys = (domain: string): { PK: string; SK: string }[] =>
  Array.from({ length: COUNT_SHARDS }, (_, shard) => countKey(domain, shard));

/**
 * The sum of a domain's counter items (missing items count as zero).
 *
 * @example
 * sumCounts('example.org', [{ s_active: 3, leavers: 1 }, { s_active: -1, s_locked: 1 }])
 * // { domain: 'example.org', accounts: 3, byStatus: { active: 2, locked: 1, … }, leavers: 1, inProgress: 0, stuck: 0 }
 */
function sumCounts(domain: string, items: readonly (Item | undefined)[]): DomainCounts {
  const total = (attribute: string): number =>
    items.reduce<number>((n, item) => n + (typeof item?.[attribute] === 'number' ? (item[attribute] as number) : 0), 0);
  const byStatus = Object.fromEntries(STATUSES.map((status) => [status, total(STATUS_ATTRIBUTE(status))])) as Record<
    Status,
    number
  >;
  return {
    domain,
    accounts: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    leavers: total(LEAVERS),
    inProgress: total(IN_PROGRESS),
    stuck: total(STUCK),
  };
}

/** Accounts read from items without the `counted` mark (written before counting existed). */
const uncountedAccounts = new WeakSet<Account>();

/** Notes whether the item `account` was read from is counted; returns the account. */
function noteRead(account: Account, item: Item): Account {
  if (item[COUNTED] === undefined) uncountedAccounts.add(account);
  return account;
}

/**
 * Whether the counters hold `account`: true unless it was read from an item without the mark. An account
 * the store did not read is taken as counted; the write's condition ({@link countedCondition}) checks it.
 */
const isCounted = (account: Account): boolean => !uncountedAccounts.has(account);

/** The account Put, conditioned also on the item being counted (or not), as the delta beside it assumes. */
function countedCondition(item: TransactItem, counted: boolean): TransactItem {
  const put = item.Put;
  if (put === undefined) return item;
  const mark = counted ? 'attribute_exists(#counted)' : 'attribute_not_exists(#counted)';
  return {
    Put: {
      ...put,
      ConditionExpression: put.ConditionExpression === undefined ? mark : `(${put.ConditionExpression}) AND ${mark}`,
      ExpressionAttributeNames: { ...put.ExpressionAttributeNames, '#counted': COUNTED },
    },
  };
}

export {
  COUNTED,
  COUNT_PREFIX,
  COUNT_SHARDS,
  DOMAINS_PK,
  contribution,
  countDelta,
  countKeys,
  counterUpdate,
  countedCondition,
  isCounted,
  isStuck,
  noteRead,
  registryUpdate,
  reshard,
  sumCounts,
};
