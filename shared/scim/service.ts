/**
 * The SCIM use-cases (SPEC §10). SCIM describes where the identity provider wants a user; every change goes
 * through `apply` (shared/services/apply.ts) with the same rules, history (actor: the token's `sub`), events
 * and concurrency as the HTTP API: the profile (displayName; externalId and name), then `active` or DELETE
 * as a wish (shared/domain/wanted.ts) — reached through SPEC §2's transitions, or kept while an operation is
 * in progress. Without If-Match a lost race is decided again on the fresh state (the wish is re-checked);
 * with it, a stale version is 412.
 */
import type { Account } from '../domain/account';
import { emailDomain } from '../domain/email';
import type { Request } from '../domain/requests';
import { STATUSES, type Status } from '../domain/statuses';
import { apply } from '../services/apply';
import { administers, type ApiCaller } from '../services/caller';
import { newIdOf, nowOf, type ServiceDeps } from '../services/deps';
import type { AdminDeps } from '../services/admin';
import { newAccount } from '../domain/decide';
import { DuplicateEmailError, NotFoundError, RefusedError } from '../errors';
import { ULID_PATTERN } from '../http/schemas/identity';
import { ScimError, ScimType } from './errors';
import type { FilterPlan, Term } from './filter';
import { userNameOf, visible, wishOf, type DesiredUser } from './user';

interface ListInput {
  readonly plan: FilterPlan | null;
  /** 1-based. */
  readonly startIndex: number;
  readonly count: number;
}

interface UserPage {
  readonly totalResults: number;
  readonly items: readonly Account[];
}

/** The statuses an unfiltered listing reads: a deleted account is gone for the identity provider. */
const LISTED: readonly Status[] = STATUSES.filter((s) => s !== 'deleted' && s !== 'deleted_permanent');
/** Items read per page while walking a domain. */
const PAGE = 200;

const notFound = (): NotFoundError => new NotFoundError('no such user');

/** The account behind a SCIM id the caller may see; 404 for anything else (a malformed id included). */
async function loadUser(deps: ServiceDeps, caller: ApiCaller, id: string): Promise<Account> {
  const account = ULID_PATTERN.test(id) ? await deps.store.get(id.toUpperCase()) : null;
  if (account === null || !administers(caller, account.domain) || !visible(account)) throw notFound();
  return account;
}

/** Applies one request: with If-Match (`expectedVersion`) as a caller (412 when stale), else decided again on fresh state. */
async function step(deps: ServiceDeps, account: Account, request: Request, expectedVersion?: number): Promise<Account> {
  const result = await apply(
    deps,
    account,
    request,
    expectedVersion === undefined ? { race: 'system' } : { race: 'caller', ifMatch: [expectedVersion] },
  );
  if (result.outcome === 'refused') throw new RefusedError(result);
  return result.account;
}

/**
 * Gets the account where `desired` says: display name, profile (externalId, name), then `active`. Only the
 * first step carries If-Match. Returns the account as stored after all of them.
 */
async function reconcile(
  deps: ServiceDeps,
  caller: ApiCaller,
  read: Account,
  desired: DesiredUser,
  expectedVersion?: number,
): Promise<Account> {
  let account = read;
  let version = expectedVersion;
  const next = async (request: Request): Promise<void> => {
    account = await step(deps, account, request, version);
    version = undefined;
  };
  if (desired.displayName !== undefined && desired.displayName !== account.displayName)
    await next({ kind: 'rename', displayName: desired.displayName, caller });
  const profile = {
    ...(desired.externalId === undefined ? {} : { externalId: desired.externalId }),
    ...(desired.name === undefined ? {} : { name: desired.name }),
  };
  if (Object.keys(profile).length > 0) await next({ kind: 'update_profile', ...profile, caller });
  if (desired.active !== undefined) await next({ kind: 'want', status: wishOf(desired.active), caller });
  // Nothing to change: If-Match is still checked (412 when stale).
  if (version !== undefined) await next({ kind: 'update_profile', caller });
  return (await deps.store.get(account.accountId)) ?? account;
}

