/**
 * `npm run bench`: the measured figures of SPEC §8 on this machine, each a ratio to the raw DynamoDB calls
 * on the same DynamoDB Local in the same run, plus the same operations under injected faults. Prints a
 * table and writes bench-results/latest.json. Never part of `npm test`; nothing here asserts a timing.
 *
 *   npm run bench                 the full run (about 10–15 minutes on 2 cores)
 *   npm run bench -- --quick      a smoke run (about a minute): few samples, small tables, one sweep under faults
 *   npm run bench -- --only=latency,faults,scale,admin,bundles,console   some phases only
 *   npm run bench -- --out=path.json
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT } from '../../infra/local/paths';
import { runAdmin, type AdminOptions } from './admin';
import { loadHandlers } from './api';
import { runBundles, type BundleOptions } from './bundles';
import { runConsole, type ConsoleOptions } from './console';
import { startBenchDb } from './env';
import { runFaults, type FaultOptions } from './fault-scenarios';
import { runLatency, type LatencyOptions } from './latency';
import { muted, print, progress } from './output';
import { renderReport, targets, type BenchReport } from './report';
import { runScale, type ScaleOptions } from './scale';

const PHASES = ['bundles', 'latency', 'faults', 'scale', 'admin', 'console'] as const;
type Phase = (typeof PHASES)[number];

interface Profile {
  readonly latency: LatencyOptions;
  readonly faults: FaultOptions;
  readonly scale: ScaleOptions;
  readonly admin: AdminOptions;
  readonly bundles: BundleOptions;
  readonly console: ConsoleOptions;
}

const FULL: Profile = {
  latency: { samples: 2000, httpSamples: 1000, warmup: 300 },
  faults: { samples: 300, concurrency: 4, sweepCandidates: 150 },
  scale: { sizes: [10_000, 100_000], candidates: 1000 },
  admin: { sizes: [10_000, 100_000], pages: 3, limit: 50, burst: 1000 },
  bundles: { runs: 15 },
  console: { accounts: 10_000, runs: 7 },
};

const QUICK: Profile = {
  latency: { samples: 150, httpSamples: 100, warmup: 40 },
  faults: { samples: 30, concurrency: 4, sweepCandidates: 10, sweeps: ['inactivity'] },
  scale: { sizes: [500, 5_000], candidates: 50 },
  admin: { sizes: [1_000, 5_000], pages: 2, limit: 50, burst: 200 },
  bundles: { runs: 3 },
  console: { accounts: 1_000, runs: 2 },
};

function parseArgs(argv: readonly string[]): { quick: boolean; phases: Phase[]; out: string } {
  let quick = false;
  let phases: Phase[] = [...PHASES];
  let out = resolve(REPO_ROOT, 'bench-results/latest.json');
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) {
      const wanted = arg
        .slice('--only='.length)
        .split(',')
        .map((p) => p.trim());
      const unknown = wanted.filter((p) => !(PHASES as readonly string[]).includes(p));
      if (unknown.length > 0) throw new Error(`unknown phase ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
      phases = PHASES.filter((p) => wanted.includes(p));
    } else if (arg.startsWith('--out=')) out = resolve(arg.slice('--out='.length));
    else if (arg === '--help' || arg === '-h') {
      print('npm run bench [-- --quick] [--only=bundles,latency,faults,scale,admin,console] [--out=file.json]');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return { quick, phases, out };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const profile = args.quick ? QUICK : FULL;
  const started = new Date();
  const report: Record<string, unknown> = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt: started.toISOString(),
    profile: args.quick ? 'quick' : 'full',
    machine: {
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    },
  };
  progress(`${report.command as string}: phases ${args.phases.join(', ')} (${report.profile as string})`);

  if (args.phases.includes('bundles')) report.bundles = await runBundles(profile.bundles);

  if (args.phases.includes('latency') || args.phases.includes('faults')) {
    // The handlers read process.env when they load: point it at this phase's table first.
    const db = await startBenchDb('bench-latency');
    try {
      Object.assign(process.env, db.env);
      const handlers = await loadHandlers();
      if (args.phases.includes('latency'))
        report.latency = await muted(() => runLatency(db, handlers, profile.latency));
      if (args.phases.includes('faults')) report.faults = await muted(() => runFaults(db, handlers, profile.faults));
    } finally {
      await db.stop();
    }
  }

  if (args.phases.includes('scale')) {
    const db = await startBenchDb('bench-scale');
    try {
      report.scale = await muted(() => runScale(db, profile.scale));
    } finally {
      await db.stop();
    }
  }

  if (args.phases.includes('admin')) {
    const db = await startBenchDb('bench-admin');
    try {
      report.admin = await muted(() => runAdmin(db, profile.admin));
    } finally {
      await db.stop();
    }
  }

  if (args.phases.includes('console')) report.console = await runConsole(profile.console);

  const finished = new Date();
  report.finishedAt = finished.toISOString();
  report.durationSeconds = Math.round((finished.getTime() - started.getTime()) / 1000);
  report.targets = targets(report as unknown as BenchReport);
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  print(renderReport(report as unknown as BenchReport));
  print(`\nwritten to ${args.out} (${report.durationSeconds as number} s)`);
}

main().catch((error: unknown) => {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
