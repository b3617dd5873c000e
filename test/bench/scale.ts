/**
 * SPEC §8, the sweep figure: each sweep reads its candidates once and nothing else, and keeps doing so when
 * the table grows tenfold around the same candidates.
 *
 * One table: the candidates of every sweep (the same accounts at every size), then filler accounts up to
 * each size — mostly active, some in every due index but not yet due, some in none. At each size, for each
 * sweep, twice: its candidates are put back as seeded, the raw loop replays the very writes the sweep would
 * make (recorded from the real store) at the sweep's concurrency; the candidates are put back again, and
 * the sweep runs as its Lambda does (runScheduled) with a middleware counting every item read.
 */
import type { AlertPublisher } from '../../shared/alerts/alert';
import type { Account } from '../../shared/domain/account';
import { decide } from '../../shared/domain/decide';
import type { AccountSweep } from '../../shared/domain/due';
import { createStore } from '../../shared/store/dynamo-store';
import { SILENT } from '../../shared/observability';
import { runScheduled } from '../../shared/sweeps/scheduled';
import { planStuck } from '../../shared/sweeps/stuck-policy';
import { countReads, type ReadCounts } from './counting';
import type { BenchDb } from './env';
import { progress } from './output';
import {
  CANDIDATE_KIND,
  FILLER_MIX,
  accountBuilder,
  batchWrite,
  mixOf,
  recordedWrite,
  recorder,
  sendRaw,
  type Builder,
  type Made,
  type RawWrite,
} from './seed';
import { ratio, timed } from './stats';

type ScaleSweep = AccountSweep | 'stuck';

interface ScaleOptions {
  /** Accounts in the table at each measurement (e.g. 10,000 then 100,000). */
  readonly sizes: readonly number[];
  /** Candidates of each sweep. */
  readonly candidates: number;
}

interface SweepMeasure {
  readonly sweep: ScaleSweep;
  readonly candidates: number;
  /** Changed accounts (stuck detector: alerted). */
  readonly changed: number;
  readonly failed: number;
  /** Items read, counted by the middleware from the responses. */
  readonly itemsRead: number;
  /** The sweep's own count (its summary). */
  readonly itemsReadReported: number;
  readonly readRatio: number;
  readonly reads: ReadCounts;
  /** Milliseconds of one sweep run (mean of the two). */
  readonly sweepMs: number;
  readonly changesPerSecond: number;
  /** Milliseconds of one raw loop (mean of the two). */
  readonly rawMs: number;
  readonly rawChangesPerSecond: number;
  /** Sweep changes per second ÷ raw changes per second. */
  readonly throughputRatio: number;
  readonly concurrency: number;
  /** Anything that makes the figure suspect (e.g. not every candidate changed). */
  readonly anomalies: readonly string[];
}

interface SizeResult {
  readonly accounts: number;
  /** Items written by the seeding so far (account and email items, candidates' history). */
  readonly items: number;
  /** Time spent seeding so far (building the accounts in memory and writing them). */
  readonly seedSeconds: number;
  readonly seedItemsPerSecond: number;
  readonly sweeps: readonly SweepMeasure[];
}

interface ScaleResult {
  readonly candidatesPerSweep: number;
  readonly sizes: readonly SizeResult[];
}

const SWEEPS: readonly ScaleSweep[] = ['inactivity', 'lockout', 'retention', 'leaver', 'stuck'];
const DOMAINS = 100;
const CHUNK = 2000;
/**
 * How many accounts each sweep changes at once (shared/sweeps/sweep.ts changes 8 of a page at a time; the
 * stuck detector handles its candidates one by one): the raw loop uses the same.
 */
const CONCURRENCY: Readonly<Record<ScaleSweep, number>> = {
  inactivity: 8,
  lockout: 8,
  retention: 8,
  leaver: 8,
  stuck: 1,
};

