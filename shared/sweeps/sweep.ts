/**
 * The four account sweeps of SPEC §2 and §5 — inactivity, leaver, retention, lockout expiry — as one run
 * loop. A run fixes `now` once: it decides what is due (the index query and the domain's re-check), while
 * each change is stamped with the real time. Only candidates are read, each once, through the sparse
 * sharded due-time indexes; every change goes through `apply` with `race: 'system'`, so the rule is checked
 * again on the state it writes over (a stale index read or a racing administrator makes it a skip). A
 * destructive sweep brakes above maxAffected candidates. Near its deadline a run stops between pages and
 * hands back a continuation.
 */
import { ulid } from 'ulid';
import type { AlertPublisher } from '../alerts/alert';
import type { Account } from '../domain/account';
import { decide } from '../domain/decide';
import type { Policy } from '../domain/policy';
import type { AccountSweep } from '../domain/due';
import type { Request } from '../domain/requests';
import { mapLimit } from '../concurrency';
import type { Config } from '../config';
import { describeError, SILENT, type Logger } from '../observability';
import { isDestructive, SWEEP_READS } from '../schedules';
import { NotFoundError } from '../errors';
import { apply } from '../services/apply';
import type { AccountStore } from '../store/port';
import { sweepBrake } from './alerts';
import { candidateReader, START, type CandidatePage, type CandidateReader, type Position } from './candidates';
import { addCounts, ZERO, type Continuation, type Counts } from './continuation';
import { InvalidSweepEventError } from './event';

interface SweepDeps {
  readonly store: AccountStore;
  readonly policy: Policy;
  readonly alerts: AlertPublisher;
  /** The real time: stamps changes and alerts, and measures the deadline. */
  readonly clock: () => Date;
  readonly config: { readonly sweeps: Config['sweeps'] };
  readonly logger?: Logger;
}

interface SweepInput {
  readonly sweep: AccountSweep;
  /** The run's fixed now: what is due by it is swept. Ignored with a continuation (the run keeps its own). */
  readonly now: Date;
  readonly dryRun: boolean;
  /** Destructive sweeps only; default config.sweeps.maxAffected. */
  readonly maxAffected?: number;
  /** Where the previous invocation of this run stopped. */
  readonly continuation?: Continuation | null;
  /** Epoch ms (real clock): stop between pages before this and hand back a continuation. */
  readonly deadline?: number;
  /** At most this many candidates in this invocation (then a continuation). */
  readonly maxItems?: number;
  /** Candidates per index query; default 100. */
  readonly pageSize?: number;
  /** Accounts changed at once within a page; default 8. */
  readonly concurrency?: number;
}

interface SweepSummary {
  readonly sweep: AccountSweep;
  readonly candidates: number;
  readonly changed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly dryRun: boolean;
  /** Dry runs only: how many the sweep would change. */
  readonly wouldChange?: number;
  readonly itemsRead: number;
  /** The run's fixed now. */
  readonly now: string;
  readonly runId: string;
  readonly invocations: number;
  /** False when a continuation carries the rest. */
  readonly complete: boolean;
  /** Destructive sweeps: the brake's limit, whether it stopped this run, and (dry runs) whether it would have. */
  readonly maxAffected?: number;
  readonly braked?: boolean;
  readonly wouldBrake?: boolean;
}

interface SweepResult {
  /** The whole run so far (every invocation). */
  readonly summary: SweepSummary;
  /** This invocation alone: what its metrics count. */
  readonly invocation: Counts;
  /** Null when the run is complete (or braked). */
  readonly continuation: Continuation | null;
}

/** The counter one candidate adds to. */
type Counted = 'changed' | 'wouldChange' | 'skipped' | 'failed';

/** One run's fixed parameters and where it stands. */
interface Run {
  readonly sweep: AccountSweep;
  readonly runId: string;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly maxAffected: number;
  readonly destructive: boolean;
  readonly checked: boolean;
  readonly position: Position;
  readonly totals: Counts;
  readonly invocations: number;
}

const PAGE_SIZE = 100;
const CONCURRENCY = 8;

/** The run a fresh input starts, or the one a continuation resumes. */
function resume(deps: SweepDeps, input: SweepInput): Run {
  const c = input.continuation;
  const destructive = isDestructive(input.sweep);
  if (c === undefined || c === null) {
    return {
      sweep: input.sweep,
      runId: `sweep-${input.sweep}-${ulid()}`,
      now: input.now,
      dryRun: input.dryRun,
      maxAffected: input.maxAffected ?? deps.config.sweeps.maxAffected,
      destructive,
      checked: false,
      position: START,
      totals: ZERO,
      invocations: 1,
    };
  }
  if (c.sweep !== input.sweep)
    throw new InvalidSweepEventError([{ path: '/continuation/sweep', message: `is not ${input.sweep}` }]);
  if (c.shard >= deps.store.shards) {
    throw new InvalidSweepEventError([
      { path: '/continuation/shard', message: `is beyond the store's ${deps.store.shards} shards` },
    ]);
  }
  return {
    sweep: c.sweep,
    runId: c.runId,
    now: new Date(c.now),
    dryRun: c.dryRun,
    maxAffected: c.maxAffected,
    destructive,
    checked: c.checked,
    position: { shard: c.shard, cursor: c.cursor },
    totals: c.totals,
    invocations: c.invocations + 1,
  };
}

