/**
 * An in-memory AccountStore for the use-case unit tests: conditional on the version read like the
 * DynamoDB adapter (ConflictError when stale), claims once (ClaimedError), email unique (DuplicateEmailError).
 */
import type { Account, HistoryDraft, HistoryEntry } from '../../../shared/domain/account';
import {
  ClaimedError,
  ConflictError,
  DuplicateEmailError,
  type AccountStore,
  type WriteOptions,
} from '../../../shared/store/port';

class MemoryStore implements AccountStore {
  readonly shards = 1;
  readonly accounts = new Map<string, Account>();
  readonly entries: HistoryEntry[] = [];
  readonly claims = new Set<string>();
  /** Calls by method, to assert what was (not) read or written. */
  readonly calls: string[] = [];

  async create(account: Account, entry: HistoryDraft): Promise<HistoryEntry> {
    this.calls.push('create');
    if ([...this.accounts.values()].some((a) => a.email === account.email))
      throw new DuplicateEmailError(account.email ?? '');
    this.accounts.set(account.accountId, account);
    return this.record(account, entry);
  }

  async get(accountId: string): Promise<Account | null> {
    this.calls.push('get');
    return this.accounts.get(accountId) ?? null;
  }

  async access(email: string) {
    this.calls.push('access');
    const account = [...this.accounts.values()].find((a) => a.email === email);
    return account
      ? { accountId: account.accountId, email, domain: account.domain, status: account.status, lock: account.lock }
      : null;
  }

  async byExternalId(externalId: string) {
    this.calls.push('byExternalId');
    return [...this.accounts.values()]
      .filter((a) => a.externalId === externalId)
      .map((a) => ({ accountId: a.accountId, domain: a.domain }));
  }

  async change(previous: Account, next: Account, entry: HistoryDraft, options?: WriteOptions): Promise<HistoryEntry> {
    this.calls.push('change');
    this.write(previous, next, options);
    return this.record(next, entry);
  }

  async quiet(previous: Account, next: Account, options?: WriteOptions): Promise<void> {
    this.calls.push('quiet');
    this.write(previous, next, options);
  }

  async list() {
    return { items: [...this.accounts.values()], nextCursor: null };
  }

  async history(accountId: string) {
    return { items: this.entries.filter((e) => e.accountId === accountId).reverse(), nextCursor: null };
  }

  async due() {
    return { items: [], nextCursor: null, itemsRead: 0 };
  }

  private write(previous: Account, next: Account, options?: WriteOptions): void {
    if (JSON.stringify(this.accounts.get(previous.accountId)) !== JSON.stringify(previous))
      throw new ConflictError('stale');
    if (options?.claim) {
      if (this.claims.has(options.claim.key)) throw new ClaimedError(options.claim.key);
      this.claims.add(options.claim.key);
    }
    this.accounts.set(next.accountId, next);
  }

  private record(account: Account, entry: HistoryDraft): HistoryEntry {
    const stored = {
      ...entry,
      id: String(this.entries.length + 1).padStart(26, '0'),
      accountId: account.accountId,
      domain: account.domain,
    };
    this.entries.push(stored);
    return stored;
  }
}

export { MemoryStore };