const domainOf = (i: number): string => `d${String(i % DOMAINS).padStart(2, '0')}.bench.example`;

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Builds and writes `count` filler accounts (account and email items), `CHUNK` at a time; items written. */
async function seedFiller(db: BenchDb, builder: Builder, count: number, offset: number): Promise<number> {
  const kinds = mixOf(FILLER_MIX);
  let items = 0;
  for (let done = 0; done < count; done += CHUNK) {
    const made: Made[] = [];
    for (let i = done; i < Math.min(count, done + CHUNK); i++) {
      made.push(await builder.make(kinds[(offset + i) % kinds.length] ?? 'activeRecent', domainOf(offset + i)));
    }
    const chunk = made.flatMap((m) => m.items);
    await batchWrite(db.document, db.tableName, chunk);
    items += chunk.length;
    if ((done / CHUNK) % 10 === 9) progress(`  seeded ${offset + done + made.length} filler accounts`);
  }
  return items;
}

/** The write `sweep` makes to `account` at `now`, recorded from the real store (not sent). */
async function sweepWrite(db: BenchDb, sweep: ScaleSweep, account: Account, now: Date): Promise<RawWrite> {
  const rec = recorder(db.shape);
  if (sweep === 'stuck') {
    const plan = planStuck(account, now, now, db.config.policy);
    if (plan.memory === undefined) throw new Error(`account ${account.accountId} is not stuck`);
    const next = { ...account, stuckAlert: plan.memory };
    return recordedWrite(rec, (store) => store.quiet(account, next));
  }
  const decision = decide(
    account,
    { kind: 'sweep', sweep, requestId: 'bench-raw', asOf: now.toISOString() },
    now,
    db.config.policy,
  );
  if (decision.outcome !== 'changed')
    throw new Error(`the ${sweep} sweep would not change account ${account.accountId}`);
  return recordedWrite(rec, (store) => store.change(account, decision.account, decision.entry));
}

const restore = (db: BenchDb, made: readonly Made[]): Promise<void> =>
  batchWrite(
    db.document,
    db.tableName,
    made.flatMap((m) => m.items),
  );

const silentAlerts: AlertPublisher = { publish: async () => undefined };

/** The raw loop: the recorded writes of every candidate, at the sweep's concurrency; milliseconds. */
async function rawLoop(db: BenchDb, sweep: ScaleSweep, candidates: readonly Made[]): Promise<number> {
  await restore(db, candidates);
  const now = new Date();
  const writes: RawWrite[] = [];
  for (const made of candidates) writes.push(await sweepWrite(db, sweep, made.account, now));
  return (await timed(() => forEachLimit(writes, CONCURRENCY[sweep], (write) => sendRaw(db.base, write)))).ms;
}

interface SweepRun {
  readonly ms: number;
  readonly summary: Record<string, number>;
  readonly reads: ReadCounts;
}

/** One run of the sweep as its Lambda runs it, every item read counted. */
async function sweepRun(db: BenchDb, sweep: ScaleSweep, candidates: readonly Made[]): Promise<SweepRun> {
  await restore(db, candidates);
  const counter = countReads(db.base);
  const store = createStore(db.config);
  const event = sweep === 'leaver' || sweep === 'retention' ? { maxAffected: candidates.length * 5 + 10 } : {};
  try {
    const run = await timed(() =>
      runScheduled(sweep, event, {
        config: db.config,
        store,
        alerts: silentAlerts,
        clock: () => new Date(),
        logger: SILENT,
      }),
    );
    return { ms: run.ms, summary: run.value as unknown as Record<string, number>, reads: { ...counter.counts } };
  } finally {
    counter.remove();
  }
}

/**
 * Two rounds, raw loop then sweep and sweep then raw loop (so neither always runs on the warmer
 * emulator); throughput from both rounds together, reads from the worse run.
 */
