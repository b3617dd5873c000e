/**
 * Finding a domain's accounts by `q` (SPEC §4) reading only the items that match, never a Scan nor a
 * domain's whole partition filtered. Two sources, in this order:
 *
 * 1. The address: every prefix of the local part is a prefix of the whole address, so one `begins_with` on
 *    the byDomain index (`live#<email>`) finds both, in address order. Addresses are stored lower-cased,
 *    so the folded `q` (lower case, accents removed) matches them.
 * 2. The display name: a sparse set of token items, one per word of the name (folded), written in the
 *    transaction of the create, rename or purge that changes the words. `SEARCH#<domain>#<nn>`, sorted by
 *    `<token> <accountId>`, sharded by account so no token partition takes a whole domain's writes. A word
 *    that begins the address is left out (source 1 finds it), an address with accents gets a folded token
 *    (`josé@…` is found by `jose`). Each hit reads the account (BatchGetItem, strongly consistent).
 *
 * An account is returned once: by source 1 when its address matches, otherwise at the smallest of its
 * tokens that matches (every token item lists its account's tokens, so the rule needs no memory).
 */
import {
  BatchGetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Account } from '../domain/account';
import { BY_DOMAIN, LIVE_PREFIX, accountKey, shardOf } from './keys';
import { InvalidInputError } from '../errors';
import { decodeShardCursor, encodeShardCursor, queryHash } from './cursor';
import { InvalidCursorError, type ListQuery, type Page } from './port';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

const SEARCH_PREFIX = 'SEARCH#';
/** Token partitions per domain: a domain creating or renaming 1,000 accounts a second writes each about 250 times. */
const SEARCH_SHARDS = 8;
/** Tokens kept per account (a name of more distinct words is searchable by its first ones). Keeps a rename's transaction under 100 items. */
const MAX_TOKENS = 40;

/**
 * Lower case without accents: what `q` and the tokens are compared as.
 *
 * @example
 * fold('José') // 'jose'
 */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .normalize('NFC');
}

/**
 * The display-name tokens of an account: the folded words of its name (not those that begin its address),
 * the folded address where it differs from the stored one; none that is a prefix of another.
 *
 * @example
 * searchTokens({ email: 'jo@example.org', displayName: 'Jo Bloggs', … }) // ['bloggs']
 */
