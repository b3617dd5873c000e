/**
 * Leave dates (SPEC §2 "Leavers"): a UTC calendar date, default today, from `leaveDatePastDays` ago to
 * `leaveDateFutureDays` ahead; the leaver window ends `leaverWindowMs` after its start. Pure: no I/O.
 */
import type { Leaver } from './account';
import { DAY, type Policy } from './policy';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC calendar date of an instant, YYYY-MM-DD. */
function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Midnight UTC of a YYYY-MM-DD date in epoch ms, or null when it is not a real calendar date. */
function parseUtcDate(value: string): number | null {
  if (!DATE.test(value)) return null;
  const at = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isNaN(at) || utcDate(new Date(at)) !== value ? null : at;
}

/**
 * Why a leave date is unacceptable at `now`, or null when it is fine. The HTTP layer answers 400 with it.
 *
 * @example
 * leaveDateProblem('2026-02-30', now, policy) // 'must be a real calendar date, YYYY-MM-DD'
 */
function leaveDateProblem(leaveDate: string, now: Date, policy: Policy): string | null {
  const at = parseUtcDate(leaveDate);
  if (at === null) return 'must be a real calendar date, YYYY-MM-DD';
  const today = Date.parse(`${utcDate(now)}T00:00:00.000Z`);
  const earliest = today - policy.leaveDatePastDays * DAY;
  const latest = today + policy.leaveDateFutureDays * DAY;
  if (at < earliest || at > latest) {
    return `must be between ${utcDate(new Date(earliest))} and ${utcDate(new Date(latest))}`;
  }
  return null;
}

/**
 * The leaver mark for a (valid) leave date: the window ends `policy.leaverWindowMs` after its midnight UTC.
 *
 * @example
 * leaverMark('2026-03-01', DEFAULT_POLICY) // { leaveDate: '2026-03-01', windowEndsAt: '2026-03-31T00:00:00.000Z' }
 */
function leaverMark(leaveDate: string, policy: Policy): Leaver {
  const start = parseUtcDate(leaveDate);
  if (start === null) throw new RangeError(`not a leave date: ${leaveDate}`);
  return { leaveDate, windowEndsAt: new Date(start + policy.leaverWindowMs).toISOString() };
}

export { leaveDateProblem, leaverMark, utcDate };