async function measure(db: BenchDb, sweep: ScaleSweep, candidates: readonly Made[]): Promise<SweepMeasure> {
  const rawFirst = await rawLoop(db, sweep, candidates);
  const runs = [await sweepRun(db, sweep, candidates), await sweepRun(db, sweep, candidates)];
  const rawMs = rawFirst + (await rawLoop(db, sweep, candidates));
  const sweepMs = runs.reduce((n, r) => n + r.ms, 0);
  const worst = runs.reduce((a, b) => (b.reads.itemsRead > a.reads.itemsRead ? b : a));
  const anomalies: string[] = [];
  let changed = 0;
  for (const { summary, reads } of runs) {
    const done = sweep === 'stuck' ? (summary['alerted'] ?? 0) : (summary['changed'] ?? 0);
    changed += done;
    if ((summary['candidates'] ?? 0) !== candidates.length)
      anomalies.push(`found ${summary['candidates']} candidates, seeded ${candidates.length}`);
    if (done !== candidates.length) anomalies.push(`changed ${done} of ${candidates.length}`);
    if ((summary['failed'] ?? 0) > 0) anomalies.push(`${summary['failed']} failed`);
    if (reads.scans > 0) anomalies.push(`${reads.scans} scans`);
  }
  const found = worst.summary['candidates'] ?? 0;
  const rawChangesPerSecond = ((2 * candidates.length) / rawMs) * 1000;
  const changesPerSecond = (changed / sweepMs) * 1000;
  return {
    sweep,
    candidates: found,
    changed: changed / runs.length,
    failed: runs.reduce((n, r) => n + (r.summary['failed'] ?? 0), 0),
    itemsRead: worst.reads.itemsRead,
    itemsReadReported: worst.summary['itemsRead'] ?? 0,
    readRatio: ratio(worst.reads.itemsRead, Math.max(1, found)),
    reads: worst.reads,
    sweepMs: Math.round(sweepMs / runs.length),
    changesPerSecond: Math.round(changesPerSecond),
    rawMs: Math.round(rawMs / 2),
    rawChangesPerSecond: Math.round(rawChangesPerSecond),
    throughputRatio: ratio(changesPerSecond, rawChangesPerSecond),
    concurrency: CONCURRENCY[sweep],
    anomalies,
  };
}

/**
 * Seeds the candidates and the filler for each size and measures every sweep there.
 *
 * @example
 * const result = await runScale(db, { sizes: [10_000, 100_000], candidates: 1000 });
 */
async function runScale(db: BenchDb, options: ScaleOptions): Promise<ScaleResult> {
  const builder = accountBuilder(db.shape, Date.now());
  let seedMs = 0;
  const seeding = async <T>(fn: () => Promise<T>): Promise<T> => {
    const { ms, value } = await timed(fn);
    seedMs += ms;
    return value;
  };
  progress(`scale: seeding ${options.candidates} candidates for each of ${SWEEPS.join(', ')}`);
  const candidates = {} as Record<ScaleSweep, Made[]>;
  let items = 0;
  for (const sweep of SWEEPS) {
    candidates[sweep] = await seeding(async () => {
      const made: Made[] = [];
      for (let i = 0; i < options.candidates; i++) made.push(await builder.make(CANDIDATE_KIND[sweep], domainOf(i)));
      const written = made.flatMap((m) => [...m.items, ...m.history]);
      await batchWrite(db.document, db.tableName, written);
      items += written.length;
      return made;
    });
  }
  let accounts = SWEEPS.length * options.candidates;
  const sizes: SizeResult[] = [];
  for (const size of options.sizes) {
    if (size > accounts) {
      progress(`scale: seeding ${size - accounts} filler accounts up to ${size}`);
      const filler = size - accounts;
      items += await seeding(() => seedFiller(db, builder, filler, accounts));
      accounts = size;
    }
    const seedSeconds = seedMs / 1000;
    progress(
      `scale: ${accounts} accounts (${items} items, ${Math.round(items / seedSeconds)} items/s so far); running the sweeps`,
    );
    const sweeps: SweepMeasure[] = [];
    for (const sweep of SWEEPS) {
      const m = await measure(db, sweep, candidates[sweep]);
      progress(
        `  ${sweep}: read ${m.itemsRead} for ${m.candidates} candidates (${m.readRatio}), ${m.changesPerSecond} changes/s vs raw ${m.rawChangesPerSecond}/s` +
          (m.anomalies.length > 0 ? `; ${m.anomalies.join('; ')}` : ''),
      );
      sweeps.push(m);
    }
    sizes.push({
      accounts,
      items,
      seedSeconds: Math.round(seedSeconds),
      seedItemsPerSecond: Math.round(items / seedSeconds),
      sweeps,
    });
  }
  return { candidatesPerSweep: options.candidates, sizes };
}

export { runScale };
export type { ScaleOptions, ScaleResult, SizeResult, SweepMeasure };
