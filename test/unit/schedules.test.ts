/**
 * Schedules are declared once as EventBridge expressions: the local stack runs each sweep at the times
 * the expression gives (croner, EventBridge's dialect), and the CDK alarms read their period from it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSchedules } from '../../infra/local/stack';
import { SCHEDULES } from '../../shared/schedules';
import type { SweepKind } from '../../shared/schedules';
import { nextRun, periodMinutes, ScheduleExpressionError } from '../../shared/schedule-expression';

describe('nextRun', () => {
  it.each([
    ['cron(15 2 * * ? *)', '2026-12-01T10:00:00Z', '2026-12-02T02:15:00.000Z'],
    ['cron(15 2 * * ? *)', '2026-12-01T02:14:59Z', '2026-12-01T02:15:00.000Z'],
    // EventBridge counts days of the week from Sunday = 1: 2 is Monday (2026-12-07).
    ['cron(0 9 ? * 2 *)', '2026-12-01T10:00:00Z', '2026-12-07T09:00:00.000Z'],
    ['cron(0 9 ? * MON-FRI *)', '2026-12-05T10:00:00Z', '2026-12-07T09:00:00.000Z'],
    ['cron(0/10 * * * ? *)', '2026-12-01T10:01:00Z', '2026-12-01T10:10:00.000Z'],
    ['rate(5 minutes)', '2026-12-01T10:00:00Z', '2026-12-01T10:05:00.000Z'],
    ['rate(1 day)', '2026-12-01T10:00:00Z', '2026-12-02T10:00:00.000Z'],
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(nextRun(expression, new Date(after))?.toISOString()).toBe(expected);
  });

  it.each(['cron(15 2 * * ?)', 'rate(0 minutes)', 'rate(5 weeks)', 'every 5 minutes', 'cron(99 2 * * ? *)'])(
    'refuses %s',
    (expression) => {
      expect(() => nextRun(expression, new Date())).toThrow(ScheduleExpressionError);
    },
  );
});

describe('periodMinutes', () => {
  it('reads the period between runs from the expression', () => {
    expect(Object.fromEntries(SCHEDULES.map((s) => [s.sweep, periodMinutes(s.expression)]))).toEqual({
      inactivity: 1440,
      leaver: 1440,
      retention: 1440,
      lockout: 5,
      stuck: 15,
    });
  });
});

describe('local schedules', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('run each sweep when its cloud expression fires: the daily sweeps at their UTC minute, not a day after start', async () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-12-01T02:10:30Z') });
    const runs: { sweep: SweepKind; at: string }[] = [];
    const stop = startSchedules(
      async (sweep) => {
        runs.push({ sweep, at: new Date().toISOString() });
        return {};
      },
      () => {},
    );

    // Act
    await vi.advanceTimersByTimeAsync(40 * 60_000);
    await stop();

    // Assess
    const daily = runs.filter((r) => ['inactivity', 'leaver', 'retention'].includes(r.sweep));
    expect(daily).toEqual([
      { sweep: 'inactivity', at: '2026-12-01T02:15:00.000Z' },
      { sweep: 'leaver', at: '2026-12-01T02:30:00.000Z' },
      { sweep: 'retention', at: '2026-12-01T02:45:00.000Z' },
    ]);
    expect(runs.filter((r) => r.sweep === 'lockout')).toHaveLength(8);
    expect(runs.filter((r) => r.sweep === 'stuck')).toHaveLength(2);
  });
});
