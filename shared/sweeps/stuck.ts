/**
 * The stuck detector (SPEC §5): pages on-call about accounts in progress past their threshold — one alert
 * per episode, a reminder every reminder period while it lasts, a resolved notice once it has ended. Its
 * memory of each episode is the account's `stuckAlert`, written quietly (no version, no history) and
 * conditionally, before the alert goes out: two racing runs never both alert. Near its deadline a run stops
 * taking candidates and reports `complete: false`; the next run carries on (see runStuckDetector).
 */
import type { AlertPublisher } from '../alerts/alert';
import { groupAlerts, type AlertGroup } from '../alerts/grouped';
import type { Account } from '../domain/account';
import type { Policy } from '../domain/policy';
import type { DueKind } from '../domain/due';
import { ConflictError } from '../errors';
import type { AccountStore } from '../store/port';
import { SWEEP_READS } from '../schedules';
import { candidateReader } from './candidates';
import { describeError, SILENT, type Logger } from '../observability';
import { planStuck, type StuckPlan } from './stuck-policy';

interface StuckDeps {
  readonly store: AccountStore;
  readonly policy: Policy;
  readonly alerts: AlertPublisher;
  /** The real time: stamps the alerts. */
  readonly clock: () => Date;
  readonly logger?: Logger;
}

interface StuckInput {
  /** The run's fixed now: who is stuck, and the episode memory's times. */
  readonly now: Date;
  readonly dryRun: boolean;
  /** Epoch ms (real clock): stop taking candidates before this (once the run has written something). */
  readonly deadline?: number;
  readonly pageSize?: number;
  /** The invocation's request id: where a grouped page's full list is. */
  readonly requestId?: string | null;
}

/** The detector's deps inside a run: alerts collected by the run's group. */
type GroupedDeps = StuckDeps & { readonly alerts: AlertGroup };

interface StuckSummary {
  readonly sweep: 'stuck';
  readonly dryRun: boolean;
  /** Accounts in progress past their threshold at `now` (the StuckAccounts metric). */
  readonly stuck: number;
  readonly alerted: number;
  readonly reminded: number;
  readonly resolved: number;
  /** Accounts whose memory or alert could not be written or sent; the next run tries again. */
  readonly failed: number;
  /** Dry runs only: what the run would have sent. */
  readonly wouldAlert?: number;
  readonly wouldRemind?: number;
  readonly wouldResolve?: number;
  readonly candidates: number;
  readonly itemsRead: number;
  readonly now: string;
  /** False when the run stopped at its deadline before every candidate was read; the next run carries on. */
  readonly complete: boolean;
}

type Tally = {
  stuck: number;
  alerted: number;
  reminded: number;
  resolved: number;
  failed: number;
  candidates: number;
  itemsRead: number;
  /** Memories written (and their alerts sent) in this run: its progress. */
  written: number;
  /** The longest one candidate has taken, in ms (real clock). */
  slowestMs: number;
};

const MAX_ATTEMPTS = 5;
const PAGE_SIZE = 100;

/** Plans on the account, writes the memory conditionally (re-reading after a lost race), and returns the plan carried out. */
async function remember(
  deps: StuckDeps,
  read: Account,
  now: Date,
): Promise<{ plan: StuckPlan; previous: Account; next: Account } | null> {
  let account = read;
  for (let attempt = 1; ; attempt++) {
    const plan = planStuck(account, now, deps.clock(), deps.policy);
    if (plan.memory === undefined) return { plan, previous: account, next: account };
    const next: Account = { ...account, stuckAlert: plan.memory, revision: account.revision + 1 };
    try {
      await deps.store.quiet(account, next);
      return { plan, previous: account, next };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      const fresh = await deps.store.get(account.accountId);
      if (fresh === null) return null;
      account = fresh;
    }
  }
}

/**
 * Sends the plan's alerts (into the run's group, which sends them at the end); if one is not delivered, puts
 * the memory back so the next run sends it again.
 */
async function send(deps: GroupedDeps, previous: Account, next: Account, plan: StuckPlan): Promise<void> {
  const undo = async (): Promise<void> => {
    if (next !== previous) await deps.store.quiet(next, { ...previous, revision: next.revision + 1 });
  };
  try {
    for (const alert of plan.alerts) await deps.alerts.publish(alert, undo);
  } catch (error) {
    await undo().catch(() => undefined);
    throw error;
  }
}

/** One candidate: plan, and unless a dry run, remember and alert. Counts into `tally`. */
async function detect(deps: GroupedDeps, input: StuckInput, account: Account, tally: Tally): Promise<void> {
  try {
    if (input.dryRun) {
      const plan = planStuck(account, input.now, deps.clock(), deps.policy);
      count(tally, plan);
      return;
    }
    const done = await remember(deps, account, input.now);
    if (done === null) return;
    await send(deps, done.previous, done.next, done.plan);
    count(tally, done.plan);
    if (done.next !== done.previous) tally.written += 1;
  } catch (error) {
    tally.failed += 1;
    (deps.logger ?? SILENT).error('stuck detector could not handle an account', {
      accountId: account.accountId,
      ...describeError(error),
    });
  }
}

