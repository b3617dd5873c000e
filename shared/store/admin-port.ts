/**
 * What the administrator's reads ask of persistence besides the AccountStore port (SPEC §4): exact counts
 * per domain, the domains that have accounts, a search by `q`, and a sweep's candidates for its preview.
 * Each reads only what it returns (docs/design.md, "Counts, search and previews").
 */
import type { Status } from '../domain/statuses';
import type { PreviewPage, PreviewQuery } from './preview';
import type { SearchPage, SearchQuery } from './search';

/** One domain's accounts counted by status, plus leavers, in progress and stuck (an open stuck alert). */
interface DomainCounts {
  readonly domain: string;
  /** Every account, purged tombstones included (as deleted_permanent). */
  readonly accounts: number;
  readonly byStatus: Readonly<Record<Status, number>>;
  readonly leavers: number;
  readonly inProgress: number;
  readonly stuck: number;
}

interface AdminStore {
  /** The domain's counts, exact: one TransactGetItems of its counter items. */
  counts(domain: string): Promise<DomainCounts & { readonly itemsRead: number }>;
  /** Every domain that ever had an account, in order. */
  domains(): Promise<readonly string[]>;
  /** The domain's accounts whose address or a word of whose name starts with `q`. InvalidCursorError for another query's cursor. */
  search(query: SearchQuery): Promise<SearchPage>;
  /** A sweep's candidates due by `until` (one domain, or all). InvalidCursorError for another query's cursor. */
  preview(query: PreviewQuery): Promise<PreviewPage>;
}

export type { AdminStore, DomainCounts };
