/**
 * The scheduled functions' event (SPEC §5): `{ dryRun?, maxAffected?, now?, continuation? }`, validated
 * before anything is read, and the run's fixed `now` that follows from it. A bad event is an
 * InvalidSweepEventError naming each offending field; nothing is changed.
 */
import * as v from 'valibot';
import type { SweepKind } from '../domain/due';
import { InvalidInputError } from '../errors';
import { isDestructive } from '../schedules';
import { checked, dateTime } from '../validation';
import { continuationSchema, type Continuation } from './continuation';

const sweepEventSchema = v.strictObject({
  /** Decide and count, change nothing, alert nothing. */
  dryRun: v.optional(v.boolean()),
  /** Destructive sweeps (leaver, retention): change nothing and alert above this many candidates. */
  maxAffected: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000))),
  /** The instant that decides what is due; only in a dry run or where clock override is enabled. */
  now: v.optional(dateTime()),
  /** From the previous invocation of the same run; nothing else may accompany it. */
  continuation: v.optional(continuationSchema),
});

type SweepEvent = v.InferOutput<typeof sweepEventSchema>;

interface EventIssue {
  /** The field, as a JSON Pointer (`/maxAffected`, `/continuation/shard`); `/` for the event itself. */
  readonly path: string;
  readonly message: string;
}

/** A sweep event (or continuation) that is not acceptable: nothing was changed. */
class InvalidSweepEventError extends InvalidInputError {
  override readonly name = 'InvalidSweepEventError';
  override readonly code = 'invalid_sweep_event';
  readonly issues: readonly EventIssue[];

  constructor(issues: readonly EventIssue[]) {
    super(issues, `invalid sweep event: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

const issue = (path: string, message: string): InvalidSweepEventError =>
  new InvalidSweepEventError([{ path, message }]);

/** EventBridge's own envelope, when a rule targets the function without an input of its own: an empty event. */
function isScheduledEnvelope(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['source'] === 'aws.events' &&
    (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event'
  );
}

/**
 * Validates the event of `sweep`'s function; `undefined`, `null` and EventBridge's scheduled-event envelope
 * are the empty event.
 *
 * @example
 * parseSweepEvent('leaver', { dryRun: true }) // { dryRun: true }
 * parseSweepEvent('leaver', { dryrun: true }) // throws InvalidSweepEventError: /dryrun is not a known field
 */
function parseSweepEvent(sweep: SweepKind, event: unknown): SweepEvent {
  if (event === undefined || event === null || isScheduledEnvelope(event)) return {};
  const parsed = checked(sweepEventSchema, event);
  if (!parsed.ok) {
    throw new InvalidSweepEventError(
      parsed.issues.map((i) => ({ path: `/${i.path.map(String).join('/')}`, message: i.message })),
    );
  }
  const value = parsed.value;
  if (value.maxAffected !== undefined && !isDestructive(sweep)) {
    throw issue('/maxAffected', `applies to the destructive sweeps (leaver, retention) only, not ${sweep}`);
  }
  if (value.continuation !== undefined) {
    if (sweep === 'stuck' || value.continuation.sweep !== sweep) {
      throw issue('/continuation/sweep', `is a ${value.continuation.sweep} run's, not the ${sweep} sweep's`);
    }
    const extra = (['dryRun', 'maxAffected', 'now'] as const).find((k) => value[k] !== undefined);
    if (extra !== undefined) throw issue(`/${extra}`, 'cannot accompany a continuation (the run keeps its own)');
  }
  return value;
}

interface ClockRules {
  /** config.sweeps.clockOverride: the event may set `now` outside a dry run (the local stack). */
  readonly clockOverride: boolean;
}

/**
 * The run's fixed `now`: the event's (only in a dry run or with clock override), a continuation's (its run's
 * own now — never later than the real time unless the override allows it), else the real time.
 */
function runNow(event: SweepEvent, rules: ClockRules, realNow: Date): Date {
  const continuation: Continuation | undefined = event.continuation;
  if (continuation !== undefined) {
    const now = new Date(continuation.now);
    if (now > realNow && !rules.clockOverride && !continuation.dryRun) {
      throw issue('/continuation/now', 'is later than the real time; only a dry run or clock override may look ahead');
    }
    return now;
  }
  if (event.now === undefined) return realNow;
  if (!event.dryRun && !rules.clockOverride) {
    throw issue(
      '/now',
      'is honoured only in a dry run ({"dryRun": true}) or where clock override is enabled (CLOCK_OVERRIDE=true)',
    );
  }
  return new Date(event.now);
}

export { parseSweepEvent, runNow, sweepEventSchema, InvalidSweepEventError };
export type { EventIssue, SweepEvent };
