/**
 * The bench report: the JSON written to bench-results/latest.json and the tables printed from it, with
 * each SPEC §8 target and whether this run met it.
 */
import type { AdminResult } from './admin';
import { FLOOR_LIMIT, type BundleResult } from './bundles';
import type { ConsoleResult } from './console';
import type { FaultsResult } from './fault-scenarios';
import type { CallsPerRequest, Comparison, LatencyResult } from './latency';
import { table } from './output';
import type { ScaleResult } from './scale';

interface BenchReport {
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly profile: 'full' | 'quick';
  readonly machine: {
    readonly node: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly loadAverageAtStart: readonly number[];
  };
  readonly bundles?: BundleResult;
  readonly latency?: LatencyResult;
  readonly faults?: FaultsResult;
  readonly scale?: ScaleResult;
  readonly admin?: AdminResult;
  readonly console?: ConsoleResult;
  /** Each SPEC §8 target with this run's figure (filled in by {@link targets}). */
  readonly targets?: readonly Target[];
}

interface Target {
  readonly figure: string;
  readonly measured: string;
  readonly target: string;
  readonly met: boolean;
}

const f = (n: number, digits = 2): string => n.toFixed(digits);
const x = (n: number): string => `${f(n)}×`;
const pct = (n: number): string => `${(n * 100).toFixed(2)}%`;

/** The SPEC §8 targets this report can judge. */
function targets(report: BenchReport): Target[] {
  const out: Target[] = [];
  const latency = report.latency;
  if (latency !== undefined) {
    const s = latency.statusChange.inProcess;
    const a = latency.access.inProcess;
    out.push({
      figure: 'status change, p50 vs raw GetItem + TransactWriteItems',
      measured: x(s.p50Ratio),
      target: '≤ 1.30×',
      met: s.p50Ratio <= 1.3,
    });
    out.push({
      figure: 'status change, p99 vs raw',
      measured: x(s.p99Ratio),
      target: '≤ 1.50×',
      met: s.p99Ratio <= 1.5,
    });
    out.push({
      figure: 'access decision, p50 vs raw GetItem',
      measured: x(a.p50Ratio),
      target: '≤ 1.30×',
      met: a.p50Ratio <= 1.3,
    });
  }
  const scale = report.scale;
  if (scale !== undefined && scale.sizes.length > 0) {
    const ratios = scale.sizes.flatMap((size) => size.sweeps.map((s) => s.readRatio));
    const worst = Math.max(...ratios);
    out.push({
      figure: 'sweep items read ÷ candidates, worst sweep and size',
      measured: f(worst, 3),
      target: '≤ 1.05',
      met: worst <= 1.05,
    });
    const first = scale.sizes[0];
    const last = scale.sizes[scale.sizes.length - 1];
    if (first !== undefined && last !== undefined && first !== last) {
      const drift = Math.max(
        ...first.sweeps.map((s, i) => Math.abs((last.sweeps[i]?.readRatio ?? Number.NaN) - s.readRatio)),
      );
      out.push({
        figure: `the same at ${first.accounts.toLocaleString('en-US')} and ${last.accounts.toLocaleString('en-US')} accounts (largest change)`,
        measured: f(drift, 3),
        target: '0 (the same)',
        met: drift <= 0.005,
      });
    }
  }
  const admin = report.admin;
  if (admin !== undefined && admin.sizes.length > 0) {
    const sizes = admin.sizes.map((s) => s.accounts.toLocaleString('en-US')).join(' and ');
    const summaryRead = Math.max(...admin.sizes.map((s) => s.summary.itemsRead));
    out.push({
      figure: `summary items read, at ${sizes} accounts`,
      measured: String(summaryRead),
      target: '≤ 20',
      met: summaryRead <= 20 && admin.sizes.every((s) => s.summary.exact),
    });
    const worst = (pick: (s: AdminResult['sizes'][number]) => readonly { worstPageRatio: number; scans: number }[]) => {
      const pages = admin.sizes.flatMap(pick);
      return { ratio: Math.max(...pages.map((p) => p.worstPageRatio)), scans: pages.reduce((n, p) => n + p.scans, 0) };
    };
    const search = worst((s) => s.searches);
    out.push({
      figure: 'search page items read ÷ items returned, worst page',
      measured: f(search.ratio),
      target: '≤ 2.00',
      met: search.ratio <= 2 && search.scans === 0,
    });
    const preview = worst((s) => s.previews);
    out.push({
      figure: 'preview page items read ÷ items returned, worst page',
      measured: f(preview.ratio),
      target: '≤ 2.00',
      met: preview.ratio <= 2 && preview.scans === 0,
    });
    const perSecond = admin.writes.writesPerKeyPerChange * 1000;
    out.push({
      figure: `busiest partition key at 1,000 changes/s in one domain (${admin.writes.busiestKey})`,
      measured: `${Math.round(perSecond)} writes/s`,
      target: '≤ 1,000 writes/s',
      met: perSecond <= 1000,
    });
  }
  const bundles = report.bundles;
  if (bundles !== undefined && bundles.functions.length > 0) {
    const biggest = bundles.functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    out.push({
      figure: `largest bundle (${biggest.entry})`,
      measured: `${biggest.bytes.toLocaleString('en-US')} B`,
      target: '≤ 600,000 B',
      met: biggest.bytes <= bundles.limitBytes,
    });
    const slowest = bundles.functions.reduce((a, b) => (b.floorRatio > a.floorRatio ? b : a));
    out.push({
      figure: `slowest start vs its floor, the same SDK clients alone (${slowest.entry})`,
      measured: x(slowest.floorRatio),
      target: `≤ ${x(FLOOR_LIMIT)}`,
      met: slowest.floorRatio <= FLOOR_LIMIT,
    });
  }
  const consoleResult = report.console;
  if (consoleResult !== undefined) {
    out.push({
      figure: `console: sign-in to a usable list of ${consoleResult.accounts.toLocaleString('en-US')} accounts, p50 (max)`,
      measured: `${f(consoleResult.signInToList.p50 / 1000)} s (${f(consoleResult.signInToList.max / 1000)} s)`,
      target: '≤ 1.50 s',
      met: consoleResult.signInToList.p50 <= 1500,
    });
    out.push({
      figure: 'console: JavaScript gzipped, first screen (all)',
      measured: `${consoleResult.javascript.initialGzipBytes.toLocaleString('en-US')} B (${consoleResult.javascript.totalGzipBytes.toLocaleString('en-US')} B)`,
      target: '≤ 300,000 B',
      met: consoleResult.javascript.totalGzipBytes <= 300_000,
    });
  }
  return out;
}

