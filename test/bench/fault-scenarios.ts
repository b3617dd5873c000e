/**
 * The same operations under faults DynamoDB Local cannot produce, injected through SDK middleware
 * (test/helpers/faults.ts) on the process-wide client the handlers and sweeps use: 5 % of writes lost to a
 * TransactionConflict, 10 % of all calls throttled, 200 ms added to every call — and none, as the baseline
 * at the same concurrency. For each: success rate and latency of status changes and access decisions,
 * whether every successful status change (and only those) left exactly one history entry, and each sweep
 * run (again while candidates remain) with no lost or double change.
 */
import type { Alert, AlertPublisher } from '../../shared/alerts/alert';
import type { Account } from '../../shared/domain/account';
import { decide } from '../../shared/domain/decide';
import { createStore } from '../../shared/store/dynamo-store';
import type { AccountStore } from '../../shared/store/port';
import { SILENT } from '../../shared/observability';
import { runScheduled } from '../../shared/sweeps/scheduled';
import { injectFaults, seededRandom, type FaultPlan, type FaultStats } from '../helpers/faults';
import { apiEvent, invoke, type Handler } from './api';
import type { BenchDb } from './env';
import { progress } from './output';
import { CANDIDATE_KIND, accountBuilder, batchWrite, type Builder, type Made } from './seed';
import { concurrent, summarize, type SeriesResult, type Summary } from './stats';

interface FaultOptions {
  /** Status changes, and access decisions, per scenario. */
  readonly samples: number;
  /** Requests at once (each worker on its own account). */
  readonly concurrency: number;
  /** Candidates of each sweep per scenario. */
  readonly sweepCandidates: number;
  /** The sweeps run under each scenario (default all five). */
  readonly sweeps?: readonly (typeof SWEEPS)[number][];
}

interface OperationOutcome {
  readonly requests: number;
  readonly succeeded: number;
  readonly successRate: number;
  /** How many answered each status code. */
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly latency: Summary;
}

interface StatusOutcome extends OperationOutcome {
  /** For every account: new history entries == version increase == successful changes, and the status the last success set. */
  readonly consistent: boolean;
  readonly problems: readonly string[];
}

interface SweepOutcome {
  readonly sweep: string;
  readonly candidates: number;
  /** Runs until no candidate was left (the first under faults, then again under the same faults). */
  readonly runs: number;
  readonly changedFirstRun: number;
  readonly failedFirstRun: number;
  readonly changedTotal: number;
  /** New history entries over all candidates (stuck: alerts sent). */
  readonly historyEntries: number;
  /** Candidates with more than one new history entry (or alert). */
  readonly doubleChanges: number;
  /** Candidates not in the state the rule leads to. */
  readonly wrongEndState: number;
  readonly ok: boolean;
  readonly firstError?: string;
}

interface ScenarioResult {
  readonly name: string;
  readonly plan: Omit<FaultPlan, 'random'>;
  readonly statusChange: StatusOutcome;
  readonly access: OperationOutcome;
  readonly sweeps: readonly SweepOutcome[];
  readonly injected: Omit<FaultStats, 'byOperation'>;
}

interface FaultsResult {
  readonly samples: number;
  readonly concurrency: number;
  readonly scenarios: readonly ScenarioResult[];
}

const SCENARIOS: readonly { name: string; plan: Omit<FaultPlan, 'random'> }[] = [
  { name: 'none', plan: {} },
  { name: '5% TransactionConflict on writes', plan: { transactionConflict: 0.05 } },
  { name: '10% throttling on all calls', plan: { throttle: 0.1 } },
  { name: '+200 ms on every call', plan: { latencyMs: 200 } },
];

const SWEEPS = ['inactivity', 'lockout', 'retention', 'leaver', 'stuck'] as const;
const TARGETS = ['maintenance', 'active'] as const;
const MAX_RUNS = 4;
const WARM_UP = 30;

async function historyCount(store: AccountStore, accountId: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page = await store.history(accountId, 200, cursor);
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return count;
}

function outcome(result: SeriesResult, codes: Record<string, number>): OperationOutcome {
  const requests = result.samples.length;
  const succeeded = requests - result.failures;
  return {
    requests,
    succeeded,
    successRate: Math.round((succeeded / Math.max(1, requests)) * 10_000) / 10_000,
    statusCodes: codes,
    latency: summarize(result.samples),
  };
}

