/**
 * When an EventBridge schedule expression (`cron(…)` or `rate(…)`, as SCHEDULES declares them) next fires.
 * The cron part is croner's (a kept cron library), set up for EventBridge's dialect: six fields (minutes,
 * hours, day of month, month, day of week, year), `?` for "no value", day of week 1–7 with Sunday = 1,
 * always UTC. The local stack runs each sweep at these times, so a daily sweep runs locally at the hour it
 * runs in the cloud; the CDK app reads the period from the same expression for the sweeps' alarms.
 * Only infra/ imports this module (no Lambda bundle carries croner).
 */
import { Cron } from 'croner';

class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

type Parsed = { readonly kind: 'rate'; readonly everyMs: number } | { readonly kind: 'cron'; readonly cron: Cron };

function parse(expression: string): Parsed {
  const rate = RATE.exec(expression);
  if (rate) {
    const [, value, unit] = rate as unknown as [string, string, string];
    const amount = Number(value);
    if (amount < 1) throw new ScheduleExpressionError(`${expression}: a rate must be at least 1`);
    return { kind: 'rate', everyMs: amount * (UNIT_MS[unit.replace(/s$/, '')] as number) };
  }
  const cron = CRON.exec(expression);
  const fields = cron?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) {
    throw new ScheduleExpressionError(`${expression}: not an EventBridge cron(…) of six fields or a rate(…)`);
  }
  try {
    // croner's seven-part form is seconds first, then EventBridge's six fields in the same order.
    return {
      kind: 'cron',
      cron: new Cron(`0 ${fields.join(' ')}`, {
        mode: '7-part',
        timezone: 'UTC',
        alternativeWeekdays: true,
        // EventBridge writes steps as 0/10 too.
        sloppyRanges: true,
        paused: true,
      }),
    };
  } catch (error) {
    throw new ScheduleExpressionError(`${expression}: ${(error as Error).message}`);
  }
}

/**
 * The first time `expression` fires after `after`; null if it never fires again. A rate counts from
 * `after` (EventBridge counts a rate from when the rule was created).
 *
 * @example
 * nextRun('cron(15 2 * * ? *)', new Date('2026-12-01T10:00:00Z')) // 2026-12-02T02:15:00.000Z
 * nextRun('rate(5 minutes)', new Date('2026-12-01T10:00:00Z'))    // 2026-12-01T10:05:00.000Z
 */
function nextRun(expression: string, after: Date): Date | null {
  const parsed = parse(expression);
  if (parsed.kind === 'rate') return new Date(after.getTime() + parsed.everyMs);
  return parsed.cron.nextRun(after);
}

/**
 * The time between two runs, in minutes (for a cron: between its first two runs after 2026-01-01, so a
 * daily cron is 1440).
 *
 * @example
 * periodMinutes('rate(15 minutes)') // 15
 * periodMinutes('cron(30 2 * * ? *)') // 1440
 */
function periodMinutes(expression: string): number {
  const parsed = parse(expression);
  if (parsed.kind === 'rate') return parsed.everyMs / 60_000;
  const [first, second] = parsed.cron.nextRuns(2, new Date('2026-01-01T00:00:00Z'));
  if (first === undefined || second === undefined) throw new ScheduleExpressionError(`${expression} does not repeat`);
  return (second.getTime() - first.getTime()) / 60_000;
}

export { nextRun, periodMinutes, ScheduleExpressionError };
