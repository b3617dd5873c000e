/**
 * The DynamoDB adapter of the AccountStore port: one table (./table.ts), keys and derived index attributes
 * from ./keys.ts. Every write is conditional on the revision the caller read, which the account carries
 * (`account.revision`, stored as `rev`): bumped by every write, `version` only by changes. No extra read.
 */
import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { Config } from '../config';
import type { Account, HistoryDraft, HistoryEntry, Lock } from '../domain/account';
import { sameLock } from '../domain/change';
import type { Policy } from '../domain/policy';
import type { Status } from '../domain/statuses';
import type { AdminStore, DomainCounts } from './admin-port';
import { documentClient } from './client';
import {
  COUNTED,
  DOMAINS_PK,
  countDelta,
  countKeys,
  counterUpdate,
  countedCondition,
  isCounted,
  noteRead,
  registryUpdate,
  reshard,
  sumCounts,
} from './counts';
import { decodeCursor, encodeCursor, type CursorKey } from './cursor';
import { accountAttributes, REV, toAccount, toHistoryEntry, type Item } from './items';
import {
  ACCOUNT_PREFIX,
  ACCOUNT_SK,
  BY_DOMAIN,
  DUE_INDEX,
  HISTORY_PREFIX,
  LIVE_PREFIX,
  TOMBSTONE_PREFIX,
  accountKey,
  accountPk,
  claimKey,
  dispatchAttribute,
  duePartition,
  emailKey,
  externalIdKey,
  externalIdPk,
  historyKey,
  indexAttributes,
} from './keys';
import {
  ClaimedError,
  ConflictError,
  DuplicateEmailError,
  type AccessRecord,
  type AccountStore,
  type Claim,
  type DueQuery,
  type ExternalIdRecord,
  type ListQuery,
  type Page,
  type WriteOptions,
} from './port';
import { previewCandidates, type PreviewPage, type PreviewQuery } from './preview';
import { searchAccounts, tokenWrites, type SearchPage, type SearchQuery } from './search';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** What each item of a transaction stands for, to name the failure when it is cancelled. */
type Role =
  'account' | 'email' | 'email_owner' | 'history' | 'claim' | 'counter' | 'token' | 'registry' | 'external_id';

interface DynamoAccountStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Shards of the due-time indexes. */
  readonly shards: number;
  /** The durations the derived due times are computed with (the same policy the rules use). */
  readonly policy: Policy;
  readonly historyRetentionDays: number;
}

/** At most this many accounts are read for one externalId (identity providers' ids are unique per provider). */
const EXTERNAL_ID_LIMIT = 100;
const DAY_SECONDS = 86_400;

const nextHistoryId = monotonicFactory();

/** The Account of an item the store read, at its revision, noting whether the counters hold it yet. */
const fromItem = (item: Item): Account => noteRead(toAccount(item), item);

/** A transaction cancelled only by a conflict on its counter item is retried on another shard, this many times. */
const COUNTER_RETRIES = 8;

/** A write's `next` is one revision after `previous`: the revision its write is conditioned on, plus one. */
function checkRevision(previous: Account, next: Account): void {
  if (next.revision !== previous.revision + 1) {
    throw new TypeError(`a write over revision ${previous.revision} writes revision ${previous.revision + 1}`);
  }
}