/** Status changes by `concurrency` workers, each alternating its own account; then the books are checked. */
async function statusChanges(
  db: BenchDb,
  handler: Handler,
  store: AccountStore,
  accounts: readonly Made[],
  samples: number,
): Promise<{
  result: SeriesResult;
  codes: Record<string, number>;
  check: () => Promise<string[]>;
}> {
  const codes: Record<string, number> = {};
  const successes = accounts.map(() => 0);
  const turns = accounts.map(() => 0);
  const result = await concurrent(
    (worker) => async () => {
      const made = accounts[worker] as Made;
      const target = TARGETS[(turns[worker] as number) % 2] ?? 'active';
      const response = await invoke(
        handler,
        'accounts',
        apiEvent('PUT', `/accounts/${made.account.accountId}/status`, { status: target, reason: 'bench' }),
      );
      codes[response.statusCode] = (codes[response.statusCode] ?? 0) + 1;
      if (response.statusCode !== 200) return false;
      successes[worker] = (successes[worker] as number) + 1;
      turns[worker] = (turns[worker] as number) + 1;
      return true;
    },
    samples,
    accounts.length,
  );
  const check = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const [i, made] of accounts.entries()) {
      const now = await store.get(made.account.accountId);
      const entries = (await historyCount(store, made.account.accountId)) - made.history.length;
      const changed = successes[i] as number;
      const expected = changed % 2 === 0 ? made.account.status : 'maintenance';
      if (now === null) problems.push(`${made.account.accountId} is gone`);
      else {
        if (entries !== changed)
          problems.push(`${made.account.accountId}: ${changed} successful changes, ${entries} history entries`);
        if (now.version - made.account.version !== changed)
          problems.push(
            `${made.account.accountId}: ${changed} successful changes, version +${now.version - made.account.version}`,
          );
        if (now.status !== expected)
          problems.push(`${made.account.accountId}: status ${now.status}, expected ${expected}`);
        const email = now.email === null ? null : await store.access(now.email);
        if (email?.status !== now.status)
          problems.push(`${made.account.accountId}: email item says ${email?.status}, account ${now.status}`);
      }
    }
    return problems;
  };
  return { result, codes, check };
}

async function accessDecisions(
  handler: Handler,
  email: string,
  samples: number,
  concurrency: number,
): Promise<OperationOutcome> {
  const codes: Record<string, number> = {};
  const result = await concurrent(
    () => async () => {
      const response = await invoke(handler, 'access', apiEvent('GET', `/access?email=${encodeURIComponent(email)}`));
      codes[response.statusCode] = (codes[response.statusCode] ?? 0) + 1;
      return response.statusCode === 200;
    },
    samples,
    concurrency,
  );
  return outcome(result, codes);
}

/** Where the rule takes a candidate (status and in-progress target), decided on the seeded state. */
function expectedEnd(db: BenchDb, sweep: (typeof SWEEPS)[number], account: Account): string {
  if (sweep === 'stuck') return `${account.status}>${account.inProgress?.target ?? ''}`;
  const decision = decide(account, { kind: 'sweep', sweep, requestId: null }, new Date(), db.config.policy);
  const next = decision.outcome === 'changed' ? decision.account : account;
  return `${next.status}>${next.inProgress?.target ?? ''}`;
}

/** Switches the scenario's faults on and off (seeding and checking run without them). */
interface FaultSwitch {
  on(): void;
  off(): void;
}