function count(tally: Tally, plan: StuckPlan): void {
  tally.stuck += plan.stuck ? 1 : 0;
  tally.alerted += plan.alerted;
  tally.reminded += plan.reminded;
  tally.resolved += plan.resolved;
}

/**
 * Whether the run must stop before its next candidate: the deadline, less the slowest candidate so far, has
 * come — but only once the run has written something, so that every run makes progress (a re-run's first
 * candidates are those already handled, which cost no write).
 */
function outOfTime(deps: StuckDeps, input: StuckInput, tally: Tally): boolean {
  return (
    input.deadline !== undefined && tally.written > 0 && deps.clock().getTime() + tally.slowestMs >= input.deadline
  );
}

/** Every candidate of `kind` due by `now`, once, skipping accounts in `seen`; adds to `seen`. False if it stopped at the deadline. */
async function pass(
  deps: GroupedDeps,
  input: StuckInput,
  kind: DueKind,
  seen: Set<string>,
  tally: Tally,
): Promise<boolean> {
  const reader = candidateReader(deps.store, kind, input.now.toISOString());
  const pageSize = input.pageSize ?? PAGE_SIZE;
  for (let page = await reader.next(pageSize); page !== null; page = await reader.next(pageSize)) {
    tally.itemsRead += page.itemsRead;
    for (const account of page.items) {
      if (seen.has(account.accountId)) continue;
      if (outOfTime(deps, input, tally)) return false;
      seen.add(account.accountId);
      tally.candidates += 1;
      const started = deps.clock().getTime();
      await detect(deps, input, account, tally);
      tally.slowestMs = Math.max(tally.slowestMs, deps.clock().getTime() - started);
    }
  }
  return true;
}

/**
 * One run of the stuck detector: the accounts stuck by `now` (new episodes alerted, reminders sent), then
 * the remembered episodes due for a look (reminders, and resolved notices for those that have ended).
 *
 * Near `deadline` it stops taking candidates and reports `complete: false`. It needs no continuation: a
 * re-run reads the same indexes from the start, and what this run did is remembered on each account (an
 * alerted episode's `stuckAlert` is current with `remindAt` ahead, so the re-run sends nothing for it; a
 * resolved one has left the `stuck_alert` index), while every candidate not reached is still due, unsent
 * and unremembered — so the next scheduled run sends exactly what this one did not. A partial run's `stuck`
 * is a lower bound (the stuck pass comes first). A dry run writes nothing, so it never stops early.
 *
 * @example
 * await runStuckDetector(deps, { now: new Date(), dryRun: false })
 * // { sweep: 'stuck', dryRun: false, stuck: 1, alerted: 1, reminded: 0, resolved: 0, complete: true, … }
 */
async function runStuckDetector(deps: StuckDeps, input: StuckInput): Promise<StuckSummary> {
  const tally: Tally = {
    stuck: 0,
    alerted: 0,
    reminded: 0,
    resolved: 0,
    failed: 0,
    candidates: 0,
    itemsRead: 0,
    written: 0,
    slowestMs: 0,
  };
  const seen = new Set<string>();
  // The run's alerts go out at its end: one by one, or grouped per type past GROUP_THRESHOLD (SPEC §5).
  const alerts = groupAlerts(deps.alerts, {
    source: 'stuck detector run',
    logger: deps.logger,
    requestId: input.requestId ?? null,
    clock: deps.clock,
  });
  const grouped: GroupedDeps = { ...deps, alerts };
  // The in-progress candidates first, then the remembered episodes (SWEEP_READS: what this sweep reads).
  let complete = true;
  for (const kind of SWEEP_READS.stuck) {
    complete = await pass(grouped, input, kind, seen, tally);
    if (!complete) break;
  }
  // What was not delivered has had its memory put back (the next run sends it again): it counts as failed.
  const { undelivered } = await alerts.flush();
  for (const alert of undelivered) {
    tally.failed += 1;
    if (alert.type === 'stuck') tally.alerted -= 1;
    else if (alert.type === 'stuck_reminder') tally.reminded -= 1;
    else if (alert.type === 'stuck_resolved') tally.resolved -= 1;
  }
  const { stuck, alerted, reminded, resolved, failed, candidates, itemsRead } = tally;
  const base = {
    sweep: 'stuck' as const,
    dryRun: input.dryRun,
    stuck,
    failed,
    candidates,
    itemsRead,
    now: input.now.toISOString(),
    complete,
  };
  return input.dryRun
    ? {
        ...base,
        alerted: 0,
        reminded: 0,
        resolved: 0,
        wouldAlert: alerted,
        wouldRemind: reminded,
        wouldResolve: resolved,
      }
    : { ...base, alerted, reminded, resolved };
}

export { runStuckDetector };
export type { StuckDeps, StuckInput, StuckSummary };