const describeCalls = (c: CallsPerRequest): string =>
  `${c.calls} (${[c.gets ? `${c.gets} GetItem` : '', c.queries ? `${c.queries} Query` : '', c.writes ? `${c.writes} write` : ''].filter(Boolean).join(' + ')})`;

function latencyRows(label: string, c: Comparison): string[] {
  return [
    label,
    f(c.raw.p50),
    f(c.raw.p99),
    f(c.measured.p50),
    f(c.measured.p99),
    x(c.p50Ratio),
    x(c.p99Ratio),
    String(c.raw.n),
    String(c.failures),
  ];
}

/**
 * The printed report.
 *
 * @example
 * print(renderReport(report))
 */
function renderReport(report: BenchReport): string {
  const parts: string[] = [
    `Mailbox Lifecycle bench — ${report.command} — ${report.startedAt} (${report.profile})`,
    `node ${report.machine.node}, ${report.machine.cpus} CPUs (${report.machine.cpuModel}), load average at start ${report.machine.loadAverageAtStart.join(' ')}`,
  ];
  const judged = report.targets ?? targets(report);
  if (judged.length > 0) {
    parts.push(
      '',
      'SPEC §8 targets',
      table(
        ['figure', 'measured', 'target', 'met'],
        judged.map((t) => [t.figure, t.measured, t.target, t.met ? 'yes' : 'NO']),
      ),
    );
  }
  if (report.latency !== undefined) {
    const l = report.latency;
    parts.push(
      '',
      `Latency, ms (interleaved with the raw calls; ${l.samples.inProcess} samples in process, ${l.samples.http} over HTTP, after ${l.samples.warmup} warm-up)`,
      table(
        ['operation', 'raw p50', 'raw p99', 'p50', 'p99', 'p50 ratio', 'p99 ratio', 'n', 'failures'],
        [
          latencyRows('status change, handler in process', l.statusChange.inProcess),
          latencyRows('status change, local HTTP server', l.statusChange.http),
          latencyRows('access decision, handler in process', l.access.inProcess),
          latencyRows('access decision, local HTTP server', l.access.http),
        ],
      ),
      `DynamoDB calls per request: status change ${describeCalls(l.callsPerRequest.statusChange)}; access decision ${describeCalls(l.callsPerRequest.access)}`,
    );
  }
  if (report.scale !== undefined) {
    const rows = report.scale.sizes.flatMap((size) =>
      size.sweeps.map((s) => [
        size.accounts.toLocaleString('en-US'),
        s.sweep,
        String(s.candidates),
        String(s.itemsRead),
        f(s.readRatio, 3),
        String(s.reads.gets),
        String(s.reads.queries),
        String(s.changesPerSecond),
        String(s.rawChangesPerSecond),
        x(s.throughputRatio),
        s.anomalies.join('; ') || '-',
      ]),
    );
    parts.push(
      '',
      `Sweeps (${report.scale.candidatesPerSweep} candidates each; items read counted from Query ScannedCount and GetItem)`,
      table(
        [
          'accounts',
          'sweep',
          'candidates',
          'items read',
          'read ratio',
          'gets',
          'queries',
          'changes/s',
          'raw/s',
          'speed ratio',
          'anomalies',
        ],
        rows,
      ),
    );
    parts.push(
      table(
        ['accounts', 'items seeded', 'seeding s', 'items/s'],
        report.scale.sizes.map((s) => [
          s.accounts.toLocaleString('en-US'),
          s.items.toLocaleString('en-US'),
          String(s.seedSeconds),
          String(s.seedItemsPerSecond),
        ]),
      ),
    );
  }
  if (report.admin !== undefined) {
    const a = report.admin;
    const rows = (size: AdminResult['sizes'][number], pages: AdminResult['sizes'][number]['searches']) =>
      pages.map((p) => [
        size.accounts.toLocaleString('en-US'),
        p.what,
        String(p.pages),
        String(p.returned),
        String(p.itemsRead),
        f(p.ratio),
        f(p.worstPageRatio),
      ]);
    parts.push(
      '',
      `Administrator's reads in ${a.domain} (pages of ${a.limit}; items read from ScannedCount/Count and the items BatchGetItem/TransactGetItems return)`,
      table(
        ['accounts', 'summary items read', 'summary accounts', 'exact', 'seeding s'],
        a.sizes.map((s) => [
          s.accounts.toLocaleString('en-US'),
          String(s.summary.itemsRead),
          s.summary.accounts.toLocaleString('en-US'),
          String(s.summary.exact),
          String(s.seedSeconds),
        ]),
      ),
      table(
        ['accounts', 'search / preview', 'pages', 'returned', 'items read', 'ratio', 'worst page'],
        a.sizes.flatMap((s) => [...rows(s, s.searches), ...rows(s, s.previews)]),
      ),
      `Writes of ${a.writes.changes} status changes in one domain: busiest partition key ${a.writes.busiestKey} (${a.writes.busiestWrites} writes), busiest counter item ${a.writes.busiestCounterWrites} writes`,
    );
  }
  if (report.bundles !== undefined) {
    const b = report.bundles;
    parts.push(
      '',
      `Bundles (infra/constructs/lambda-function.ts) and start time, median of ${b.runs} runs; bare node -e '' ${f(b.bareNodeMs, 1)} ms`,
      table(
        [
          'entry',
          'bytes',
          'gzip',
          'lazy bytes',
          'start ms',
          'floor ms',
          'vs floor',
          'vs node',
          'no source maps ms',
          'vs node',
          'import() ms',
          'floor: SDK clients',
        ],
        b.functions.map((fn) => [
          fn.entry,
          fn.bytes.toLocaleString('en-US'),
          fn.gzipBytes.toLocaleString('en-US'),
          fn.lazyBytes === 0 ? '-' : fn.lazyBytes.toLocaleString('en-US'),
          f(fn.startMs, 1),
          f(fn.floorMs, 1),
          x(fn.floorRatio),
          x(fn.startRatio),
          f(fn.startNoSourceMapsMs, 1),
          x(fn.startNoSourceMapsRatio),
          f(fn.importMs, 1),
          fn.sdk.map((p) => `${p.client} (${p.commands.length} commands)`).join(', ') || 'none',
        ]),
      ),
    );
  }
  if (report.faults !== undefined) {
    const fa = report.faults;
    parts.push(
      '',
      `Injected faults (${fa.samples} requests each, ${fa.concurrency} at once; latency in ms)`,
      table(
        ['scenario', 'status ok', 'p50', 'p99', 'codes', 'books', 'access ok', 'p50', 'p99', 'codes', 'sweeps'],
        fa.scenarios.map((s) => [
          s.name,
          pct(s.statusChange.successRate),
          f(s.statusChange.latency.p50, 1),
          f(s.statusChange.latency.p99, 1),
          Object.entries(s.statusChange.statusCodes)
            .map(([c, n]) => `${c}:${n}`)
            .join(' '),
          s.statusChange.consistent ? 'consistent' : 'INCONSISTENT',
          pct(s.access.successRate),
          f(s.access.latency.p50, 1),
          f(s.access.latency.p99, 1),
          Object.entries(s.access.statusCodes)
            .map(([c, n]) => `${c}:${n}`)
            .join(' '),
          s.sweeps
            .map((w) => `${w.sweep} ${w.ok ? 'ok' : 'NOT OK'}${w.runs > 1 ? ` (${w.runs} runs)` : ''}`)
            .join(', '),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

export { renderReport, targets };
export type { BenchReport, Target };
