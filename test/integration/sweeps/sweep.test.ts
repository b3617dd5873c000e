/**
 * The four account sweeps against DynamoDB Local, each under a controlled clock: exactly the due accounts
 * change, a dry run changes nothing, a re-run changes nothing, changes are stamped with the real time.
 */
import { describe, expect, it } from 'vitest';
import { BACKGROUND_TASKS } from '../../../shared/domain/account';
import type { AccountSweep } from '../../../shared/domain/due';
import { runSweep, type SweepDeps } from '../../../shared/sweeps/sweep';
import { SCENARIOS } from './scenarios';
import { at, recordingAlerts, world, type World } from './world';

const SWEEPS: readonly AccountSweep[] = ['inactivity', 'lockout', 'leaver', 'retention'];

function depsOf(w: World, realNow: Date, alerts = recordingAlerts()): SweepDeps & { alerts: typeof alerts } {
  return { store: w.store, policy: w.config.policy, alerts, clock: () => realNow, config: w.config };
}

describe.each(SWEEPS)('the %s sweep', (sweep) => {
  it('changes exactly the due accounts, stamped with the real time; a dry run first changes nothing; a re-run nothing', async () => {
    // Prepare
    const w = await world();
    const { now, due, notDue, after } = await SCENARIOS[sweep](w, 3, 4);
    const realNow = at(now, 7 * 60_000);
    const deps = depsOf(w, realNow);
    const versions = async () => Promise.all([...due, ...notDue].map(async (a) => (await w.get(a.accountId)).version));
    const before = await versions();

    // Act: a dry run
    const dry = await runSweep(deps, { sweep, now, dryRun: true });

    // Assess: it counted what a real run will change, and wrote nothing
    expect(dry.summary).toMatchObject({
      sweep,
      candidates: due.length,
      changed: 0,
      wouldChange: due.length,
      failed: 0,
      dryRun: true,
      complete: true,
    });
    expect(dry.continuation).toBeNull();
    expect(await versions()).toEqual(before);

    // Act: the real run
    const real = await runSweep(deps, { sweep, now, dryRun: false });

    // Assess: the same candidates, each due account changed once by BackgroundTasks at the real time
    expect(real.summary).toMatchObject({
      sweep,
      candidates: dry.summary.candidates,
      changed: due.length,
      skipped: 0,
      failed: 0,
      dryRun: false,
    });
    expect(real.summary.wouldChange).toBeUndefined();
    for (const a of due) {
      const stored = await w.get(a.accountId);
      expect(stored.status).toBe(after);
      expect(stored.version).toBe(a.version + 1);
      const last = (await w.history(a.accountId)).at(-1);
      expect(last).toMatchObject({
        from: a.status,
        to: after,
        actor: BACKGROUND_TASKS,
        at: realNow.toISOString(),
        requestId: real.summary.runId,
      });
    }
    for (const a of notDue) expect(await w.get(a.accountId)).toEqual(a);
    expect(deps.alerts.alerts).toEqual([]);

    // Act: run again at the same now
    const again = await runSweep(deps, { sweep, now, dryRun: false });

    // Assess: nothing more to change
    expect(again.summary).toMatchObject({ changed: 0, failed: 0 });
    for (const a of due) expect((await w.get(a.accountId)).version).toBe(a.version + 1);
  });

  it('leaves accounts that are not yet due by now alone, whatever the real time', async () => {
    // Prepare: the run's now before anything is due, the real clock long after
    const w = await world();
    const { now, due } = await SCENARIOS[sweep](w, 2, 0);
    const early = at(w.t0, 60_000);

    // Act
    const result = await runSweep(depsOf(w, at(now, 365 * 86_400_000)), { sweep, now: early, dryRun: false });

    // Assess
    expect(result.summary).toMatchObject({ candidates: 0, changed: 0 });
    for (const a of due) expect(await w.get(a.accountId)).toEqual(a);
  });
});
