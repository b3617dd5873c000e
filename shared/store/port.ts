/**
 * The store port: everything the services ask of persistence. The DynamoDB adapter (./dynamo-store.ts)
 * is its one production implementation; services and handlers depend on this interface only.
 */
import type { Account, HistoryDraft, HistoryEntry, Lock } from '../domain/account';
import type { DueKind } from '../domain/due';
import type { Status } from '../domain/statuses';

/** The email item: all that the access decision needs, kept in step with the account. One GetItem. */
interface AccessRecord {
  readonly accountId: string;
  readonly email: string;
  readonly domain: string;
  readonly status: Status;
  readonly lock: Lock | null;
}

/** An externalId lookup item: written with the account in the same transaction as every change of it. */
interface ExternalIdRecord {
  readonly accountId: string;
  readonly domain: string;
}

interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; null at the end. */
  readonly nextCursor: string | null;
}

interface ListQuery {
  readonly domain: string;
  /** Only these statuses; tombstones (deleted_permanent) are listed only when asked for here. */
  readonly statuses?: readonly Status[];
  readonly leaver?: boolean;
  readonly inProgress?: boolean;
  readonly limit: number;
  readonly cursor?: string | null;
}

interface DueQuery {
  /** The candidate set (shared/domain/due.ts). */
  readonly kind: DueKind;
  readonly shard: number;
  /** Items due at or before this instant (ISO 8601). */
  readonly dueBy: string;
  readonly limit: number;
  /** Opaque position from a previous page of the same shard. */
  readonly cursor?: string | null;
}

/** A one-time claim written in the same transaction as a change (a login event id, per caller, 24 h). */
interface Claim {
  readonly key: string;
  readonly ttlSeconds: number;
}

interface WriteOptions {
  readonly claim?: Claim;
}

interface AccountStore {
  /** Creates the account (revision 1), its email item and its creation history entry; DuplicateEmailError if the email is taken. */
  create(account: Account, entry: HistoryDraft): Promise<HistoryEntry>;
  /** Strongly consistent read by id; the account carries the revision it was read at. */
  get(accountId: string): Promise<Account | null>;
  /** The email item: one GetItem. */
  access(email: string): Promise<AccessRecord | null>;
  /**
   * One TransactWriteItems: `next` (version + 1, revision + 1) conditioned on the stored revision being
   * `previous.revision`, its history entry, and the email item where access-relevant fields change.
   * ConflictError if `previous` is stale;
   * ClaimedError if `options.claim` was claimed before.
   */
  change(previous: Account, next: Account, entry: HistoryDraft, options?: WriteOptions): Promise<HistoryEntry>;
  /**
   * Writes `next` (revision + 1) without version or history (activity, failure count, worker attempt, stuck
   * memory), conditioned on the stored revision being `previous.revision`; ConflictError if stale.
   */
  quiet(previous: Account, next: Account, options?: WriteOptions): Promise<void>;
  /**
   * The accounts whose externalId (SCIM) is `externalId`, by their lookup items: one Query of one
   * partition, never a Scan. Several accounts (of several identity providers) may share one.
   */
  byExternalId(externalId: string): Promise<readonly ExternalIdRecord[]>;
  /** One domain's accounts by email. InvalidCursorError for a cursor not made by this query. */
  list(query: ListQuery): Promise<Page<Account>>;
  /** History, newest first. InvalidCursorError for a forged cursor. */
  history(accountId: string, limit: number, cursor?: string | null): Promise<Page<HistoryEntry>>;
  /** Candidates of one shard of a sparse due-time index, earliest first, whole accounts (no second read). */
  due(query: DueQuery): Promise<Page<Account> & { readonly itemsRead: number }>;
  /** Number of shards of the due-time indexes. */
  readonly shards: number;
}

/** The errors the port raises (ConflictError, DuplicateEmailError, ClaimedError, InvalidCursorError) are of the one family. */
export { ClaimedError, ConflictError, DuplicateEmailError, InvalidCursorError } from '../errors';
export type { AccessRecord, AccountStore, Claim, ExternalIdRecord, DueQuery, ListQuery, Page, WriteOptions };
