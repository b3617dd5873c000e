/**
 * Use-cases on whole accounts: create, read, list, rename, delete and read the history.
 */
import type { Account, HistoryEntry } from '../domain/account';
import { newAccount } from '../domain/decide';
import { emailDomain, normalizeEmail } from '../domain/email';
import type { Done } from '../domain/requests';
import { ForbiddenError } from '../errors';
import type { ListQuery, Page } from '../store/port';
import { administers, type ApiCaller } from './caller';
import { newIdOf, nowOf, type ServiceDeps } from './deps';
import { applyToOwned, loadOwned } from './owned-account';

interface CreateInput {
  readonly email: string;
  readonly displayName?: string | null;
  /** Provision to active at once (default); false leaves it resting in pending. */
  readonly activate?: boolean;
}

/** ForbiddenError unless the caller administers `domain`: creating and listing name a domain outright. */
function requireDomain(caller: ApiCaller, domain: string): void {
  if (!administers(caller, domain)) throw new ForbiddenError(`You do not administer the domain ${domain}.`);
}

/**
 * Creates an account in a domain the caller administers (ForbiddenError otherwise). The store answers
 * DuplicateEmailError when the address is taken. `underway`: provisioning started.
 *
 * @example
 * const { account, underway } = await createAccount(deps, caller, { email: 'Ann@Example.org' });
 * // account.email 'ann@example.org', account.status 'pending', underway true
 */
async function createAccount(deps: ServiceDeps, caller: ApiCaller, input: CreateInput): Promise<Done<HistoryEntry>> {
  const email = normalizeEmail(input.email);
  requireDomain(caller, emailDomain(email));
  const created = newAccount(
    {
      accountId: newIdOf(deps),
      email,
      displayName: input.displayName ?? null,
      activate: input.activate ?? true,
      caller,
    },
    nowOf(deps),
    deps.policy,
  );
  const entry = await deps.store.create(created.account, created.entry);
  return { ...created, entry };
}

/** One account the caller may see; NotFoundError otherwise. */
async function getAccount(deps: ServiceDeps, caller: ApiCaller, accountId: string): Promise<Account> {
  return loadOwned(deps, caller, accountId);
}

/** One domain's accounts, by email; ForbiddenError outside the caller's domains, InvalidCursorError for a forged cursor. */
async function listAccounts(deps: ServiceDeps, caller: ApiCaller, query: ListQuery): Promise<Page<Account>> {
  requireDomain(caller, query.domain);
  return deps.store.list(query);
}

/** A new display name (null clears it); `expectedVersion` from If-Match. */
async function renameAccount(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  displayName: string | null,
  expectedVersion?: number,
): Promise<Done<HistoryEntry>> {
  return applyToOwned(deps, caller, accountId, { kind: 'rename', displayName, caller }, expectedVersion);
}

/** Soft delete via `deleting` (underway); an account already deleted is left alone (not underway). */
async function deleteAccount(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  reason: string | null,
): Promise<Done<HistoryEntry>> {
  return applyToOwned(deps, caller, accountId, { kind: 'delete', reason, caller });
}

/** The account's history, newest first; InvalidCursorError for a forged cursor. */
async function accountHistory(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  limit: number,
  cursor: string | null,
): Promise<Page<HistoryEntry>> {
  await loadOwned(deps, caller, accountId);
  return deps.store.history(accountId, limit, cursor);
}

export { accountHistory, createAccount, deleteAccount, getAccount, listAccounts, renameAccount, requireDomain };
export type { CreateInput };