/** The errors of a single-item conditional write that mean another write won. */
const LOST_RACE = new Set(['ConditionalCheckFailedException', 'TransactionConflictException']);

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** The port's error for a cancelled transaction, by which item's condition failed. */
function transactionError(error: unknown, roles: readonly Role[], accountId: string): unknown {
  if (errorName(error) !== 'TransactionCanceledException') return error;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons ?? [];
  const failed = new Set(reasons.flatMap((reason, i) => (reason.Code === 'ConditionalCheckFailed' ? [roles[i]] : [])));
  const options = { cause: error };
  if (failed.has('claim')) return new ClaimedError('this event was already counted', options);
  if (failed.has('email')) return new DuplicateEmailError('an account with this email address exists', options);
  if (failed.has('email_owner'))
    return new Error(`the email item of account ${accountId} belongs to another account`, options);
  if (
    failed.has('account') ||
    reasons.some((reason, i) => reason.Code === 'TransactionConflict' && roles[i] !== 'counter')
  ) {
    return new ConflictError(`account ${accountId} was changed concurrently`, options);
  }
  return error;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

/** Whether a cancelled transaction failed only for conflicts on counter items (retried on another shard). */
function counterConflictOnly(error: unknown, roles: readonly Role[]): boolean {
  if (errorName(error) !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons ?? [];
  const failing = reasons.flatMap((reason, i) => (reason.Code !== undefined && reason.Code !== 'None' ? [i] : []));
  return (
    failing.length > 0 && failing.every((i) => roles[i] === 'counter' && reasons[i]?.Code === 'TransactionConflict')
  );
}

/** DynamoDB adapter of {@link AccountStore} and {@link AdminStore}. */
class DynamoAccountStore implements AccountStore, AdminStore {
  readonly shards: number;
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #policy: Policy;
  readonly #historyRetentionSeconds: number;
  /** Domains this process has registered (the registry is written once per domain and process). */
  readonly #registered = new Set<string>();

  constructor(options: DynamoAccountStoreOptions) {
    if (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > 100) {
      throw new RangeError(`shards must be an integer from 1 to 100, got ${options.shards}`);
    }
    this.shards = options.shards;
    this.#client = options.client;
    this.#table = options.tableName;
    this.#policy = options.policy;
    this.#historyRetentionSeconds = options.historyRetentionDays * DAY_SECONDS;
  }

  async create(account: Account, draft: HistoryDraft): Promise<HistoryEntry> {
    const email = account.email;
    if (email === null) throw new TypeError('a new account needs an email');
    if (account.revision !== 1) throw new TypeError('a new account is at revision 1');
    const entry = this.#entry(account, draft);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.#table,
          Item: this.#accountItem(null, account),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.#table,
          Item: this.#emailItem(account, email),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      { Put: { TableName: this.#table, Item: this.#historyItem(entry) } },
    ];
    const roles: Role[] = ['account', 'email', 'history'];
    if (account.externalId) {
      items.push({ Put: { TableName: this.#table, Item: this.#externalIdItem(account, account.externalId) } });
      roles.push('external_id');
    }
    this.#counting(null, account, items, roles);
    await this.#transact(items, roles, account.accountId);
    this.#registered.add(account.domain);
    return entry;
  }

  async get(accountId: string): Promise<Account | null> {
    const item = await this.#read(accountId);
    return item === null ? null : fromItem(item);
  }

  async access(email: string): Promise<AccessRecord | null> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: emailKey(email), ConsistentRead: true }),
    );
    if (item === undefined) return null;
    return {
      accountId: item.accountId as string,
      email: item.email as string,
      domain: item.domain as string,
      status: item.status as Status,
      lock: (item.lock as Lock | undefined) ?? null,
    };
  }

  async change(
    previous: Account,
    next: Account,
    draft: HistoryDraft,
    options: WriteOptions = {},
  ): Promise<HistoryEntry> {
    if (next.accountId !== previous.accountId) throw new TypeError('next must be the same account as previous');
    if (next.version !== previous.version + 1)
      throw new TypeError(`a change writes version ${previous.version + 1}, not ${next.version}`);
    if (next.email !== null && next.email !== previous.email)
      throw new TypeError('an account keeps its email (it may only be purged)');
    checkRevision(previous, next);
    const entry = this.#entry(next, draft);
    const items: TransactItem[] = [
      this.#conditionalPut(previous, next),
      { Put: { TableName: this.#table, Item: this.#historyItem(entry) } },
    ];
    const roles: Role[] = ['account', 'history'];
    const owned = {
      ConditionExpression: 'attribute_not_exists(PK) OR accountId = :id',
      ExpressionAttributeValues: { ':id': next.accountId },
    };
    if (previous.email !== null && next.email === null) {
      items.push({ Delete: { TableName: this.#table, Key: emailKey(previous.email), ...owned } });
      roles.push('email_owner');
    } else if (next.email !== null && (next.status !== previous.status || !sameLock(next.lock, previous.lock))) {
      items.push({ Put: { TableName: this.#table, Item: this.#emailItem(next, next.email), ...owned } });
      roles.push('email_owner');
    }
    const [before, after] = [previous.externalId ?? null, next.externalId ?? null];
    if (before !== after) {
      if (before !== null) {
        items.push({ Delete: { TableName: this.#table, Key: externalIdKey(before, next.accountId) } });
        roles.push('external_id');
      }
      if (after !== null) {
        items.push({ Put: { TableName: this.#table, Item: this.#externalIdItem(next, after) } });
        roles.push('external_id');
      }
    }
    if (options.claim !== undefined) {
      items.push(this.#claimPut(options.claim));
      roles.push('claim');
    }
    this.#counting(previous, next, items, roles);
    await this.#transact(items, roles, next.accountId);
    return entry;
  }

  async quiet(previous: Account, next: Account, options: WriteOptions = {}): Promise<void> {
    if (next.accountId !== previous.accountId) throw new TypeError('next must be the same account as previous');
    if (
      (next.externalId ?? null) !== (previous.externalId ?? null) ||
      next.version !== previous.version ||
      next.status !== previous.status ||
      next.email !== previous.email ||
      !sameLock(next.lock, previous.lock)
    ) {
      throw new TypeError('a quiet write keeps version, status, lock and email (use change)');
    }
    checkRevision(previous, next);
    const put = this.#conditionalPut(previous, next);
    const items: TransactItem[] = [put];
    const roles: Role[] = ['account'];
    if (options.claim !== undefined) {
      items.push(this.#claimPut(options.claim));
      roles.push('claim');
    }
    this.#counting(previous, next, items, roles);
    if (items.length > 1) {
      await this.#transact(items, roles, next.accountId);
    } else {
      try {
        await this.#client.send(new PutCommand(put.Put));
      } catch (error) {
        // A single-item write that collides with a transaction in flight fails with TransactionConflictException:
        // a lost race like a failed condition.
        if (!LOST_RACE.has(errorName(error) ?? '')) throw error;
        throw new ConflictError(`account ${next.accountId} was changed concurrently`, { cause: error });
      }
    }
  }

  async byExternalId(externalId: string): Promise<readonly ExternalIdRecord[]> {
    const { items } = await this.#query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': externalIdPk(externalId) },
      ConsistentRead: true,
      Limit: EXTERNAL_ID_LIMIT,
    });
    return items.map((item) => ({ accountId: item.accountId as string, domain: item.domain as string }));
  }

  async list(query: ListQuery): Promise<Page<Account>> {
    checkLimit(query.limit);
    const statuses = query.statuses !== undefined && query.statuses.length > 0 ? query.statuses : undefined;
    const withTombstones = statuses?.includes('deleted_permanent') ?? false;
    const onlyTombstones = withTombstones && statuses?.length === 1;
    const { partitionKey, sortKey } = BY_DOMAIN;
    const names: Record<string, string> = { '#d': partitionKey };
    const values: Record<string, unknown> = { ':d': query.domain };
    let keyCondition = '#d = :d';
    // Live accounts only (the default), tombstones only, or both (the whole domain: no sort-key condition).
    const prefix = onlyTombstones ? TOMBSTONE_PREFIX : withTombstones ? null : LIVE_PREFIX;
    if (prefix !== null) {
      names['#l'] = sortKey;
      keyCondition += ' AND begins_with(#l, :prefix)';
      values[':prefix'] = prefix;
    }
    const inRange = (listKey: string): boolean =>
      prefix === null
        ? listKey.startsWith(LIVE_PREFIX) || listKey.startsWith(TOMBSTONE_PREFIX)
        : listKey.startsWith(prefix);

    const filters: string[] = [];
    if (statuses !== undefined) {
      names['#status'] = 'status';
      filters.push(`#status IN (${statuses.map((status, i) => ((values[`:s${i}`] = status), `:s${i}`)).join(', ')})`);
    }
    const present = (flag: boolean | undefined, attribute: 'leaver' | 'inProgress'): void => {
      if (flag === undefined) return;
      names[`#${attribute}`] = attribute;
      values[':map'] = 'M';
      filters.push(`${flag ? '' : 'NOT '}attribute_type(#${attribute}, :map)`);
    };
    present(query.leaver, 'leaver');
    present(query.inProgress, 'inProgress');

    const startKey = this.#startKey(
      query.cursor,
      [partitionKey, sortKey],
      (key) => key[partitionKey] === query.domain && inRange(key[sortKey] ?? ''),
    );
    const page = await this.#query({
      IndexName: BY_DOMAIN.index,
      KeyConditionExpression: keyCondition,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      Limit: query.limit,
      ExclusiveStartKey: startKey,
    });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  async history(accountId: string, limit: number, cursor?: string | null): Promise<Page<HistoryEntry>> {
    checkLimit(limit);
    const pk = accountPk(accountId);
    const startKey =
      cursor == null
        ? undefined
        : decodeCursor(cursor, {
            fields: ['PK', 'SK'],
            matches: (key) => key.PK === pk && (key.SK ?? '').startsWith(HISTORY_PREFIX),
          });
    const page = await this.#query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :history)',
      ExpressionAttributeValues: { ':pk': pk, ':history': HISTORY_PREFIX },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: startKey,
    });
    return { items: page.items.map(toHistoryEntry), nextCursor: page.nextCursor };
  }

  async due(query: DueQuery): Promise<Page<Account> & { readonly itemsRead: number }> {
    checkLimit(query.limit);
    if (!Number.isInteger(query.shard) || query.shard < 0 || query.shard >= this.shards) {
      throw new RangeError(`shard must be an integer from 0 to ${this.shards - 1}, got ${query.shard}`);
    }
    const dueBy = new Date(query.dueBy);
    if (Number.isNaN(dueBy.getTime())) throw new RangeError(`dueBy must be an ISO 8601 instant, got "${query.dueBy}"`);
    const { index, partitionKey, sortKey } = DUE_INDEX[query.kind];
    const partition = duePartition(query.kind, query.shard);
    const by = dueBy.toISOString();
    const startKey = this.#startKey(
      query.cursor,
      [partitionKey, sortKey],
      (key) => key[partitionKey] === partition && (key[sortKey] ?? '') <= by,
    );
    const page = await this.#query({
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #due <= :by',
      ExpressionAttributeNames: { '#pk': partitionKey, '#due': sortKey },
      ExpressionAttributeValues: { ':pk': partition, ':by': by },
      Limit: query.limit,
      ExclusiveStartKey: startKey,
    });
    return {
      items: page.items.map(fromItem),
      nextCursor: page.nextCursor,
      itemsRead: page.scanned,
    };
  }

  /** A cursor of an index query: the table keys and the index keys of an account item. */
  #startKey(
    cursor: string | null | undefined,
    indexFields: readonly string[],
    matches: (key: CursorKey) => boolean,
  ): CursorKey | undefined {
    if (cursor == null) return undefined;
    return decodeCursor(cursor, {
      fields: ['PK', 'SK', ...indexFields],
      matches: (key) => (key.PK ?? '').startsWith(ACCOUNT_PREFIX) && key.SK === ACCOUNT_SK && matches(key),
    });
  }

  async #query(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<{ items: Item[]; nextCursor: string | null; scanned: number }> {
    const output = await this.#client.send(new QueryCommand({ TableName: this.#table, ...input }));
    const items = output.Items ?? [];
    return { items, nextCursor: encodeCursor(output.LastEvaluatedKey), scanned: output.ScannedCount ?? items.length };
  }

  async #read(accountId: string): Promise<Item | null> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: accountKey(accountId), ConsistentRead: true }),
    );
    return item ?? null;
  }

  #accountItem(previous: Account | null, account: Account): Item {
    return {
      ...accountKey(account.accountId),
      ...accountAttributes(account),
      [REV]: account.revision,
      [COUNTED]: 1,
      ...indexAttributes(account, { policy: this.#policy, shards: this.shards }),
      ...dispatchAttribute(previous, account),
    };
  }

  #conditionalPut(previous: Account, next: Account): TransactItem & { Put: NonNullable<TransactItem['Put']> } {
    return {
      Put: {
        TableName: this.#table,
        Item: this.#accountItem(previous, next),
        ConditionExpression: '#rev = :rev',
        ExpressionAttributeNames: { '#rev': REV },
        ExpressionAttributeValues: { ':rev': previous.revision },
      },
    };
  }

  #emailItem(account: Account, email: string): Item {
    return {
      ...emailKey(email),
      accountId: account.accountId,
      email,
      domain: account.domain,
      status: account.status,
      lock: account.lock,
    };
  }

  #externalIdItem(account: Account, externalId: string): Item {
    return { ...externalIdKey(externalId, account.accountId), accountId: account.accountId, domain: account.domain };
  }

  #entry(account: Account, draft: HistoryDraft): HistoryEntry {
    return {
      id: nextHistoryId(),
      accountId: account.accountId,
      domain: account.domain,
      at: draft.at,
      from: draft.from,
      to: draft.to,
      action: draft.action,
      actor: draft.actor,
      reason: draft.reason,
      requestId: draft.requestId,
    };
  }

  #historyItem(entry: HistoryEntry): Item {
    const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + this.#historyRetentionSeconds;
    return { ...historyKey(entry.accountId, entry.id), ...entry, expiresAt };
  }

  /** A one-time claim; an expired claim that TTL has not removed yet counts as free. */
  #claimPut(claim: Claim): TransactItem {
    const now = Math.floor(Date.now() / 1000);
    return {
      Put: {
        TableName: this.#table,
        Item: { ...claimKey(claim.key), expiresAt: now + claim.ttlSeconds },
        ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      },
    };
  }

  async #transact(items: TransactItem[], roles: readonly Role[], accountId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        // The token makes an SDK retry of a transaction that did commit succeed instead of failing its own condition.
        await this.#client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
        return;
      } catch (error) {
        // Another transaction held our counter item: nothing of ours was written; add the delta to another shard.
        if (attempt < COUNTER_RETRIES && counterConflictOnly(error, roles)) {
          items = items.map((item, i) => (roles[i] === 'counter' ? reshard(item) : item));
          continue;
        }
        throw transactionError(error, roles, accountId);
      }
    }
  }

  /**
   * Adds to a write's transaction what keeps the counts and the search index in step: the counter delta
   * (one shard), the token items when the name's words change, and the domain's registration. An account
   * not counted yet (written before counting existed) adds its whole contribution and all its tokens.
   */
  #counting(previous: Account | null, next: Account, items: TransactItem[], roles: Role[]): void {
    const counted = previous !== null && isCounted(previous) ? previous : null;
    // The account's write is conditioned on the counters holding it (or not) as assumed here: never counted twice.
    if (previous !== null) items[0] = countedCondition(items[0] as TransactItem, counted !== null);
    const delta = countDelta(counted, next);
    if (Object.keys(delta).length > 0) {
      items.push(counterUpdate(this.#table, next.domain, delta));
      roles.push('counter');
    }
    for (const write of tokenWrites(this.#table, counted, next)) {
      items.push(write);
      roles.push('token');
    }
    if (counted === null && !this.#registered.has(next.domain)) {
      items.push(registryUpdate(this.#table, next.domain, next.updatedAt));
      roles.push('registry');
    }
  }

  async counts(domain: string): Promise<DomainCounts & { readonly itemsRead: number }> {
    const keys = countKeys(domain);
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await this.#client.send(
          new TransactGetCommand({ TransactItems: keys.map((Key) => ({ Get: { TableName: this.#table, Key } })) }),
        );
        const items = (output.Responses ?? []).map((response) => response.Item);
        return { ...sumCounts(domain, items), itemsRead: items.filter((item) => item !== undefined).length };
      } catch (error) {
        // A write in flight on a counter item cancels the read; it is over in milliseconds.
        if (attempt < COUNTER_RETRIES && errorName(error) === 'TransactionCanceledException') continue;
        throw error;
      }
    }
  }

  async domains(): Promise<readonly string[]> {
    const domains: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': DOMAINS_PK },
          ProjectionExpression: 'SK',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      domains.push(...(output.Items ?? []).map((item) => item.SK as string));
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
    return domains;
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    checkLimit(query.limit);
    return searchAccounts({ client: this.#client, tableName: this.#table, fromItem }, query);
  }

  async preview(query: PreviewQuery): Promise<PreviewPage> {
    checkLimit(query.limit);
    if (Number.isNaN(Date.parse(query.until)))
      throw new RangeError(`until must be an ISO 8601 instant, got "${query.until}"`);
    return previewCandidates({ client: this.#client, tableName: this.#table, shards: this.shards, fromItem }, query);
  }
}

/**
 * The store for `config`, on the process-wide document client.
 *
 * @example
 * const store = createStore(loadConfig());
 * const account = await store.get(accountId);
 */
function createStore(config: Config): AccountStore & AdminStore {
  return new DynamoAccountStore({
    client: documentClient(config),
    tableName: config.tableName,
    shards: config.dueShards,
    policy: config.policy,
    historyRetentionDays: config.historyRetentionDays,
  });
}

export { createStore, DynamoAccountStore };
export type { DynamoAccountStoreOptions };