/** Seeds candidates, runs one sweep under the faults until no candidate is left, then checks each candidate. */
async function sweepUnderFaults(
  db: BenchDb,
  builder: Builder,
  sweep: (typeof SWEEPS)[number],
  count: number,
  domain: string,
  faults: FaultSwitch,
): Promise<SweepOutcome> {
  const store = createStore(db.config);
  const made: Made[] = [];
  for (let i = 0; i < count; i++) made.push(await builder.make(CANDIDATE_KIND[sweep], domain));
  await batchWrite(
    db.document,
    db.tableName,
    made.flatMap((m) => [...m.items, ...m.history]),
  );
  faults.on();
  const alerts: Alert[] = [];
  const publisher: AlertPublisher = { publish: async (alert) => void alerts.push(alert) };
  const event = sweep === 'leaver' || sweep === 'retention' ? { maxAffected: 100_000 } : {};
  let runs = 0;
  let changedFirstRun = 0;
  let failedFirstRun = 0;
  let changedTotal = 0;
  let firstError: string | undefined;
  for (let left = true; left && runs < MAX_RUNS;) {
    runs += 1;
    let summary: Record<string, number> = {};
    try {
      summary = (await runScheduled(sweep, event, {
        config: db.config,
        store,
        alerts: publisher,
        clock: () => new Date(),
        logger: SILENT,
      })) as unknown as Record<string, number>;
    } catch (error) {
      firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const changed = sweep === 'stuck' ? (summary['alerted'] ?? 0) : (summary['changed'] ?? 0);
    if (runs === 1) {
      changedFirstRun = changed;
      failedFirstRun = summary['failed'] ?? 0;
    }
    changedTotal += changed;
    left = (summary['failed'] ?? 0) > 0 || Object.keys(summary).length === 0;
  }
  faults.off();
  return {
    sweep,
    candidates: count,
    runs,
    changedFirstRun,
    failedFirstRun,
    changedTotal,
    ...(firstError === undefined ? {} : { firstError }),
    ...(await audit()),
  };

  async function audit(): Promise<Pick<SweepOutcome, 'historyEntries' | 'doubleChanges' | 'wrongEndState' | 'ok'>> {
    let historyEntries = 0;
    let doubleChanges = 0;
    let wrongEndState = 0;
    for (const m of made) {
      const now = await store.get(m.account.accountId);
      const changes =
        sweep === 'stuck'
          ? alerts.filter((a) => a.type === 'stuck' && a.account?.accountId === m.account.accountId).length
          : (await historyCount(store, m.account.accountId)) - m.history.length;
      historyEntries += changes;
      if (changes > 1) doubleChanges += 1;
      if (
        now === null ||
        `${now.status}>${now.inProgress?.target ?? ''}` !== expectedEnd(db, sweep, m.account) ||
        changes !== 1
      )
        wrongEndState += 1;
    }
    return {
      historyEntries,
      doubleChanges,
      wrongEndState,
      ok: doubleChanges === 0 && wrongEndState === 0 && historyEntries === changedTotal,
    };
  }
}

/** A few fault-free requests first, so no scenario pays for loading the handlers or a cold JIT. */
async function warmUp(handlers: { accounts: Handler; access: Handler }, made: Made): Promise<void> {
  for (let i = 0; i < WARM_UP; i++) {
    await invoke(
      handlers.access,
      'access',
      apiEvent('GET', `/access?email=${encodeURIComponent(made.account.email ?? '')}`),
    );
    await invoke(handlers.accounts, 'accounts', apiEvent('GET', `/accounts/${made.account.accountId}`));
  }
}

/**
 * Runs every scenario. The injection is on the process-wide client of `db` (the one the handlers and the
 * store use); checks read with the injection off.
 */
async function runFaults(
  db: BenchDb,
  handlers: { accounts: Handler; access: Handler },
  options: FaultOptions,
): Promise<FaultsResult> {
  const builder = accountBuilder(db.shape, Date.now());
  const store = createStore(db.config);
  const faults = injectFaults(db.base, {});
  const scenarios: ScenarioResult[] = [];
  try {
    for (const [index, scenario] of SCENARIOS.entries()) {
      const domain = `faults${index}.bench.example`;
      const accounts: Made[] = [];
      for (let i = 0; i < options.concurrency; i++) accounts.push(await builder.make('activeRecent', domain));
      await batchWrite(
        db.document,
        db.tableName,
        accounts.flatMap((m) => [...m.items, ...m.history]),
      );
      progress(
        `faults, ${scenario.name}: ${options.samples} status changes and access decisions, ${options.concurrency} at once`,
      );
      await warmUp(handlers, accounts[0] as Made);
      faults.reset();
      faults.set({ ...scenario.plan, random: seededRandom(1000 + index) });
      const status = await statusChanges(db, handlers.accounts, store, accounts, options.samples);
      const access = await accessDecisions(
        handlers.access,
        accounts[0]?.account.email ?? '',
        options.samples,
        options.concurrency,
      );
      const sweeps: SweepOutcome[] = [];
      const counted = { calls: 0, conflicts: 0, throttles: 0, delayed: 0 };
      const collect = (): void => {
        for (const k of Object.keys(counted) as (keyof typeof counted)[]) counted[k] += faults.stats[k];
        faults.reset();
      };
      faults.set({});
      collect();
      const problems = await status.check();
      const switched: FaultSwitch = {
        on: () => faults.set({ ...scenario.plan, random: seededRandom(2000 + index) }),
        off: () => {
          faults.set({});
          collect();
        },
      };
      for (const sweep of options.sweeps ?? SWEEPS) {
        progress(`faults, ${scenario.name}: the ${sweep} sweep over ${options.sweepCandidates} candidates`);
        const result = await sweepUnderFaults(db, builder, sweep, options.sweepCandidates, domain, switched);
        sweeps.push(result);
        progress(
          `  ${sweep}: ${result.ok ? 'ok' : 'NOT OK'} in ${result.runs} run(s); first run changed ${result.changedFirstRun}, failed ${result.failedFirstRun}` +
            (result.firstError ? `; ${result.firstError}` : ''),
        );
      }
      const injected = { ...counted };
      const statusOutcome: StatusOutcome = {
        ...outcome(status.result, status.codes),
        consistent: problems.length === 0,
        problems: problems.slice(0, 10),
      };
      progress(
        `  status changes: ${statusOutcome.succeeded}/${statusOutcome.requests} ok, p99 ${Math.round(statusOutcome.latency.p99)} ms, ` +
          `books ${statusOutcome.consistent ? 'consistent' : `INCONSISTENT: ${problems[0]}`}; access: ${access.succeeded}/${access.requests} ok, p99 ${Math.round(access.latency.p99)} ms`,
      );
      scenarios.push({
        name: scenario.name,
        plan: scenario.plan,
        statusChange: statusOutcome,
        access,
        sweeps,
        injected,
      });
    }
  } finally {
    faults.remove();
  }
  return { samples: options.samples, concurrency: options.concurrency, scenarios };
}

export { runFaults };
export type { FaultOptions, FaultsResult, ScenarioResult, StatusOutcome, SweepOutcome };
