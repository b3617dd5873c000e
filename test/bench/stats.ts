/**
 * Sampling and summary statistics of the bench: series measured interleaved (each iteration runs every
 * series once, the order rotating, so drift of the machine hits them all alike), percentiles, ratios.
 */
import { performance } from 'node:perf_hooks';

interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** One measured operation: resolves true when it did what was asked (a fault run counts failures). */
type Operation = () => Promise<boolean | void>;

interface Series {
  readonly name: string;
  /** Untimed work before each run (building the event, the next raw write). */
  readonly prepare?: () => Promise<void> | void;
  readonly run: Operation;
}

interface SeriesResult {
  /** Milliseconds, in the order taken. */
  readonly samples: number[];
  /** Operations that resolved false or threw. */
  failures: number;
  /** The first failure, for the report. */
  firstError?: string;
}

/** The `q` quantile (0–1) of sorted values, nearest rank. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/**
 * p50, p90, p99, mean, min and max of `samples`.
 *
 * @example
 * summarize([3, 1, 2]) // { n: 3, p50: 2, p90: 3, p99: 3, mean: 2, min: 1, max: 3 }
 */
function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    mean,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

const median = (values: readonly number[]): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** `a / b`, rounded to 3 decimals. */
const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

/** Times one operation; a throw or `false` counts as a failure (still timed). */
async function timeOne(run: Operation, result: SeriesResult, record: boolean): Promise<void> {
  const started = performance.now();
  let ok: boolean;
  try {
    ok = (await run()) !== false;
  } catch (error) {
    ok = false;
    if (record && result.firstError === undefined) result.firstError = describeError(error);
  }
  const elapsed = performance.now() - started;
  if (!record) return;
  result.samples.push(elapsed);
  if (!ok) result.failures += 1;
}

/**
 * Runs `warmup` unrecorded then `samples` recorded iterations; each iteration runs every series once,
 * starting with a different series each time (ABAB… becomes AB, BA, AB, …), one operation at a time.
 *
 * @example
 * const results = await interleaved([{ name: 'raw', run: rawGet }, { name: 'handler', run: viaHandler }], 1000, 200);
 * summarize(results.handler.samples).p50 / summarize(results.raw.samples).p50
 */
async function interleaved(
  series: readonly Series[],
  samples: number,
  warmup: number,
): Promise<Record<string, SeriesResult>> {
  const results: Record<string, SeriesResult> = Object.fromEntries(
    series.map((s) => [s.name, { samples: [], failures: 0 }]),
  );
  for (let i = 0; i < warmup + samples; i++) {
    for (let k = 0; k < series.length; k++) {
      const s = series[(i + k) % series.length] as Series;
      await s.prepare?.();
      await timeOne(s.run, results[s.name] as SeriesResult, i >= warmup);
    }
  }
  return results;
}

/**
 * Runs `samples` operations of one series with `concurrency` workers (each worker gets its own index, so
 * its own account): for fault scenarios, where added latency would make a sequential run take too long.
 */
async function concurrent(
  run: (worker: number) => Operation,
  samples: number,
  concurrency: number,
): Promise<SeriesResult> {
  const result: SeriesResult = { samples: [], failures: 0 };
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const operation = run(worker);
      while (started < samples) {
        started += 1;
        await timeOne(operation, result, true);
      }
    }),
  );
  return result;
}

/** Milliseconds `fn` takes (and its result). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export { concurrent, interleaved, median, ratio, summarize, timed };
export type { Operation, Series, SeriesResult, Summary };
