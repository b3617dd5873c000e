/**
 * Reading a sweep's candidates: one sparse, sharded due-time index, shard after shard, page by page, from a
 * position a previous invocation may have left. Only candidates are read (never a Scan), each once.
 */
import type { Account } from '../domain/account';
import type { DueKind } from '../domain/due';
import type { AccountStore } from '../store/port';

/** A shard and the store's cursor inside it (null: from its start). */
interface Position {
  readonly shard: number;
  readonly cursor: string | null;
}

interface CandidatePage {
  readonly items: readonly Account[];
  readonly itemsRead: number;
  /** Where reading continues after this page; null when every shard has been read. */
  readonly after: Position | null;
}

interface CandidateReader {
  /** The next non-empty page of at most `limit` candidates, or null when every shard has been read. */
  next(limit: number): Promise<CandidatePage | null>;
}

const START: Position = { shard: 0, cursor: null };

/**
 * A reader of `kind`'s candidates due by `dueBy`, starting at `from`.
 *
 * @example
 * const reader = candidateReader(store, 'inactivity', now.toISOString());
 * for (let page = await reader.next(100); page; page = await reader.next(100)) handle(page.items);
 */
function candidateReader(store: AccountStore, kind: DueKind, dueBy: string, from: Position = START): CandidateReader {
  let position: Position | null = from;
  return {
    async next(limit) {
      while (position !== null) {
        const { shard, cursor } = position;
        const page = await store.due({ kind, shard, dueBy, limit, cursor });
        const after: Position | null =
          page.nextCursor !== null
            ? { shard, cursor: page.nextCursor }
            : shard + 1 < store.shards
              ? { shard: shard + 1, cursor: null }
              : null;
        position = after;
        if (page.items.length > 0) return { items: page.items, itemsRead: page.itemsRead, after };
      }
      return null;
    },
  };
}

export { candidateReader, START };
export type { CandidatePage, CandidateReader, Position };
