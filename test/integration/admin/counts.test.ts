/**
 * The summary's counts are exact (SPEC §4): after creates, status changes, leaver marks, worker completions
 * and failures, sweeps, purges, stuck alerts, many concurrent races and conflicts on the counter items,
 * every number equals what listing the domain returns. Against DynamoDB Local; conflicts injected.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import { STATUSES, type Status } from '../../../shared/domain/statuses';
import { planStuck } from '../../../shared/sweeps/stuck-policy';
import { runSweep } from '../../../shared/sweeps/sweep';
import { COUNT_SHARDS, isStuck } from '../../../shared/store/counts';
import { injectFaults, seededRandom, type FaultInjector } from '../../helpers/faults';
import { ADMIN, DAY, HOUR, at, recordingAlerts, world, type World } from '../sweeps/world';

/** Every account of the domain, tombstones included, by listing it page by page. */
async function listAll(w: World): Promise<Account[]> {
  const accounts: Account[] = [];
  let cursor: string | null = null;
  do {
    const page = await w.store.list({ domain: w.domain, statuses: STATUSES, limit: 200, cursor });
    accounts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return accounts;
}

/** What the summary must say, counted from the listing. */
function countListing(accounts: readonly Account[]) {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const a of accounts) byStatus[a.status] += 1;
  return {
    domain: accounts[0]?.domain,
    accounts: accounts.length,
    byStatus,
    leavers: accounts.filter((a) => a.leaver !== null).length,
    inProgress: accounts.filter((a) => a.inProgress !== null).length,
    stuck: accounts.filter(isStuck).length,
  };
}

async function expectExact(w: World): Promise<void> {
  const listed = countListing(await listAll(w));
  const { itemsRead, ...summary } = await w.store.counts(w.domain);
  expect(summary).toEqual({ ...listed, domain: w.domain });
  expect(itemsRead).toBeLessThanOrEqual(COUNT_SHARDS);
}

let w: World;
let faults: FaultInjector | undefined;
beforeAll(async () => {
  w = await world();
});
afterEach(() => faults?.remove());

