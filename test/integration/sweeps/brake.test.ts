/**
 * The destructive sweeps' brake: above maxAffected candidates nothing changes and one sweep_brake alert
 * goes out; a dry run never alerts; at or below the limit the sweep runs.
 */
import { describe, expect, it } from 'vitest';
import type { AccountSweep } from '../../../shared/domain/due';
import { runSweep } from '../../../shared/sweeps/sweep';
import { SCENARIOS } from './scenarios';
import { recordingAlerts, world } from './world';

const DESTRUCTIVE: readonly AccountSweep[] = ['leaver', 'retention'];

describe.each(DESTRUCTIVE)('the %s sweep', (sweep) => {
  it('changes nothing and raises one sweep_brake alert when more than maxAffected are due', async () => {
    // Prepare
    const w = await world();
    const { now, due, notDue } = await SCENARIOS[sweep](w, 4, 2);
    const alerts = recordingAlerts();
    const deps = { store: w.store, policy: w.config.policy, alerts, clock: () => now, config: w.config };

    // Act
    const braked = await runSweep(deps, { sweep, now, dryRun: false, maxAffected: 2 });

    // Assess: nothing changed, one alert saying what was found and what to do
    expect(braked.summary).toMatchObject({
      sweep,
      braked: true,
      maxAffected: 2,
      candidates: 3,
      changed: 0,
      failed: 0,
      complete: true,
    });
    expect(braked.continuation).toBeNull();
    expect(braked.summary.itemsRead).toBeLessThanOrEqual(3);
    for (const a of [...due, ...notDue]) expect(await w.get(a.accountId)).toEqual(a);
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({
      type: 'sweep_brake',
      sweep,
      candidates: 3,
      maxAffected: 2,
      now: now.toISOString(),
    });
    expect(alerts.alerts[0]?.summary).toContain('more than 2');
    expect(alerts.alerts[0]?.action).toContain('dryRun');

    // Act: a dry run with the same limit
    const dry = await runSweep(deps, { sweep, now, dryRun: true, maxAffected: 2 });

    // Assess: it counts them all, says it would brake, and alerts nothing more
    expect(dry.summary).toMatchObject({ candidates: 4, wouldChange: 4, changed: 0, wouldBrake: true, dryRun: true });
    expect(alerts.alerts).toHaveLength(1);

    // Act: the operator raises the limit to what the dry run found
    const run = await runSweep(deps, { sweep, now, dryRun: false, maxAffected: dry.summary.candidates });

    // Assess
    expect(run.summary).toMatchObject({ braked: false, candidates: 4, changed: 4, failed: 0 });
    expect(alerts.alerts).toHaveLength(1);
    for (const a of due) expect((await w.get(a.accountId)).status).toBe('deleting');
  });

  it('brakes at maxAffected 0 as soon as one account is due, and runs when none is', async () => {
    // Prepare
    const w = await world();
    const { now } = await SCENARIOS[sweep](w, 1, 1);
    const alerts = recordingAlerts();
    const deps = { store: w.store, policy: w.config.policy, alerts, clock: () => now, config: w.config };

    // Act
    const braked = await runSweep(deps, { sweep, now, dryRun: false, maxAffected: 0 });
    const early = await runSweep(deps, { sweep, now: w.t0, dryRun: false, maxAffected: 0 });

    // Assess
    expect(braked.summary).toMatchObject({ braked: true, candidates: 1, changed: 0 });
    expect(early.summary).toMatchObject({ braked: false, candidates: 0, changed: 0 });
    expect(alerts.alerts.map((a) => a.type)).toEqual(['sweep_brake']);
  });
});
