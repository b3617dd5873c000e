/**
 * A sweep stopped at arbitrary points and continued (as the Lambda hands its continuation to a fresh
 * invocation) ends where one uninterrupted run ends, with no change made twice; and a sweep reads only
 * its candidates, however many other accounts surround them.
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import type { AccountSweep } from '../../../shared/domain/due';
import { continuationSchema, type Continuation } from '../../../shared/sweeps/continuation';
import { runScheduled } from '../../../shared/sweeps/scheduled';
import type { SweepEvent } from '../../../shared/sweeps/event';
import { SILENT } from '../../../shared/observability';
import { runSweep, type SweepResult } from '../../../shared/sweeps/sweep';
import { SCENARIOS, type Scenario } from './scenarios';
import { countingStore, recordingAlerts, world, type World } from './world';

/** A small deterministic generator (mulberry32), so a failing sequence of stops can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a run leaves behind: each account's status, version and how many entries this sweep wrote. */
async function endState(w: World, s: Scenario, action: string) {
  return Promise.all(
    [...s.due, ...s.notDue].map(async (a) => {
      const [stored, history] = await Promise.all([w.get(a.accountId), w.history(a.accountId)]);
      return {
        status: stored.status,
        version: stored.version - a.version,
        swept: history.filter((e) => e.action === action).length,
      };
    }),
  );
}

const ACTION: Record<AccountSweep, string> = {
  inactivity: 'inactivity',
  lockout: 'lockout_expired',
  leaver: 'leaver_delete',
  retention: 'retention_purge',
};

describe.each(['inactivity', 'retention'] as const)('the %s sweep, interrupted', (sweep) => {
  it('stopped after random numbers of accounts and continued, ends as one uninterrupted run does', async () => {
    // Prepare: two identical worlds (4 shards, so the run crosses shards)
    const [one, many] = await Promise.all([world({ DUE_SHARDS: '4' }), world({ DUE_SHARDS: '4' })]);
    const [s1, s2] = await Promise.all([SCENARIOS[sweep](one, 14, 6), SCENARIOS[sweep](many, 14, 6)]);
    const deps = (w: World, now: Date) => ({
      store: w.store,
      policy: w.config.policy,
      alerts: recordingAlerts(),
      clock: () => now,
      config: w.config,
    });
    const next = random(20_261_123);

    // Act: one run, and one stopped every few accounts, its continuation passed through JSON as the Lambda does
    const whole = await runSweep(deps(one, s1.now), { sweep, now: s1.now, dryRun: false });
    let continuation: Continuation | null = null;
    let result: SweepResult;
    let invocations = 0;
    do {
      result = await runSweep(deps(many, s2.now), {
        sweep,
        now: s2.now,
        dryRun: false,
        continuation,
        maxItems: 1 + Math.floor(next() * 4),
        pageSize: 1 + Math.floor(next() * 3),
      });
      continuation =
        result.continuation === null
          ? null
          : v.parse(continuationSchema, JSON.parse(JSON.stringify(result.continuation)));
      invocations += 1;
    } while (continuation !== null && invocations < 100);

    // Assess
    expect(continuation).toBeNull();
    expect(invocations).toBeGreaterThan(3);
    expect(result.summary).toMatchObject({
      changed: whole.summary.changed,
      candidates: whole.summary.candidates,
      failed: 0,
      invocations,
      complete: true,
    });
    expect(result.summary.changed).toBe(14);
    expect(await endState(many, s2, ACTION[sweep])).toEqual(await endState(one, s1, ACTION[sweep]));
    for (const a of s2.due) {
      const entries = (await many.history(a.accountId)).filter((e) => e.action === ACTION[sweep]);
      expect(entries.map((e) => e.requestId)).toEqual([result.summary.runId]);
    }
  });
});

describe('a scheduled run over its time budget', () => {
  it('hands its continuation to a fresh invocation until done, each invocation deciding by the same now', async () => {
    // Prepare: a clock that moves a second every time it is read, and a budget of three seconds
    const w = await world({ DUE_SHARDS: '4', SWEEP_TIME_BUDGET_MS: '3000' });
    const s = await SCENARIOS.inactivity(w, 10, 5);
    let ticks = s.now.getTime();
    const clock = (): Date => new Date((ticks += 1000));
    const handed: SweepEvent[] = [];
    const run = (event: unknown) =>
      runScheduled('inactivity', event, {
        config: w.config,
        store: w.store,
        alerts: recordingAlerts(),
        clock,
        logger: SILENT,
        handOff: async (e) => void handed.push(JSON.parse(JSON.stringify(e)) as SweepEvent),
      });

    // Act: the scheduled event, then each handed-over event in turn
    const summaries = [await run({})];
    while (handed.length > 0 && summaries.length < 50) summaries.push(await run(handed.shift()));

    // Assess
    const last = summaries.at(-1);
    expect(summaries.length).toBeGreaterThan(1);
    expect(summaries.slice(0, -1).every((x) => 'continued' in x && x.continued)).toBe(true);
    expect(last).toMatchObject({
      sweep: 'inactivity',
      changed: 10,
      candidates: 10,
      failed: 0,
      continued: false,
      invocations: summaries.length,
    });
    expect(new Set(summaries.map((x) => x.now))).toEqual(new Set([summaries[0]?.now]));
    for (const a of s.due)
      expect((await w.history(a.accountId)).filter((e) => e.action === 'inactivity')).toHaveLength(1);
    for (const a of s.notDue) expect(await w.get(a.accountId)).toEqual(a);
  });

  it('without a hand-over (the local stack) loops to the end in one call', async () => {
    // Prepare
    const w = await world({ DUE_SHARDS: '4', SWEEP_TIME_BUDGET_MS: '1', CLOCK_OVERRIDE: 'true' });
    const s = await SCENARIOS.inactivity(w, 6, 3);

    // Act
    const summary = await runScheduled(
      'inactivity',
      { now: s.now.toISOString() },
      { config: w.config, store: w.store, alerts: recordingAlerts(), logger: SILENT },
    );

    // Assess
    expect(summary).toMatchObject({ changed: 6, candidates: 6, continued: false, now: s.now.toISOString() });
    expect(summary.sweep !== 'stuck' && summary.invocations).toBeGreaterThan(1);
  });
});

describe('what a sweep reads', () => {
  it('reads each candidate once and nothing else, among ten times as many accounts that are not due', async () => {
    // Prepare
    const w = await world();
    const s = await SCENARIOS.inactivity(w, 20, 200);
    const store = countingStore(w.store);
    const deps = { store, policy: w.config.policy, alerts: recordingAlerts(), clock: () => s.now, config: w.config };

    // Act
    const result = await runSweep(deps, { sweep: 'inactivity', now: s.now, dryRun: false });

    // Assess
    expect(result.summary).toMatchObject({ candidates: 20, changed: 20 });
    expect(store.reads.itemsRead / result.summary.candidates).toBeLessThanOrEqual(1.05);
    expect(result.summary.itemsRead).toBe(store.reads.itemsRead);
    expect(store.reads.get).toBe(0);
  });
});