/** What the sweep does to one candidate: decide only (dry run), or apply with the rule checked anew. */
async function sweepOne(deps: SweepDeps, run: Run, account: Account): Promise<Counted> {
  const request: Request = { kind: 'sweep', sweep: run.sweep, requestId: run.runId, asOf: run.now.toISOString() };
  try {
    if (run.dryRun)
      return decide(account, request, deps.clock(), deps.policy).outcome === 'changed' ? 'wouldChange' : 'skipped';
    const applied = await apply({ store: deps.store, policy: deps.policy, clock: deps.clock }, account, request, {
      race: 'system',
    });
    return applied.outcome === 'changed' ? 'changed' : 'skipped';
  } catch (error) {
    if (error instanceof NotFoundError) return 'skipped';
    (deps.logger ?? SILENT).error('sweep could not change an account', {
      sweep: run.sweep,
      runId: run.runId,
      accountId: account.accountId,
      ...describeError(error),
    });
    return 'failed';
  }
}

/** A destructive sweep's first look: at most `max` candidates, across shards. */
async function prefetch(
  reader: CandidateReader,
  max: number,
  pageSize: number,
): Promise<{ pages: CandidatePage[]; found: number }> {
  const pages: CandidatePage[] = [];
  let found = 0;
  while (found < max) {
    const page = await reader.next(Math.min(pageSize, max - found));
    if (page === null) break;
    pages.push(page);
    found += page.items.length;
  }
  return { pages, found };
}

function summarize(run: Run, totals: Counts, complete: boolean, braked: boolean): SweepSummary {
  const { sweep, dryRun, runId, maxAffected } = run;
  return {
    sweep,
    candidates: totals.candidates,
    changed: totals.changed,
    skipped: totals.skipped,
    failed: totals.failed,
    dryRun,
    ...(dryRun ? { wouldChange: totals.wouldChange } : {}),
    itemsRead: totals.itemsRead,
    now: run.now.toISOString(),
    runId,
    invocations: run.invocations,
    complete,
    ...(run.destructive
      ? { maxAffected, ...(dryRun ? (complete ? { wouldBrake: totals.candidates > maxAffected } : {}) : { braked }) }
      : {}),
  };
}

/**
 * Runs (or continues) one sweep: reads the candidates due by `now`, changes those the rule still holds for,
 * and reports. Safe to run again: what it changed is no longer due.
 *
 * @example
 * const { summary, continuation } = await runSweep(deps, { sweep: 'inactivity', now: new Date(), dryRun: false });
 * // summary: { sweep: 'inactivity', candidates: 12, changed: 12, skipped: 0, failed: 0, dryRun: false, … }
 */
async function runSweep(deps: SweepDeps, input: SweepInput): Promise<SweepResult> {
  const run = resume(deps, input);
  const pageSize = input.pageSize ?? PAGE_SIZE;
  const [kind] = SWEEP_READS[run.sweep];
  const reader = candidateReader(deps.store, kind, run.now.toISOString(), run.position);
  const counts: Record<keyof Counts, number> = { ...ZERO };
  const finish = (position: Position | null, checked: boolean, braked = false): SweepResult => {
    const totals = addCounts(run.totals, counts);
    const continuation: Continuation | null =
      position === null
        ? null
        : {
            sweep: run.sweep,
            runId: run.runId,
            now: run.now.toISOString(),
            dryRun: run.dryRun,
            maxAffected: run.maxAffected,
            checked,
            shard: position.shard,
            cursor: position.cursor,
            totals,
            invocations: run.invocations,
          };
    return { summary: summarize(run, totals, position === null, braked), invocation: { ...counts }, continuation };
  };

  const buffered: CandidatePage[] = [];
  if (run.destructive && !run.dryRun && !run.checked) {
    const { pages, found } = await prefetch(reader, run.maxAffected + 1, pageSize);
    counts.itemsRead += pages.reduce((n, p) => n + p.itemsRead, 0);
    if (found > run.maxAffected) {
      counts.candidates = found;
      await deps.alerts.publish(
        sweepBrake({ sweep: run.sweep, now: run.now, found, maxAffected: run.maxAffected }, deps.clock()),
      );
      return finish(null, false, true);
    }
    buffered.push(...pages);
  }

  let position: Position | null = run.position;
  let processed = 0;
  let slowestPageMs = 0;
  const stopBefore = (next: CandidatePage | undefined): boolean => {
    if (
      input.maxItems !== undefined &&
      (processed >= input.maxItems || (next !== undefined && processed + next.items.length > input.maxItems))
    )
      return true;
    return input.deadline !== undefined && deps.clock().getTime() + slowestPageMs >= input.deadline;
  };
  for (let pages = 0; ; pages++) {
    if (pages > 0 && stopBefore(buffered[0])) return finish(position, true);
    const started = deps.clock().getTime();
    const limit = input.maxItems === undefined ? pageSize : Math.max(1, Math.min(pageSize, input.maxItems - processed));
    const page = buffered.shift() ?? (await readPage(reader, limit, counts));
    if (page === null) return finish(null, true);
    await mapLimit(page.items, input.concurrency ?? CONCURRENCY, async (account) => {
      counts[await sweepOne(deps, run, account)] += 1;
    });
    counts.candidates += page.items.length;
    processed += page.items.length;
    position = page.after;
    slowestPageMs = Math.max(slowestPageMs, deps.clock().getTime() - started);
    if (position === null) return finish(null, true);
  }
}

/** The next page from the index, its items counted as read. */
async function readPage(
  reader: CandidateReader,
  limit: number,
  counts: Record<keyof Counts, number>,
): Promise<CandidatePage | null> {
  const page = await reader.next(limit);
  if (page !== null) counts.itemsRead += page.itemsRead;
  return page;
}

export { runSweep };
export type { SweepDeps, SweepInput, SweepResult, SweepSummary };
