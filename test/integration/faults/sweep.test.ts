/**
 * The sweeps and the stuck detector (as their Lambda runs them: runScheduled) under injected
 * TransactionConflicts and throttling: no change is lost (a run that could not change an account leaves
 * it due, and the next run changes it), none is made twice (exactly one history entry per changed account,
 * as many as the runs report), accounts that are not due are never touched, and a run that fails writes
 * nothing half-way.
 */
import { describe, expect, it } from 'vitest';
import type { Alert, AlertPublisher } from '../../../shared/alerts/alert';
import type { SweepKind } from '../../../shared/schedules';
import { SILENT } from '../../../shared/observability';
import { runScheduled } from '../../../shared/sweeps/scheduled';
import type { Made } from '../../bench/seed';
import { seededRandom } from '../../helpers/faults';
import { withFaultWorld, type FaultWorld } from './fixtures';

let w: FaultWorld;
withFaultWorld((world) => {
  w = world;
});

function recordingAlerts(): AlertPublisher & { readonly alerts: Alert[] } {
  const alerts: Alert[] = [];
  return { alerts, publish: async (alert) => void alerts.push(alert) };
}

type Summary = Record<string, unknown> & { changed?: number; failed?: number; candidates?: number; alerted?: number };

const run = async (sweep: SweepKind, alerts: AlertPublisher = recordingAlerts()): Promise<Summary> =>
  (await runScheduled(sweep, sweep === 'leaver' || sweep === 'retention' ? { maxAffected: 10_000 } : {}, {
    config: w.config,
    store: w.store,
    alerts,
    clock: () => new Date(),
    logger: SILENT,
  })) as unknown as Summary;

/** New history entries of each account since it was seeded. */
const newEntries = async (made: readonly Made[]): Promise<number[]> =>
  Promise.all(made.map(async (m) => (await w.history(m.account.accountId)).length - m.history.length));

describe('the inactivity sweep under random TransactionConflicts and throttling', () => {
  it('changes every candidate exactly once over its runs, and nothing else', async () => {
    const due = await w.seed('inactivityDue', 24, 'inactivity.faults.example');
    const notDue = await w.seed('activeRecent', 8, 'inactivity.faults.example');
    w.faults.set({ transactionConflict: 0.3, throttle: 0.1, random: seededRandom(11) });

    const summaries: Summary[] = [];
    for (let runs = 0; runs < 5 && (summaries.length === 0 || (summaries.at(-1)?.failed ?? 0) > 0); runs++)
      summaries.push(await run('inactivity'));

    w.faults.set({});
    expect(w.faults.stats.conflicts).toBeGreaterThan(0);
    expect(summaries.at(-1)?.failed).toBe(0);
    const changed = summaries.reduce((n, s) => n + (s.changed ?? 0), 0);
    expect(changed).toBe(due.length);
    expect(await newEntries(due)).toEqual(due.map(() => 1));
    expect(await newEntries(notDue)).toEqual(notDue.map(() => 0));
    for (const m of due) expect((await w.store.get(m.account.accountId))?.status).toBe('inactive');
    for (const m of notDue) expect((await w.store.get(m.account.accountId))?.status).toBe('active');
  });
});

describe('a lockout sweep whose every write is lost to a concurrent transaction', () => {
  it('changes nothing and reports each candidate failed; the next run changes each exactly once', async () => {
    const due = await w.seed('lockoutDue', 10, 'lockout.faults.example');
    w.faults.set({ transactionConflict: 1 });

    const first = await run('lockout');

    w.faults.set({});
    expect(first).toMatchObject({ candidates: due.length, changed: 0, failed: due.length });
    expect(await newEntries(due)).toEqual(due.map(() => 0));
    for (const m of due) expect((await w.store.get(m.account.accountId))?.status).toBe('locked');

    const second = await run('lockout');

    expect(second).toMatchObject({ candidates: due.length, changed: due.length, failed: 0 });
    expect(await newEntries(due)).toEqual(due.map(() => 1));
    for (const m of due) expect(await w.store.get(m.account.accountId)).toMatchObject({ status: 'active', lock: null });
    expect(await run('lockout')).toMatchObject({ candidates: 0, changed: 0 });
  });
});

describe("a retention sweep whose index reads stay throttled past the SDK's retries", () => {
  it('fails before changing anything, and the re-run purges each candidate exactly once', async () => {
    const due = await w.seed('retentionDue', 6, 'retention.faults.example');
    w.faults.set({ throttle: 1, operations: ['Query'] });

    const failed = await run('retention').then(
      () => null,
      (error: unknown) => error,
    );

    w.faults.set({});
    expect((failed as Error | null)?.name).toMatch(/^(ThrottlingException|ProvisionedThroughputExceededException)$/);
    expect(await newEntries(due)).toEqual(due.map(() => 0));

    const rerun = await run('retention');

    expect(rerun).toMatchObject({ candidates: due.length, changed: due.length, failed: 0 });
    expect(await newEntries(due)).toEqual(due.map(() => 1));
    for (const m of due) {
      expect(await w.store.get(m.account.accountId)).toMatchObject({
        status: 'deleting',
        inProgress: { target: 'deleted_permanent' },
      });
    }
  });
});

describe('the stuck detector under conflicts on its memory writes', () => {
  it('alerts each stuck account exactly once across its runs', async () => {
    const stuck = await w.seed('stuck', 5, 'stuck.faults.example');
    const ids = new Set(stuck.map((m) => m.account.accountId));
    const alerts = recordingAlerts();
    const ours = (): Alert[] => alerts.alerts.filter((a) => a.type === 'stuck' && ids.has(a.account?.accountId ?? ''));
    // A memory write that opens an episode also adds to the domain's stuck count: a transaction, not a PutItem.
    w.faults.set({ transactionConflict: 1, operations: ['PutItem', 'TransactWriteItems'] });

    const first = await run('stuck', alerts);

    w.faults.set({});
    expect(first.failed).toBeGreaterThanOrEqual(stuck.length);
    expect(ours()).toEqual([]);

    await run('stuck', alerts);
    await run('stuck', alerts);

    expect(
      ours()
        .map((a) => a.account?.accountId)
        .sort(),
    ).toEqual([...ids].sort());
    for (const m of stuck) expect((await w.store.get(m.account.accountId))?.stuckAlert).not.toBeNull();
  });
});
