/**
 * The one-off backfill of the domain counts and the search tokens (docs/runbook.md, "Backfill the counts"):
 * every account item written before counting existed (no `counted` mark) is written once more, quietly,
 * by the store — which adds its whole contribution to its domain's counter, its search tokens and its
 * domain's registration in the same transaction, conditioned on the revision it read. Running it again
 * finds nothing to do; a change racing it is counted exactly once either way (the loser re-reads).
 *
 * This is the one place that scans the table: a one-off job, never a request path. The same code runs
 * locally (`npm run backfill-counts`) and in the cloud (the same script with the deployed table's name).
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../concurrency';
import { isCounted } from './counts';
import { ACCOUNT_SK } from './keys';
import { ConflictError, type AccountStore } from './port';

interface BackfillDeps {
  readonly store: AccountStore;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Accounts written at once; default 8. */
  readonly concurrency?: number;
  /** Parallel scan segments; default 1. */
  readonly segments?: number;
}

interface BackfillSummary {
  /** Account items read by the scan that were not counted yet. */
  readonly found: number;
  /** Those this run counted (the others were counted meanwhile by a change). */
  readonly counted: number;
}

const MAX_ATTEMPTS = 5;

/** Counts one account if it is not counted yet; true if this call counted it. */
async function countOne(store: AccountStore, accountId: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const account = await store.get(accountId);
    if (account === null || isCounted(account)) return false;
    try {
      await store.quiet(account, { ...account, revision: account.revision + 1 });
      return true;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * Counts every account not counted yet.
 *
 * @example
 * const { found, counted } = await backfillCounts({ store, client, tableName });
 */
async function backfillCounts(deps: BackfillDeps): Promise<BackfillSummary> {
  const segments = deps.segments ?? 1;
  const totals = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let found = 0;
      let counted = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const output = await deps.client.send(
          new ScanCommand({
            TableName: deps.tableName,
            FilterExpression: 'SK = :sk AND attribute_not_exists(counted)',
            ExpressionAttributeValues: { ':sk': ACCOUNT_SK },
            ProjectionExpression: 'accountId',
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
          }),
        );
        const ids = (output.Items ?? []).map((item) => item.accountId as string);
        found += ids.length;
        const done = await mapLimit(ids, deps.concurrency ?? 8, (id) => countOne(deps.store, id));
        counted += done.filter(Boolean).length;
        start = output.LastEvaluatedKey;
      } while (start !== undefined);
      return { found, counted };
    }),
  );
  return totals.reduce((a, b) => ({ found: a.found + b.found, counted: a.counted + b.counted }), {
    found: 0,
    counted: 0,
  });
}

export { backfillCounts };
export type { BackfillDeps, BackfillSummary };
