/**
 * The stuck detector against DynamoDB Local under a controlled clock: a failing platform leaves an account
 * in `disabling`; one `stuck` alert after 24 h, none again on a re-run, a reminder 24 h later, one
 * `stuck_resolved` once the operation completes. A run that reaches its deadline stops, and the next run
 * sends exactly what it did not.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import { GROUP_SAMPLE } from '../../../shared/alerts/grouped';
import { SILENT } from '../../../shared/observability';
import { runScheduled } from '../../../shared/sweeps/scheduled';
import { runStuckDetector, type StuckDeps, type StuckSummary } from '../../../shared/sweeps/stuck';
import { ADMIN, HOUR, at, recordingAlerts, world, type World } from './world';

/** An active account an administrator disables at `when`, whose platform then fails twice. */
async function failingDisable(w: World, when: Date): Promise<Account> {
  const a = await w.active(w.t0);
  const started = await w.act(
    a.accountId,
    { kind: 'set_status', target: 'disabled', reason: 'offboarding', caller: ADMIN },
    when,
  );
  const operationId = started.account.inProgress?.operationId ?? '';
  for (const [i, error] of ['HTTP 503', 'HTTP 502: bad gateway'].entries()) {
    await w.act(a.accountId, { kind: 'operation_failed', operationId, error }, at(when, (i + 1) * 60_000), 'system');
  }
  return w.get(a.accountId);
}

/** A clock that moves a second every time it is read, from `start`. */
function ticking(start: Date): () => Date {
  let ticks = start.getTime();
  return () => new Date((ticks += 1000));
}

/** The account ids of the `stuck` alerts sent, in order. */
const alertedIds = (alerts: ReturnType<typeof recordingAlerts>): string[] =>
  alerts.alerts.filter((a) => a.type === 'stuck').map((a) => (a.account as { accountId: string }).accountId);

function detector(w: World) {
  const alerts = recordingAlerts();
  const deps: StuckDeps = { store: w.store, policy: w.config.policy, alerts, clock: () => new Date() };
  return { alerts, run: (now: Date, dryRun = false) => runStuckDetector(deps, { now, dryRun }) };
}