describe('domain counts', () => {
  it('match the listing after creates, admin changes, leavers, operations, failures, sweeps, purges and stuck alerts', async () => {
    // Prepare: a mix of accounts through the real rules.
    const t0 = w.t0;
    const accounts = await Promise.all(Array.from({ length: 12 }, () => w.active(t0)));
    const id = (i: number) => accounts[i]!.accountId;
    const set = (i: number, target: Status, when = t0) =>
      w.act(id(i), { kind: 'set_status', target, reason: null, caller: ADMIN }, when);

    // Act: admin changes, in-progress operations (completed, failed, left outstanding), leavers, deletion.
    await set(0, 'locked');
    await set(1, 'maintenance');
    await set(2, 'disabled');
    await w.complete(id(2), t0);
    await set(3, 'disabled'); // stays in progress (disabling)
    await w.act(
      id(3),
      { kind: 'operation_failed', operationId: (await w.get(id(3))).inProgress!.operationId, error: 'platform down' },
      t0,
      'system',
    );
    await w.act(id(4), { kind: 'mark_leaver', leaveDate: null, reason: null, caller: ADMIN }, t0);
    await w.act(id(5), { kind: 'mark_leaver', leaveDate: null, reason: null, caller: ADMIN }, t0);
    await w.act(id(5), { kind: 'unmark_leaver', reason: null, caller: ADMIN }, t0);
    await w.act(id(6), { kind: 'delete', reason: null, caller: ADMIN }, t0);
    await w.complete(id(6), t0);
    await w.act(id(7), { kind: 'delete', reason: null, caller: ADMIN }, t0);
    await w.complete(id(7), t0);
    await w.act(id(8), { kind: 'rename', displayName: 'Zoë Example', caller: ADMIN }, t0);
    await expectExact(w);

    // Sweeps: the leaver's window ends and retention purges the deleted ones (the worker completes both).
    const sweepDeps = {
      store: w.store,
      policy: w.config.policy,
      alerts: recordingAlerts(),
      clock: () => at(t0, 40 * DAY),
      config: w.config,
    };
    await runSweep(sweepDeps, { sweep: 'leaver', now: at(t0, 40 * DAY), dryRun: false });
    await runSweep(sweepDeps, { sweep: 'retention', now: at(t0, 40 * DAY), dryRun: false });
    await runSweep(sweepDeps, { sweep: 'inactivity', now: at(t0, 40 * DAY), dryRun: false });
    for (const a of await listAll(w))
      if (a.inProgress !== null && a.accountId !== id(3)) await w.complete(a.accountId, at(t0, 40 * DAY));

    // The stuck detector pages for the account left in progress, as it does: a quiet write of its memory.
    const stuckOne = await w.get(id(3));
    const plan = planStuck(stuckOne, at(t0, 2 * DAY), at(t0, 2 * DAY), w.config.policy);
    await w.store.quiet(stuckOne, { ...stuckOne, revision: stuckOne.revision + 1, stuckAlert: plan.memory ?? null });

    // Assess
    const listed = await listAll(w);
    expect(listed.filter((a) => a.status === 'deleted_permanent').length).toBe(2);
    expect(listed.filter(isStuck).map((a) => a.accountId)).toEqual([id(3)]);
    await expectExact(w);
    const summary = await w.store.counts(w.domain);
    expect(summary.byStatus.deleted_permanent).toBe(2);
    expect(summary.stuck).toBe(1);
  });

  it('stay exact under many concurrent races on the same accounts and conflicts on the counter items', async () => {
    // Prepare: 10 accounts; a third of the transactions that touch a counter item lose it to another.
    const accounts = await Promise.all(Array.from({ length: 10 }, () => w.active(w.t0)));
    faults = injectFaults(w.client, { transactionConflict: 0.3, conflictOn: 'counter', random: seededRandom(7) });
    const targets: Status[] = ['locked', 'maintenance', 'active', 'closed'];
    const total = (await w.store.counts(w.domain)).accounts;

    // Act: 8 racers per account, each setting another target; losers get a ConflictError (a 409), never half a
    // write. Meanwhile a reader reads the summary again and again.
    let racing = true;
    const seen: Awaited<ReturnType<typeof w.store.counts>>[] = [];
    const reader = (async () => {
      while (racing) seen.push(await w.store.counts(w.domain));
    })();
    const outcomes = await Promise.allSettled(
      accounts.flatMap((a) =>
        Array.from({ length: 8 }, (_, i) =>
          w.act(
            a.accountId,
            { kind: 'set_status', target: targets[i % targets.length]!, reason: null, caller: ADMIN },
            at(w.t0, HOUR),
          ),
        ),
      ),
    );
    racing = false;
    await reader;
    const injected = faults.stats.conflicts;
    faults.remove();
    faults = undefined;

    // Assess: some raced and lost, conflicts on counters were retried (none surfaced), and the counts are exact.
    const failures = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason.name);
    expect(injected).toBeGreaterThan(0);
    expect(failures.every((name) => name === 'ConflictError')).toBe(true);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(accounts.length);
    await expectExact(w);
    // Every summary read mid-race was a state after whole transactions: the same total, nothing negative.
    expect(seen.length).toBeGreaterThan(0);
    for (const counts of seen) {
      expect(counts.accounts).toBe(total);
      expect(
        Math.min(...Object.values(counts.byStatus), counts.leavers, counts.inProgress, counts.stuck),
      ).toBeGreaterThanOrEqual(0);
    }
  });

  it('count an account written before counting existed once: the backfill and later writes add it exactly once', async () => {
    // Prepare: an account item as older code wrote it (no `counted` mark, no counter, no search tokens).
    const a = await w.active(w.t0);
    const before = await w.store.counts(w.domain);
    await w.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
        TableName: w.tableName,
        Key: { PK: `ACCOUNT#${a.accountId}`, SK: 'ACCOUNT' },
        UpdateExpression: 'REMOVE counted',
      }),
    );
    await w.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
        TableName: w.tableName,
        Key: { PK: `COUNT#${w.domain}#00`, SK: 'COUNT' },
        UpdateExpression: 'ADD s_active :minus',
        ExpressionAttributeValues: { ':minus': -1 },
      }),
    );
    expect((await w.store.counts(w.domain)).accounts).toBe(before.accounts - 1);

    // Act: the backfill, twice (it only touches uncounted accounts), then a change.
    const { backfillCounts } = await import('../../../shared/store/backfill');
    const first = await backfillCounts({ store: w.store, client: w.client, tableName: w.tableName });
    const second = await backfillCounts({ store: w.store, client: w.client, tableName: w.tableName });
    await w.act(a.accountId, { kind: 'set_status', target: 'locked', reason: null, caller: ADMIN }, w.t0);

    // Assess
    expect(first.counted).toBe(1);
    expect(second.counted).toBe(0);
    await expectExact(w);
  });
});
