/**
 * SPEC §8, the last figure: each Lambda function's bundle and how long it takes to start.
 *
 * Each entry under functions/ is bundled by the app's own construct (infra/constructs/lambda-function.ts)
 * in a throwaway CDK app, so the bundle is exactly what `cdk deploy` ships — same esbuild options (ESM,
 * node24, minified, the AWS SDK bundled), same banner. Starting it is `node index.mjs` (the module is
 * loaded and its top-level code run, as the Lambda runtime does before the first event) with the
 * environment the construct gives the function.
 *
 * Its floor (SPEC §8: ≤ 1.15×) is what a hand-written function with the same AWS SDK clients would take to
 * start: the bench finds the clients and commands the function's bundle contains (esbuild's metafile: every
 * `@aws-sdk/client-*` and `lib-dynamodb` client class and command it pulls in, those it loads only when
 * first needed included), writes an entry of nothing but those imports and one client of each made at
 * module scope, and bundles it with the same construct. The function, its floor and a bare `node -e ''` run
 * interleaved; each figure is the median of the runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../../infra/local/paths';
import { bundleFunction } from '../helpers/bundle';
import { progress } from './output';
import { median, ratio } from './stats';

interface BundleOptions {
  /** Start-time runs per bundle (and as many bare runs). */
  readonly runs: number;
}

interface FunctionBundle {
  readonly entry: string;
  /** index.mjs: what a start reads. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The lazy modules beside it (shared/lazy-modules.ts), read only when first needed. */
  readonly lazyBytes: number;
  /** Median wall time of `node index.mjs` with the function's environment (NODE_OPTIONS included). */
  readonly startMs: number;
  /** The same without NODE_OPTIONS (no --enable-source-maps). */
  readonly startNoSourceMapsMs: number;
  /** Median milliseconds of the `import()` itself, measured inside a node process. */
  readonly importMs: number;
  readonly startRatio: number;
  readonly startNoSourceMapsRatio: number;
  readonly environment: Readonly<Record<string, string>>;
  /** The AWS SDK clients (and commands) the bundle contains: what its floor imports. */
  readonly sdk: readonly SdkPackage[];
  /** Median wall time of starting the floor bundle, with the same environment. */
  readonly floorMs: number;
  readonly floorBytes: number;
  /** startMs ÷ floorMs (SPEC §8: ≤ 1.15). */
  readonly floorRatio: number;
}

/** One AWS SDK package a function uses: its client class and the commands it sends. */
interface SdkPackage {
  readonly name: string;
  readonly client: string;
  readonly commands: readonly string[];
}

interface BundleResult {
  readonly runs: number;
  /** Median wall time of a bare `node -e ''`. */
  readonly bareNodeMs: number;
  readonly limitBytes: number;
  readonly functions: readonly FunctionBundle[];
}

/** SPEC §8: 600 KB, read strictly as 600,000 bytes. */
const LIMIT_BYTES = 600_000;
/** SPEC §8: a function starts within 1.15× its floor. */
const FLOOR_LIMIT = 1.15;

/** Where the floor entries are written (git-ignored), relative to the repository root. */
const FLOOR_DIR = '.local/bench-floor';

const SDK_FILE =
  /node_modules\/@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)\/dist-es\/(?:commands\/)?([A-Za-z0-9]+(?:Client|Command))\.js$/;

/**
 * The AWS SDK client classes and commands `entry`'s bundle contains, from esbuild's metafile with the
 * construct's resolution options.
 */
async function sdkPackages(entry: string): Promise<SdkPackage[]> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const packages = new Map<string, { client: string; commands: Set<string> }>();
  // What ends up in the output (esbuild lists every file it read, tree-shaken ones included, as inputs).
  const kept = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, use]) => use.bytesInOutput > 0)
      .map(([input]) => input),
  );
  for (const input of kept) {
    const match = SDK_FILE.exec(input);
    if (match === null) continue;
    const [, name = '', symbol = ''] = match;
    const found = packages.get(name) ?? { client: '', commands: new Set<string>() };
    if (symbol.endsWith('Command')) found.commands.add(symbol);
    else if (!input.includes('/commands/')) found.client = symbol;
    packages.set(name, found);
  }
  return [...packages.entries()]
    .filter(([, p]) => p.client !== '')
    .map(([name, p]) => ({ name: `@aws-sdk/${name}`, client: p.client, commands: [...p.commands].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The floor's source: the packages' imports and one client of each, at module scope, as a hand-written function has them. */
function floorSource(packages: readonly SdkPackage[]): string {
  // Aliased: packages share command names (SNS's and SQS's AddPermissionCommand, …).
  const alias = (i: number, j: number): string => `c${i}_${j}`;
  const imports = packages.map(
    (p, i) =>
      `import { ${[`${p.client} as k${i}`, ...p.commands.map((c, j) => `${c} as ${alias(i, j)}`)].join(', ')} } from '${p.name}';`,
  );
  const dynamo = packages.findIndex((p) => p.name === '@aws-sdk/client-dynamodb');
  const clients = packages.map((p, i) =>
    p.name === '@aws-sdk/lib-dynamodb' ? `k${i}.from(${dynamo < 0 ? '{}' : `new k${dynamo}({})`})` : `new k${i}({})`,
  );
  const commands = packages.flatMap((p, i) => p.commands.map((_, j) => alias(i, j)));
  return [
    ...imports,
    `const clients = [${clients.join(', ')}];`,
    `const commands = [${commands.join(', ')}];`,
    'export const handler = async () => clients.length + commands.length;',
    '',
  ].join('\n');
}

/** Writes the floor entry of `entry` and returns its path relative to the repository root. */
function writeFloor(entry: string, packages: readonly SdkPackage[]): string {
  mkdirSync(join(REPO_ROOT, FLOOR_DIR), { recursive: true });
  const file = `${FLOOR_DIR}/${entry.replace(/[/.]/g, '_')}.ts`;
  writeFileSync(join(REPO_ROOT, file), floorSource(packages));
  return file;
}

/** The lazy modules of a bundle: the other .mjs files beside its index.mjs. */
function lazyFiles(index: string, files: readonly string[]): string[] {
  return files
    .filter((name) => name.endsWith('.mjs') && name !== 'index.mjs')
    .map((name) => join(dirname(index), name));
}

/** Every Lambda entry: each .ts file under functions/ (they all export `handler`). */
function entries(): string[] {
  const dir = join(REPO_ROOT, 'functions');
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => relative(REPO_ROOT, join(dir, file)))
    .sort();
}

/** Wall milliseconds of one `node …` run; throws if it fails. */
function timeNode(args: readonly string[], env: Record<string, string>): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString().slice(0, 500)}`);
  return elapsed;
}

/** Milliseconds of `import(file)` inside a node process. */
function importTime(file: string, env: Record<string, string>): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr.toString().slice(0, 500)}`);
  return Number(result.stdout.toString());
}