describe('the stuck detector', () => {
  it('alerts once per episode, reminds every 24 h, and says when it is resolved', async () => {
    // Prepare
    const w = await world();
    const t = at(w.t0, HOUR);
    const stuck = await failingDisable(w, t);
    const healthy = await w.active(w.t0);
    const { alerts, run } = detector(w);

    // Act + Assess: not yet 24 h
    expect(await run(at(t, 23 * HOUR))).toMatchObject({
      sweep: 'stuck',
      stuck: 0,
      alerted: 0,
      reminded: 0,
      resolved: 0,
      dryRun: false,
    });
    expect(alerts.alerts).toEqual([]);

    // Act + Assess: a dry run at 24 h counts it and sends and writes nothing
    expect(await run(at(t, 24 * HOUR), true)).toMatchObject({ stuck: 1, alerted: 0, wouldAlert: 1, dryRun: true });
    expect(alerts.alerts).toEqual([]);
    expect((await w.get(stuck.accountId)).stuckAlert).toBeNull();

    // Act + Assess: at 24 h, one alert naming the account, what it is doing, since when, and what to do
    expect(await run(at(t, 24 * HOUR))).toMatchObject({ stuck: 1, alerted: 1, reminded: 0, resolved: 0, failed: 0 });
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({
      type: 'stuck',
      account: { accountId: stuck.accountId, email: stuck.email, domain: stuck.domain },
      status: 'disabling',
      target: 'disabled',
      since: t.toISOString(),
      attempts: 2,
      lastError: 'HTTP 502: bad gateway',
    });
    expect(alerts.alerts[0]?.summary).toContain(stuck.accountId);
    expect(alerts.alerts[0]?.action).toMatch(/in-progress\/retry[\s\S]*in-progress\/cancel/);
    const remembered = await w.get(stuck.accountId);
    expect(remembered.version).toBe(stuck.version);
    expect(remembered.stuckAlert).toMatchObject({ operationId: stuck.inProgress?.operationId, status: 'disabling' });
    expect(await w.history(stuck.accountId)).toHaveLength(stuck.version);

    // Act + Assess: re-runs before the reminder is due send nothing, but still count it
    expect(await run(at(t, 24 * HOUR))).toMatchObject({ stuck: 1, alerted: 0, reminded: 0 });
    expect(await run(at(t, 36 * HOUR))).toMatchObject({ stuck: 1, alerted: 0, reminded: 0 });
    expect(alerts.alerts).toHaveLength(1);

    // Act + Assess: 24 h after the alert, one reminder; not two
    expect(await run(at(t, 48 * HOUR))).toMatchObject({ stuck: 1, alerted: 0, reminded: 1 });
    expect(await run(at(t, 48 * HOUR))).toMatchObject({ stuck: 1, reminded: 0 });
    expect(alerts.alerts.map((a) => a.type)).toEqual(['stuck', 'stuck_reminder']);
    expect(alerts.alerts[1]).toMatchObject({
      account: { accountId: stuck.accountId },
      status: 'disabling',
      attempts: 2,
    });

    // Act + Assess: the platform recovers and the operation completes; one resolved notice, then silence
    await w.complete(stuck.accountId, at(t, 49 * HOUR));
    expect(await run(at(t, 49 * HOUR))).toMatchObject({ stuck: 0, resolved: 1, alerted: 0, reminded: 0 });
    expect(await run(at(t, 80 * HOUR))).toMatchObject({ stuck: 0, resolved: 0, alerted: 0, reminded: 0 });
    expect(alerts.alerts.map((a) => a.type)).toEqual(['stuck', 'stuck_reminder', 'stuck_resolved']);
    expect(alerts.alerts[2]).toMatchObject({
      account: { accountId: stuck.accountId },
      status: 'disabled',
      stuckStatus: 'disabling',
    });
    const after = await w.get(stuck.accountId);
    expect(after.stuckAlert).toBeNull();
    expect(after.status).toBe('disabled');
    expect(await w.get(healthy.accountId)).toEqual(healthy);
  });

  it('pages a storm once per run, grouped, while tracking each episode on its own', async () => {
    // Prepare: 25 accounts stuck at once (a platform outage); a log recording the full list
    const w = await world();
    const t = at(w.t0, HOUR);
    const stuck = await Promise.all(Array.from({ length: 25 }, () => failingDisable(w, t)));
    const alerts = recordingAlerts();
    const logged: { message: string; attributes: Record<string, unknown> }[] = [];
    const logger = {
      ...SILENT,
      info: (message: string, attributes: Record<string, unknown>) => logged.push({ message, attributes }),
    };
    const deps: StuckDeps = { store: w.store, policy: w.config.policy, alerts, clock: () => new Date(), logger };
    const run = (now: Date) => runStuckDetector(deps, { now, dryRun: false });
    const ids = stuck.map((a) => a.accountId).toSorted();

    // Act + Assess: one grouped page with the count, the first 20 accounts and where the full list is
    expect(await run(at(t, 25 * HOUR))).toMatchObject({ stuck: 25, alerted: 25, failed: 0 });
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({ type: 'stuck', grouped: true, count: 25 });
    const sample = alerts.alerts[0]?.accounts as { accountId: string; email: string }[];
    expect(sample).toHaveLength(GROUP_SAMPLE);
    for (const account of sample) expect(ids).toContain(account.accountId);
    expect(alerts.alerts[0]?.fullList).toMatch(/alert grouped/);
    const listed = logged.filter((l) => l.message === 'alert grouped').map((l) => l.attributes.accountId as string);
    expect(listed.toSorted()).toEqual(ids);
    expect(JSON.stringify(logged)).not.toContain('@');
    for (const a of stuck) expect((await w.get(a.accountId)).stuckAlert).not.toBeNull();

    // Act + Assess: each episode's reminder is still due on its own schedule: one grouped reminder page
    expect(await run(at(t, 36 * HOUR))).toMatchObject({ alerted: 0, reminded: 0 });
    expect(await run(at(t, 49 * HOUR))).toMatchObject({ reminded: 25 });
    expect(alerts.alerts.map((a) => [a.type, a.count])).toEqual([
      ['stuck', 25],
      ['stuck_reminder', 25],
    ]);

    // Act + Assess: three recover (each resolved on its own), the rest stay stuck
    for (const a of stuck.slice(0, 3)) await w.complete(a.accountId, at(t, 50 * HOUR));
    expect(await run(at(t, 50 * HOUR))).toMatchObject({ stuck: 22, resolved: 3, reminded: 0 });
    expect(alerts.alerts.slice(2).map((a) => [a.type, a.account?.accountId, a.grouped])).toEqual(
      expect.arrayContaining(stuck.slice(0, 3).map((a) => ['stuck_resolved', a.accountId, undefined])),
    );
    expect(alerts.alerts).toHaveLength(5);
  });

  it('a cancelled episode is resolved, and the next operation of the account is a new episode', async () => {
    // Prepare: stuck and alerted
    const w = await world();
    const t = at(w.t0, HOUR);
    const a = await failingDisable(w, t);
    const { alerts, run } = detector(w);
    await run(at(t, 25 * HOUR));

    // Act: an administrator cancels and disables again; later that one gets stuck too
    await w.act(a.accountId, { kind: 'cancel', reason: 'platform down', caller: ADMIN }, at(t, 26 * HOUR));
    await w.act(
      a.accountId,
      { kind: 'set_status', target: 'disabled', reason: 'again', caller: ADMIN },
      at(t, 27 * HOUR),
    );
    const resolved = await run(at(t, 27 * HOUR));
    const again = await run(at(t, 51 * HOUR));

    // Assess
    expect(resolved).toMatchObject({ resolved: 1, alerted: 0, stuck: 0 });
    expect(again).toMatchObject({ alerted: 1, resolved: 0, stuck: 1 });
    expect(alerts.alerts.map((x) => x.type)).toEqual(['stuck', 'stuck_resolved', 'stuck']);
    expect(alerts.alerts[2]?.since).toBe(at(t, 27 * HOUR).toISOString());
    expect(alerts.alerts[2]?.operationId).not.toBe(alerts.alerts[0]?.operationId);
  });

  it('two detector runs at once alert once', async () => {
    // Prepare
    const w = await world();
    const t = at(w.t0, HOUR);
    await Promise.all([failingDisable(w, t), failingDisable(w, t), failingDisable(w, t)]);
    const { alerts, run } = detector(w);

    // Act
    const [x, y] = await Promise.all([run(at(t, 25 * HOUR)), run(at(t, 25 * HOUR))]);

    // Assess
    expect(x.alerted + y.alerted).toBe(3);
    expect(x.failed + y.failed).toBe(0);
    expect(alerts.alerts.filter((a) => a.type === 'stuck')).toHaveLength(3);
    expect(new Set(alerts.alerts.map((a) => (a.account as { accountId: string }).accountId)).size).toBe(3);
  });

  it('an alert that cannot be sent is not remembered, so the next run sends it', async () => {
    // Prepare
    const w = await world();
    const t = at(w.t0, HOUR);
    const a = await failingDisable(w, t);
    const sent: string[] = [];
    let down = true;
    const deps: StuckDeps = {
      store: w.store,
      policy: w.config.policy,
      clock: () => new Date(),
      alerts: {
        publish: async (alert) => {
          if (down) throw new Error('SNS unavailable');
          sent.push(alert.type);
        },
      },
    };

    // Act
    const failed = await runStuckDetector(deps, { now: at(t, 25 * HOUR), dryRun: false });
    down = false;
    const retried = await runStuckDetector(deps, { now: at(t, 25 * HOUR), dryRun: false });

    // Assess
    expect(failed).toMatchObject({ failed: 1, alerted: 0 });
    expect(retried).toMatchObject({ failed: 0, alerted: 1 });
    expect(sent).toEqual(['stuck']);
    expect((await w.get(a.accountId)).stuckAlert).not.toBeNull();
  });

  it('stopped by its deadline part-way, reports incomplete, and the next run alerts exactly the rest', async () => {
    // Prepare: six stuck accounts, one healthy; a clock moving a second per read and a ten-second deadline
    const w = await world({ DUE_SHARDS: '4' });
    const t = at(w.t0, HOUR);
    const stuck = await Promise.all(Array.from({ length: 6 }, () => failingDisable(w, t)));
    const healthy = await w.active(w.t0);
    const alerts = recordingAlerts();
    const clock = ticking(at(t, 25 * HOUR));
    const deps: StuckDeps = { store: w.store, policy: w.config.policy, alerts, clock };
    const now = at(t, 25 * HOUR);

    // Act
    const first = await runStuckDetector(deps, { now, dryRun: false, deadline: clock().getTime() + 10_000 });
    const sentFirst = alertedIds(alerts);
    const second = await runStuckDetector(deps, { now, dryRun: false });

    // Assess
    expect(first).toMatchObject({ complete: false, failed: 0 });
    expect(first.alerted).toBeGreaterThan(0);
    expect(first.alerted).toBeLessThan(stuck.length);
    expect(sentFirst).toHaveLength(first.alerted);
    expect(second).toMatchObject({
      complete: true,
      failed: 0,
      stuck: stuck.length,
      alerted: stuck.length - first.alerted,
    });
    expect(
      alertedIds(alerts)
        .slice(sentFirst.length)
        .some((id) => sentFirst.includes(id)),
    ).toBe(false);
    expect(alertedIds(alerts).toSorted()).toEqual(stuck.map((a) => a.accountId).toSorted());
    for (const a of stuck)
      expect((await w.get(a.accountId)).stuckAlert).toMatchObject({ operationId: a.inProgress?.operationId });
    expect(await w.get(healthy.accountId)).toEqual(healthy);
  });

  it('run as scheduled with a deadline already past, still alerts one account a run until done, none twice', async () => {
    // Prepare: a one-millisecond budget on a clock moving a second per read
    const w = await world({ DUE_SHARDS: '4', SWEEP_TIME_BUDGET_MS: '1' });
    const t = at(w.t0, HOUR);
    const stuck = await Promise.all(Array.from({ length: 4 }, () => failingDisable(w, t)));
    const alerts = recordingAlerts();
    const clock = ticking(at(t, 25 * HOUR));
    const run = async () =>
      (await runScheduled(
        'stuck',
        {},
        { config: w.config, store: w.store, alerts, clock, logger: SILENT },
      )) as StuckSummary;

    // Act: scheduled runs until one completes
    const summaries = [await run()];
    while (!(summaries.at(-1)?.complete ?? true) && summaries.length < 10) summaries.push(await run());

    // Assess
    expect(summaries.map((x) => x.complete)).toEqual([false, false, false, true]);
    expect(summaries.map((x) => x.alerted)).toEqual([1, 1, 1, 1]);
    expect(summaries.every((x) => x.failed === 0)).toBe(true);
    expect(alertedIds(alerts).toSorted()).toEqual(stuck.map((a) => a.accountId).toSorted());
  });
});
