/**
 * Sweeps racing administrators and each other on the same accounts: every change is conditional on the
 * state it read, so none is lost and none is applied twice (the history and the version agree).
 */
import { describe, expect, it } from 'vitest';
import type { Applied } from '../../../shared/services/apply';
import { ConflictError } from '../../../shared/store/port';
import { runSweep } from '../../../shared/sweeps/sweep';
import { SCENARIOS } from './scenarios';
import { ADMIN, recordingAlerts, world, type World } from './world';

/** Every account's history is exactly its versions: nothing lost, nothing doubled. */
async function historyMatchesVersion(w: World, accountIds: readonly string[]): Promise<void> {
  for (const id of accountIds) {
    const [account, history] = await Promise.all([w.get(id), w.history(id)]);
    expect(history).toHaveLength(account.version);
    expect(history.at(-1)?.to).toBe(account.status);
  }
}

const actions = async (w: World, ids: readonly string[], action: string): Promise<number> =>
  (await Promise.all(ids.map(async (id) => (await w.history(id)).filter((e) => e.action === action).length))).reduce(
    (a, b) => a + b,
    0,
  );

describe('sweeps under concurrency', () => {
  it('an inactivity sweep racing administrators who lock the same accounts loses or wins cleanly', async () => {
    // Prepare
    const w = await world();
    const { now, due } = await SCENARIOS.inactivity(w, 16, 0);
    const ids = due.map((a) => a.accountId);
    const deps = {
      store: w.store,
      policy: w.config.policy,
      alerts: recordingAlerts(),
      clock: () => now,
      config: w.config,
    };
    const lock = (id: string): Promise<Applied | 'lost'> =>
      w
        .act(id, { kind: 'set_status', target: 'locked', reason: 'race', caller: ADMIN }, now)
        .catch((error: unknown) => {
          if (error instanceof ConflictError) return 'lost' as const;
          throw error;
        });

    // Act
    const [swept, ...locks] = await Promise.all([
      runSweep(deps, { sweep: 'inactivity', now, dryRun: false, concurrency: 16 }),
      ...ids.filter((_, i) => i % 2 === 0).map(lock),
    ]);

    // Assess: every candidate accounted for, each change recorded exactly once
    const result = swept as Awaited<ReturnType<typeof runSweep>>;
    expect(result.summary.failed).toBe(0);
    expect(result.summary.changed + result.summary.skipped).toBe(result.summary.candidates);
    expect(await actions(w, ids, 'inactivity')).toBe(result.summary.changed);
    expect(await actions(w, ids, 'lock')).toBe(locks.filter((l) => l !== 'lost').length);
    await historyMatchesVersion(w, ids);
    for (const [i, id] of ids.entries()) {
      const status = await w.statusOf(id);
      // An odd account was only ever swept; an even one is locked unless its administrator lost the race to the sweep.
      if (i % 2 === 1) expect(status).toBe('inactive');
      else expect(['locked', 'inactive']).toContain(status);
    }
    expect(result.summary.changed).toBeGreaterThanOrEqual(ids.length / 2);
  });

  it('two runs of the same sweep at once change each account once', async () => {
    // Prepare
    const w = await world();
    const { now, due } = await SCENARIOS.retention(w, 12, 0);
    const ids = due.map((a) => a.accountId);
    const deps = {
      store: w.store,
      policy: w.config.policy,
      alerts: recordingAlerts(),
      clock: () => now,
      config: w.config,
    };

    // Act
    const [a, b] = await Promise.all([
      runSweep(deps, { sweep: 'retention', now, dryRun: false }),
      runSweep(deps, { sweep: 'retention', now, dryRun: false }),
    ]);

    // Assess
    expect(a.summary.changed + b.summary.changed).toBe(ids.length);
    expect(a.summary.failed + b.summary.failed).toBe(0);
    expect(await actions(w, ids, 'retention_purge')).toBe(ids.length);
    await historyMatchesVersion(w, ids);
    for (const id of ids) expect((await w.get(id)).inProgress?.operation).toBe('purge');
  });

  it('a lockout sweep racing an administrator unlock and a login success on the same account applies one of them', async () => {
    // Prepare
    const w = await world();
    const { now, due } = await SCENARIOS.lockout(w, 6, 0);
    const ids = due.map((a) => a.accountId);
    const deps = {
      store: w.store,
      policy: w.config.policy,
      alerts: recordingAlerts(),
      clock: () => now,
      config: w.config,
    };

    // Act
    const [swept] = await Promise.all([
      runSweep(deps, { sweep: 'lockout', now, dryRun: false }),
      ...ids.map((id, i) =>
        i % 2 === 0
          ? w.act(id, { kind: 'login', outcome: 'success', requestId: null }, now, 'system')
          : w
              .act(id, { kind: 'set_status', target: 'active', reason: null, caller: ADMIN }, now)
              .catch((e: unknown) => {
                if (e instanceof ConflictError) return 'lost';
                throw e;
              }),
      ),
    ]);

    // Assess: each account left its lock exactly once
    expect(swept.summary.failed).toBe(0);
    for (const id of ids) {
      expect(await w.statusOf(id)).toBe('active');
      const unlocks = (await w.history(id)).filter((e) => e.from === 'locked');
      expect(unlocks).toHaveLength(1);
    }
    expect(await actions(w, ids, 'lockout_expired')).toBe(swept.summary.changed);
    await historyMatchesVersion(w, ids);
  });
});