/** A minimal environment: PATH and HOME only, plus `extra` (no NODE_OPTIONS unless given). */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_REGION: 'eu-west-2', ...extra };
}

/**
 * Bundles every function and times starting it.
 *
 * @example
 * const result = await runBundles({ runs: 15 });
 */
async function runBundles(options: BundleOptions): Promise<BundleResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'mbl-bench-cdk-'));
  try {
    const built: {
      entry: string;
      file: string;
      lazyFiles: string[];
      environment: Record<string, string>;
      sdk: SdkPackage[];
      floor: string;
    }[] = [];
    for (const entry of entries()) {
      progress(`bundling ${entry} and its floor with infra/constructs/lambda-function.ts`);
      const sdk = await sdkPackages(entry);
      const floor = await bundleFunction(writeFloor(entry, sdk), outdir);
      const { file, files, environment } = await bundleFunction(entry, outdir);
      built.push({ entry, file, lazyFiles: lazyFiles(file, files), environment, sdk, floor: floor.file });
    }
    const bare: number[] = [];
    const functions: FunctionBundle[] = [];
    timeNode(['-e', ''], cleanEnv());
    for (const { entry, file, lazyFiles, environment, sdk, floor } of built) {
      progress(
        `starting ${entry}: ${options.runs} runs each of node index.mjs (with and without source maps), its floor ` +
          `(${sdk.map((p) => p.client).join(', ') || 'no SDK client'}) and node -e ''`,
      );
      const withMaps: number[] = [];
      const withoutMaps: number[] = [];
      const imports: number[] = [];
      const floors: number[] = [];
      const { NODE_OPTIONS: nodeOptions, ...rest } = environment;
      timeNode([file], cleanEnv(environment));
      timeNode([floor], cleanEnv(environment));
      for (let i = 0; i < options.runs; i++) {
        bare.push(timeNode(['-e', ''], cleanEnv()));
        withMaps.push(timeNode([file], cleanEnv(environment)));
        floors.push(timeNode([floor], cleanEnv(environment)));
        withoutMaps.push(timeNode([file], cleanEnv(rest)));
        imports.push(importTime(file, cleanEnv(rest)));
      }
      const bytes = statSync(file).size;
      functions.push({
        entry,
        bytes,
        gzipBytes: gzipSync(readFileSync(file)).length,
        lazyBytes: lazyFiles.reduce((sum, lazy) => sum + statSync(lazy).size, 0),
        startMs: median(withMaps),
        startNoSourceMapsMs: median(withoutMaps),
        importMs: median(imports),
        startRatio: 0,
        startNoSourceMapsRatio: 0,
        environment: nodeOptions === undefined ? rest : { ...rest, NODE_OPTIONS: nodeOptions },
        sdk,
        floorMs: median(floors),
        floorBytes: statSync(floor).size,
        floorRatio: ratio(median(withMaps), median(floors)),
      });
    }
    const bareNodeMs = median(bare);
    return {
      runs: options.runs,
      bareNodeMs,
      limitBytes: LIMIT_BYTES,
      functions: functions.map((f) => ({
        ...f,
        startRatio: ratio(f.startMs, bareNodeMs),
        startNoSourceMapsRatio: ratio(f.startNoSourceMapsMs, bareNodeMs),
      })),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(join(REPO_ROOT, FLOOR_DIR), { recursive: true, force: true });
  }
}

export { runBundles, floorSource, sdkPackages, FLOOR_LIMIT };
export type { BundleOptions, BundleResult, FunctionBundle, SdkPackage };
