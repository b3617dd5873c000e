/**
 * Where an unfinished sweep run stands, handed from one invocation to the next (SPEC §5: a sweep
 * "continues across invocations when one is not enough"). Shards are read one after another, so the
 * position is a shard and the store's cursor inside it. The run's fixed `now`, mode and totals travel
 * with it, so every invocation of a run decides by the same instant and the last one reports the whole run.
 */
import * as v from 'valibot';
import { ACCOUNT_SWEEPS } from '../domain/due';
import { dateTime } from '../validation';

/** The sweeps that change accounts (the stuck detector only alerts). */

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const countsSchema = v.strictObject({
  candidates: count,
  changed: count,
  skipped: count,
  failed: count,
  /** Dry runs: how many decide would change. */
  wouldChange: count,
  /** Index items read (the sweep's cost): ≈ candidates. */
  itemsRead: count,
});

const continuationSchema = v.strictObject({
  sweep: v.picklist(ACCOUNT_SWEEPS),
  /** The run's id: every change of the run carries it as its history entry's requestId. */
  runId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /** The run's fixed now, which decides what is due. */
  now: dateTime(),
  dryRun: v.boolean(),
  maxAffected: count,
  /** A destructive sweep's first invocation found at most maxAffected candidates. */
  checked: v.boolean(),
  /** The next shard to read and the store's cursor inside it (null: from its start). */
  shard: count,
  cursor: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
  totals: countsSchema,
  /** Invocations so far. */
  invocations: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

type Counts = v.InferOutput<typeof countsSchema>;
type Continuation = v.InferOutput<typeof continuationSchema>;

const ZERO: Counts = { candidates: 0, changed: 0, skipped: 0, failed: 0, wouldChange: 0, itemsRead: 0 };

/** The sum of two counts. */
function addCounts(a: Counts, b: Counts): Counts {
  return {
    candidates: a.candidates + b.candidates,
    changed: a.changed + b.changed,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    wouldChange: a.wouldChange + b.wouldChange,
    itemsRead: a.itemsRead + b.itemsRead,
  };
}

export { ZERO, addCounts, continuationSchema };
export type { Continuation, Counts };
