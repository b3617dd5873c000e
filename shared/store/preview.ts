/**
 * A sweep's candidates due by a given instant, for its preview (SPEC §4): reading only candidates, never a
 * Scan. One domain's come from the per-domain due-time indexes (`<domain>#<kind>`, by due time); every
 * domain's (a `*` caller without `domain`) from the sweeps' own sharded indexes, shard after shard.
 * The cursor is bound to its query (sweep, domain, instant): it cannot be replayed into another.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Account } from '../domain/account';
import { DUE_INDEX, DOMAIN_DUE_INDEX, domainDuePartition, duePartition, type IndexKeys } from './keys';
import { decodeShardCursor, encodeShardCursor, queryHash, type ShardPosition } from './cursor';
import { InvalidCursorError, type Page } from './port';

type Item = Record<string, unknown>;
type PreviewKind = 'inactivity' | 'leaver' | 'retention' | 'lockout';

interface PreviewQuery {
  readonly kind: PreviewKind;
  /** One domain, or null for every domain. */
  readonly domain: string | null;
  /** Candidates due at or before this instant (ISO 8601). */
  readonly until: string;
  readonly limit: number;
  readonly cursor?: string | null;
}

interface Candidate {
  readonly account: Account;
  /** When it became (or becomes) due: the index's sort key. */
  readonly dueAt: string;
}

interface PreviewPage extends Page<Candidate> {
  readonly itemsRead: number;
}

interface PreviewContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Shards of the sweeps' indexes. */
  readonly shards: number;
  readonly fromItem: (item: Item) => Account;
}

/** The query a cursor belongs to: a cursor cannot be replayed into another sweep, domain or `until`. */
const previewHash = (query: PreviewQuery): string => queryHash([query.kind, query.domain, query.until]);

/**
 * One page of `query.kind`'s candidates due by `query.until`, earliest first within a partition.
 *
 * @example
 * const page = await previewCandidates(context, { kind: 'inactivity', domain: 'example.org', until, limit: 50 });
 */
async function previewCandidates(context: PreviewContext, query: PreviewQuery): Promise<PreviewPage> {
  const until = new Date(query.until).toISOString();
  const hash = previewHash({ ...query, until });
  const shards = query.domain === null ? context.shards : 1;
  const index: IndexKeys = query.domain === null ? DUE_INDEX[query.kind] : DOMAIN_DUE_INDEX[query.kind];
  const partitionOf = (shard: number): string =>
    query.domain === null ? duePartition(query.kind, shard) : domainDuePartition(query.domain, query.kind);
  let position: ShardPosition | null =
    query.cursor == null ? { s: 0, k: null } : decodeShardCursor(query.cursor, hash, shards);
  const items: Candidate[] = [];
  let itemsRead = 0;
  while (position !== null && items.length < query.limit) {
    const { s, k: start }: ShardPosition = position;
    const partition = partitionOf(s);
    if (
      start !== null &&
      (start[index.partitionKey] !== partition ||
        (start[index.sortKey] ?? '') > until ||
        !(start.PK ?? '').startsWith('ACCOUNT#') ||
        Object.keys(start).length !== 4)
    )
      throw new InvalidCursorError('the cursor does not belong to this query');
    const output: QueryCommandOutput = await context.client.send(
      new QueryCommand({
        TableName: context.tableName,
        IndexName: index.index,
        KeyConditionExpression: '#pk = :pk AND #due <= :until',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#due': index.sortKey },
        ExpressionAttributeValues: { ':pk': partition, ':until': until },
        Limit: query.limit - items.length,
        ...(start !== null ? { ExclusiveStartKey: start } : {}),
      }),
    );
    itemsRead += output.ScannedCount ?? 0;
    for (const item of output.Items ?? [])
      items.push({ account: context.fromItem(item), dueAt: item[index.sortKey] as string });
    position = output.LastEvaluatedKey
      ? { s, k: output.LastEvaluatedKey as ShardPosition['k'] }
      : s + 1 < shards
        ? { s: s + 1, k: null }
        : null;
  }
  return { items, nextCursor: position === null ? null : encodeShardCursor(hash, position), itemsRead };
}

export { previewCandidates };
export type { Candidate, PreviewContext, PreviewKind, PreviewPage, PreviewQuery };
