/**
 * The administrator's reads (SPEC §4): the caller's domains with their sizes, a domain's summary, a search
 * by `q`, and a sweep's preview — what it would change at `until`, decided by the same pure rule the sweep
 * applies, reading only the sweep's candidates and changing nothing.
 */
import type { Account } from '../domain/account';
import { decide } from '../domain/decide';
import type { AccountSweep } from '../domain/due';
import type { Status } from '../domain/statuses';
import { mapLimit } from '../concurrency';
import type { AdminStore, DomainCounts } from '../store/admin-port';
import type { AccountStore, ListQuery, Page } from '../store/port';
import { requireDomain } from './accounts';
import type { ApiCaller } from './caller';
import { nowOf, type ServiceDeps } from './deps';
import { InvalidInputError } from '../errors';

interface AdminDeps extends ServiceDeps {
  readonly store: AccountStore & AdminStore;
}

/** How far ahead a preview may look (SPEC §4). */
const MAX_PREVIEW_AHEAD_MS = 366 * 86_400_000;

/** The counts as the API answers them. */
const summaryOf = ({ domain, accounts, byStatus, leavers, inProgress, stuck }: DomainCounts): DomainCounts => ({
  domain,
  accounts,
  byStatus,
  leavers,
  inProgress,
  stuck,
});

/**
 * The domains the caller administers, each with its number of accounts; for `*`, every domain that has accounts.
 *
 * @example
 * await listDomains(deps, caller) // [{ domain: 'example.org', accounts: 10000 }]
 */
async function listDomains(deps: AdminDeps, caller: ApiCaller): Promise<{ domain: string; accounts: number }[]> {
  const all = caller.domains === '*';
  const domains = all ? await deps.store.domains() : [...new Set(caller.domains)].sort();
  const counted = await mapLimit(domains, 8, async (domain) => ({
    domain,
    accounts: (await deps.store.counts(domain)).accounts,
  }));
  return all ? counted.filter((d) => d.accounts > 0) : counted;
}

/** One domain's counts; ForbiddenError outside the caller's domains. */
async function domainSummary(deps: AdminDeps, caller: ApiCaller, domain: string): Promise<DomainCounts> {
  requireDomain(caller, domain);
  return summaryOf(await deps.store.counts(domain));
}

interface FindQuery extends ListQuery {
  readonly q?: string;
}

/** One domain's accounts: listed, or found by `q` when given. ForbiddenError outside the caller's domains. */
async function findAccounts(deps: AdminDeps, caller: ApiCaller, query: FindQuery): Promise<Page<Account>> {
  requireDomain(caller, query.domain);
  if (query.q === undefined) return deps.store.list(query);
  const { items, nextCursor } = await deps.store.search({ ...query, q: query.q });
  return { items, nextCursor };
}

interface PreviewInput {
  readonly sweep: AccountSweep;
  readonly domain?: string;
  /** Default now; at most a year ahead. */
  readonly until?: string;
  readonly limit: number;
  readonly cursor: string | null;
}

interface PreviewItem {
  readonly accountId: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly status: Status;
  readonly dueAt: string;
  /** Where the sweep takes it: the status it ends in (an operation's target). */
  readonly to: Status;
}

/**
 * What `sweep` would change if it ran at `until`: its candidates due by then that its rule changes.
 *
 * @example
 * await previewSweep(deps, caller, { sweep: 'inactivity', domain: 'example.org', limit: 50, cursor: null })
 * // { items: [{ accountId, email, displayName, status: 'active', dueAt, to: 'inactive' }], nextCursor: null }
 */
async function previewSweep(
  deps: AdminDeps,
  caller: ApiCaller,
  input: PreviewInput,
): Promise<{ items: PreviewItem[]; nextCursor: string | null }> {
  if (input.domain === undefined && caller.domains !== '*') {
    throw new InvalidInputError([
      { path: 'query.domain', message: 'is required unless the caller administers every domain' },
    ]);
  }
  if (input.domain !== undefined) requireDomain(caller, input.domain);
  const now = nowOf(deps);
  const until = input.until === undefined ? now : new Date(input.until);
  if (until.getTime() > now.getTime() + MAX_PREVIEW_AHEAD_MS) {
    throw new InvalidInputError([{ path: 'query.until', message: 'must be at most a year ahead' }]);
  }
  const asOf = until.toISOString();
  const page = await deps.store.preview({
    kind: input.sweep,
    domain: input.domain ?? null,
    until: asOf,
    limit: input.limit,
    cursor: input.cursor,
  });
  const items = page.items.flatMap(({ account, dueAt }) => {
    const decision = decide(account, { kind: 'sweep', sweep: input.sweep, requestId: null, asOf }, now, deps.policy);
    if (decision.outcome !== 'changed') return [];
    const next = decision.account;
    return [
      {
        accountId: account.accountId,
        email: account.email,
        displayName: account.displayName,
        status: account.status,
        dueAt,
        to: next.inProgress?.target ?? next.status,
      },
    ];
  });
  return { items, nextCursor: page.nextCursor };
}

export { domainSummary, findAccounts, listDomains, previewSweep, MAX_PREVIEW_AHEAD_MS };
export type { AdminDeps, FindQuery, PreviewInput, PreviewItem };