/** Whether an account matches every term of an alternative. */
function matches(account: Account, terms: readonly Term[]): boolean {
  return terms.every(({ key, value }) => {
    switch (key) {
      case 'id':
        return account.accountId === value.toUpperCase();
      case 'userName':
        return account.email === canonical(value);
      case 'externalId':
        return (account.externalId ?? null) === value;
    }
  });
}

/** The canonical address of a userName compared in a filter; null when it is no address (it matches nothing). */
function canonical(value: string): string | null {
  try {
    return userNameOf(value);
  } catch {
    return null;
  }
}

/** The accounts one alternative names, by its most selective term: one GetItem, or one Query of the externalId lookup. */
async function lookup(deps: ServiceDeps, terms: readonly Term[]): Promise<Account[]> {
  const pick = (key: Term['key']) => terms.find((t) => t.key === key);
  const id = pick('id');
  if (id !== undefined) {
    const account = ULID_PATTERN.test(id.value) ? await deps.store.get(id.value.toUpperCase()) : null;
    return account === null ? [] : [account];
  }
  const userName = pick('userName');
  if (userName !== undefined) {
    const email = canonical(userName.value);
    const record = email === null ? null : await deps.store.access(email);
    const account = record === null ? null : await deps.store.get(record.accountId);
    return account === null ? [] : [account];
  }
  const externalId = pick('externalId');
  if (externalId === undefined) return [];
  const records = await deps.store.byExternalId(externalId.value);
  const accounts = await Promise.all(records.map((record) => deps.store.get(record.accountId)));
  return accounts.filter((account): account is Account => account !== null);
}

/** The users a filter names, in the caller's domains, by address. */
async function filtered(deps: ServiceDeps, caller: ApiCaller, plan: FilterPlan): Promise<Account[]> {
  const found = new Map<string, Account>();
  for (const terms of plan) {
    for (const account of await lookup(deps, terms)) {
      if (administers(caller, account.domain) && visible(account) && matches(account, terms))
        found.set(account.accountId, account);
    }
  }
  return [...found.values()].sort((a, b) => ((a.email ?? '') < (b.email ?? '') ? -1 : 1));
}

/** How many users an unfiltered listing of `domains` has: the exact counts, less deleted accounts. */
async function listedCount(deps: AdminDeps, domains: readonly string[]): Promise<number> {
  const counts = await Promise.all(domains.map((domain) => deps.store.counts(domain)));
  return counts.reduce(
    (total, c) => total + c.accounts - (c.byStatus.deleted ?? 0) - (c.byStatus.deleted_permanent ?? 0),
    0,
  );
}

/**
 * One page of the caller's users, domain after domain (each by address): the `startIndex - 1` users before
 * the page are read and skipped (identity providers page small ranges; docs/scim.md gives the cost).
 * `totalResults` is the domains' exact counts (SPEC §4), read from their counter items.
 */
async function unfiltered(deps: AdminDeps, caller: ApiCaller, input: ListInput): Promise<UserPage> {
  const domains = caller.domains === '*' ? [...(await deps.store.domains())] : [...caller.domains].sort();
  const skip = input.startIndex - 1;
  const items: Account[] = [];
  let seen = 0;
  for (const domain of domains) {
    let cursor: string | null = null;
    do {
      const page = await deps.store.list({ domain, statuses: LISTED, limit: PAGE, cursor });
      for (const account of page.items.filter(visible)) {
        if (seen >= skip && items.length < input.count) items.push(account);
        seen += 1;
      }
      cursor = page.nextCursor;
    } while (cursor !== null && items.length < input.count);
    if (items.length >= input.count) break;
  }
  return { totalResults: await listedCount(deps, domains), items };
}

/**
 * The caller's users: those a filter names, or all of them in pages.
 *
 * @example
 * await listUsers(deps, caller, { plan: planFilter('userName eq "ann@example.org"', await loadFilterParser()), startIndex: 1, count: 100 })
 */