function searchTokens(account: Pick<Account, 'email' | 'displayName'>): string[] {
  const email = account.email;
  if (email === null) return [];
  const candidates = new Set<string>();
  for (const word of fold(account.displayName ?? '').split(/[^\p{L}\p{N}'’]+/u)) {
    if (word.length > 0 && !email.startsWith(word)) candidates.add(word);
  }
  const folded = fold(email);
  if (folded !== email) candidates.add(folded);
  const all = [...candidates];
  return all
    .filter((token) => !all.some((other) => other !== token && other.startsWith(token)))
    .sort()
    .slice(0, MAX_TOKENS);
}

const searchPartition = (domain: string, shard: number): string =>
  `${SEARCH_PREFIX}${domain}#${String(shard).padStart(2, '0')}`;

function tokenKey(account: Pick<Account, 'accountId' | 'domain'>, token: string): { PK: string; SK: string } {
  return {
    PK: searchPartition(account.domain, shardOf(account.accountId, SEARCH_SHARDS)),
    SK: `${token} ${account.accountId}`,
  };
}

/**
 * The token items to write with a change from `previous` (null: none written yet) to `next`: all of them
 * again when the token set changes (each lists the whole set), the removed ones deleted; nothing otherwise.
 */
function tokenWrites(tableName: string, previous: Account | null, next: Account): TransactItem[] {
  const before = previous === null ? [] : searchTokens(previous);
  const after = searchTokens(next);
  if (previous !== null && before.join(' ') === after.join(' ')) return [];
  const removed = before.filter((token) => !after.includes(token));
  return [
    ...removed.map((token) => ({ Delete: { TableName: tableName, Key: tokenKey(next, token) } })),
    ...after.map((token) => ({
      Put: {
        TableName: tableName,
        Item: { ...tokenKey(next, token), accountId: next.accountId, email: next.email, tokens: after },
      },
    })),
  ];
}

interface SearchQuery extends ListQuery {
  /** What the address or a word of the display name starts with. */
  readonly q: string;
}

interface SearchPage extends Page<Account> {
  /** Items read (ScannedCount of the queries plus the accounts read): what a page costs. */
  readonly itemsRead: number;
}

/** Where a search stands: the address phase (1) or the token phase (2) at shard `s`, and the key inside it. */
interface Position {
  readonly p: 1 | 2;
  readonly s: number;
  readonly k: Readonly<Record<string, string>> | null;
}

/** The query a cursor belongs to: a cursor cannot be replayed into another domain, `q` or filter. */
function searchHash(query: SearchQuery): string {
  const { domain, q, statuses, leaver, inProgress } = query;
  return queryHash([domain, fold(q.trim()), [...(statuses ?? [])].sort(), leaver ?? null, inProgress ?? null]);
}

/** The search cursor: phase `p` (1 the address matches, 2 the name matches) and where in it. */
function decodeSearchCursor(cursor: string, hash: string): Position {
  const { s, k, extra } = decodeShardCursor(cursor, hash, SEARCH_SHARDS, ['p']);
  if (extra.p !== 1 && extra.p !== 2) throw new InvalidCursorError('the cursor does not belong to this query');
  return { p: extra.p, s, k };
}

const encodeSearchCursor = (hash: string, { p, s, k }: Position): string => encodeShardCursor(hash, { s, k }, { p });

/** Whether the account passes the list filters (status, leaver, in progress). Tombstones never match a search. */
function passes(account: Account, query: ListQuery): boolean {
  if (account.email === null) return false;
  if (query.statuses !== undefined && query.statuses.length > 0 && !query.statuses.includes(account.status))
    return false;
  if (query.leaver !== undefined && (account.leaver !== null) !== query.leaver) return false;
  if (query.inProgress !== undefined && (account.inProgress !== null) !== query.inProgress) return false;
  return true;
}

/** The same filters as a FilterExpression on account items. */
function filterExpression(query: ListQuery): {
  expression?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  if (query.statuses !== undefined && query.statuses.length > 0) {
    names['#status'] = 'status';
    filters.push(
      `#status IN (${query.statuses.map((status, i) => ((values[`:s${i}`] = status), `:s${i}`)).join(', ')})`,
    );
  }
  for (const attribute of ['leaver', 'inProgress'] as const) {
    const flag = query[attribute];
    if (flag === undefined) continue;
    names[`#${attribute}`] = attribute;
    values[':map'] = 'M';
    filters.push(`${flag ? '' : 'NOT '}attribute_type(#${attribute}, :map)`);
  }
  return { ...(filters.length > 0 ? { expression: filters.join(' AND ') } : {}), names, values };
}

interface SearchContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The store's reading of an account item (it remembers the revision). */
  readonly fromItem: (item: Item) => Account;
}

/**
 * One page of a search; the cursor holds the phase, shard and key to continue from.
 *
 * @example
 * const page = await searchAccounts(context, { domain: 'example.org', q: 'jo', limit: 50 });
 */
async function searchAccounts(context: SearchContext, query: SearchQuery): Promise<SearchPage> {
  const { client, tableName, fromItem } = context;
  const q = fold(query.q.trim());
  // Only marks (a lone accent) fold to nothing, which would match every item: refused, never read.
  if (q === '') throw new InvalidInputError([{ path: 'query.q', message: 'must contain a letter or digit' }]);
  const hash = searchHash(query);
  let position: Position | null =
    query.cursor == null ? { p: 1, s: 0, k: null } : decodeSearchCursor(query.cursor, hash);
  const items: Account[] = [];
  let itemsRead = 0;

  if (position.p === 1) {
    const { partitionKey, sortKey } = BY_DOMAIN;
    const start = position.k;
    if (
      start !== null &&
      (start[partitionKey] !== query.domain || !(start[sortKey] ?? '').startsWith(`${LIVE_PREFIX}${q}`))
    )
      throw new InvalidCursorError('the cursor does not belong to this query');
    const filter = filterExpression(query);
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_DOMAIN.index,
        KeyConditionExpression: '#d = :d AND begins_with(#l, :prefix)',
        ...(filter.expression ? { FilterExpression: filter.expression } : {}),
        ExpressionAttributeNames: { '#d': partitionKey, '#l': sortKey, ...filter.names },
        ExpressionAttributeValues: { ':d': query.domain, ':prefix': `${LIVE_PREFIX}${q}`, ...filter.values },
        Limit: query.limit,
        ...(start !== null ? { ExclusiveStartKey: start } : {}),
      }),
    );
    itemsRead += output.ScannedCount ?? 0;
    items.push(...(output.Items ?? []).map(fromItem));
    position = output.LastEvaluatedKey
      ? { p: 1, s: 0, k: output.LastEvaluatedKey as Position['k'] }
      : { p: 2, s: 0, k: null };
    if (items.length >= query.limit || output.LastEvaluatedKey)
      return { items, nextCursor: encodeSearchCursor(hash, position), itemsRead };
  }

  while (position !== null && items.length < query.limit) {
    const s: number = position.s;
    const partition = searchPartition(query.domain, s);
    const start: Position['k'] = position.k;
    if (
      start !== null &&
      (start.PK !== partition || !(start.SK ?? '').startsWith(q) || Object.keys(start).length !== 2)
    )
      throw new InvalidCursorError('the cursor does not belong to this query');
    const output: QueryCommandOutput = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :q)',
        ExpressionAttributeValues: { ':pk': partition, ':q': q },
        ConsistentRead: true,
        Limit: query.limit - items.length,
        ...(start !== null ? { ExclusiveStartKey: start } : {}),
      }),
    );
    itemsRead += output.ScannedCount ?? 0;
    const ids = (output.Items ?? []).flatMap((item) => {
      const token = (item.SK as string).slice(0, (item.SK as string).lastIndexOf(' '));
      const email = item.email as string;
      const first = (item.tokens as string[]).find((t) => t.startsWith(q));
      return email.startsWith(q) || first !== token ? [] : [item.accountId as string];
    });
    const accounts = await getAccounts(context, ids);
    itemsRead += accounts.length;
    items.push(...accounts.filter((account) => passes(account, query)));
    position = output.LastEvaluatedKey
      ? { p: 2, s, k: output.LastEvaluatedKey as Position['k'] }
      : s + 1 < SEARCH_SHARDS
        ? { p: 2, s: s + 1, k: null }
        : null;
  }
  return { items, nextCursor: position === null ? null : encodeSearchCursor(hash, position), itemsRead };
}

/** The accounts with these ids, in this order (strongly consistent; missing ones left out). */
async function getAccounts(context: SearchContext, ids: readonly string[]): Promise<Account[]> {
  const found = new Map<string, Item>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => accountKey(id));
    while (keys.length > 0) {
      const output = await context.client.send(
        new BatchGetCommand({ RequestItems: { [context.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of output.Responses?.[context.tableName] ?? []) found.set(item.accountId as string, item);
      keys = (output.UnprocessedKeys?.[context.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return ids.flatMap((id) => {
    const item = found.get(id);
    return item === undefined ? [] : [context.fromItem(item)];
  });
}

export { fold, searchAccounts, searchTokens, tokenWrites, SEARCH_PREFIX, SEARCH_SHARDS, filterExpression, passes };
export type { SearchContext, SearchPage, SearchQuery };