async function listUsers(deps: AdminDeps, caller: ApiCaller, input: ListInput): Promise<UserPage> {
  if (input.plan === null) return unfiltered(deps, caller, input);
  const all = await filtered(deps, caller, input.plan);
  return { totalResults: all.length, items: all.slice(input.startIndex - 1, input.startIndex - 1 + input.count) };
}

/** One user; 404 when unknown, deleted or outside the caller's domains. */
async function getUser(deps: ServiceDeps, caller: ApiCaller, id: string): Promise<Account> {
  return loadUser(deps, caller, id);
}

/**
 * Creates the user (`active` false: resting `pending`; true or absent: provisioned). A userName held by a
 * deleted, not yet purged account of the caller's domains restores that account (the identity provider
 * assigning the user again) — `restored` true; any other holder is 409 uniqueness. 403 outside the
 * caller's domains.
 */
async function createUser(
  deps: ServiceDeps,
  caller: ApiCaller,
  desired: DesiredUser,
): Promise<{ account: Account; restored: boolean }> {
  const email = desired.userName;
  const domain = emailDomain(email);
  if (!administers(caller, domain)) throw new ScimError(403, `This token may not provision users of ${domain}.`);
  const record = await deps.store.access(email);
  if (record !== null) return { account: await restore(deps, caller, record.accountId, desired), restored: true };
  const { account, entry } = newAccount(
    {
      accountId: newIdOf(deps),
      email,
      displayName: desired.displayName ?? null,
      activate: desired.active ?? true,
      caller,
      externalId: desired.externalId ?? null,
      name: desired.name ?? null,
    },
    nowOf(deps),
    deps.policy,
  );
  try {
    await deps.store.create(account, entry);
  } catch (error) {
    if (error instanceof DuplicateEmailError) throw taken();
    throw error;
  }
  return { account, restored: false };
}

const taken = (): ScimError => new ScimError(409, 'A user with this userName exists.', ScimType.UNIQUENESS);

/** A POST for the address of a deleted account restores it, then applies the rest of the body. */
async function restore(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  desired: DesiredUser,
): Promise<Account> {
  const account = await deps.store.get(accountId);
  if (account === null || visible(account) || !administers(caller, account.domain)) throw taken();
  let restored: Account;
  try {
    restored = await step(deps, account, { kind: 'want', status: 'active', caller });
  } catch (error) {
    // Past its restore period: the address is still held until the account is purged.
    if (error instanceof RefusedError) throw taken();
    throw error;
  }
  return reconcile(deps, caller, restored, desired);
}

/** PUT: the user as the body says (what it leaves out is cleared; `active`, when absent, stays). */
async function replaceUser(
  deps: ServiceDeps,
  caller: ApiCaller,
  id: string,
  desired: DesiredUser,
  expectedVersion?: number,
): Promise<Account> {
  const account = await loadUser(deps, caller, id);
  if (desired.userName !== account.email)
    throw new ScimError(400, 'userName is the mailbox address and cannot be changed.', ScimType.MUTABILITY);
  return reconcile(deps, caller, account, desired, expectedVersion);
}

/** PATCH: `patch` turns the user as read into what the operations ask for. */
async function patchUser(
  deps: ServiceDeps,
  caller: ApiCaller,
  id: string,
  patch: (account: Account) => DesiredUser,
  expectedVersion?: number,
): Promise<Account> {
  const account = await loadUser(deps, caller, id);
  return reconcile(deps, caller, account, patch(account), expectedVersion);
}

/** DELETE: a soft delete (via `deleting`, restorable for the retention period), or kept until an operation ends. */
async function deleteUser(deps: ServiceDeps, caller: ApiCaller, id: string, expectedVersion?: number): Promise<void> {
  const account = await loadUser(deps, caller, id);
  await step(deps, account, { kind: 'want', status: 'deleted', caller }, expectedVersion);
}

export { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser };
export type { ListInput, UserPage };
