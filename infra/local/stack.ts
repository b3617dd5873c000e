/**
 * The whole service on this machine (SPEC §6), as one reusable piece: DynamoDB Local, the table, the HTTP
 * API serving the real handlers, the stream poller feeding the worker and the event publisher, and the
 * schedules. `npm start` runs it; tests and the bench start the same stack in process on free ports.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { resolve } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { CONFIG_VARIABLES, isConfigVariable, loadConfig } from '../../shared/config';
import type { Config, ConfigVariable } from '../../shared/config';
import { HTTP_FUNCTION_ENTRIES, HTTP_FUNCTIONS } from '../../shared/http/routes';
import type { HttpFunction } from '../../shared/http/routes';
import { SCHEDULES } from '../../shared/schedules';
import type { Schedule, SweepKind } from '../../shared/schedules';
import { nextRun } from '../../shared/schedule-expression';
import type { SweepEvent } from '../../shared/sweeps/event';
import { SERVICE_NAME } from '../../shared/observability';
import { DEFAULT_TABLE_NAME } from '../../shared/store/table';
import { dynamoDbClient, LOCAL_CREDENTIALS } from '../../shared/store/client';
import { STREAM_CONSUMER_ENTRIES, STREAM_CONSUMERS } from '../../shared/stream/filters';
import type { StreamConsumer } from '../../shared/stream/filters';
import { createWorkerDeps, releaseLocalRetries } from '../../shared/worker/deps';
import { consoleSite } from './console';
import { startDynamoDbLocal } from './dynamodb-local';
import type { DynamoDbLocal } from './dynamodb-local';
import { createVerifier, ensureSigningKey, signToken } from './jwt';
import type { LocalClaims, SignOptions } from './jwt';
import { lazyHandler } from './lambda';
import { selfAuthenticationEnv } from './self-auth';
import { REPO_ROOT, localPaths, privateDir } from './paths';
import type { LocalPaths } from './paths';
import { startLocalApi } from './server';
import type { HttpHandler, LocalApi } from './server';
import { startStreamPoller } from './stream-poller';
import type { StreamPoller } from './stream-poller';
import { ensureTable } from './table';

type Env = Readonly<Record<string, string | undefined>>;
type Log = (message: string) => void;
type SweepRunner = (sweep: SweepKind, event?: SweepEvent) => Promise<unknown>;

interface LocalStackOptions {
  /** The API's port: default PORT or 3000; 0 picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * Keep DynamoDB Local's data in `<localDir>/dynamodb` (default: in memory), and resume the table's stream
   * after the last record the previous run handled (`<localDir>/stream-positions.json`).
   */
  readonly persist?: boolean;
  /** Default LOCAL_DIR, else `.local/` at the repository root. */
  readonly localDir?: string;
  /** Use this DynamoDB Local instead of starting one (it is then left running on stop). */
  readonly dynamodbEndpoint?: string;
  /** The port of the DynamoDB Local it starts (default: a free one). */
  readonly dynamodbPort?: number;
  /** Default TABLE_NAME, else `mailbox-lifecycle`. */
  readonly tableName?: string;
  /** The environment the handlers' configuration starts from (default process.env). */
  readonly env?: Env;
  /** Run SCHEDULES on timers (default true). */
  readonly schedules?: boolean;
  /** The stream poller's idle interval (default 250 ms). */
  readonly pollIntervalMs?: number;
  /** Write `<localDir>/stack.json` (default true). */
  readonly writeStackFile?: boolean;
  readonly log?: Log;
}

interface LocalStack {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly paths: LocalPaths;
  /** A token the local API accepts. */
  token(claims: LocalClaims, options?: SignOptions): Promise<string>;
  /** Runs one sweep now, as its schedule would (plus `now`, `dryRun`, `maxAffected`); its summary. */
  runSweep(sweep: SweepKind, event?: SweepEvent): Promise<unknown>;
  /** Stops everything it started (DynamoDB Local's JVM included) and removes stack.json. */
  stop(): Promise<void>;
}

/** What `.local/stack.json` holds while a stack runs (SPEC §6). */
interface StackFile {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /**
   * The configuration variables the stack gives its handlers (shared/config.ts), without the mail
   * platform's: `npm run sweep` runs with these, not with its caller's shell. Absent in an older file.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** Variables that would send a local run to real AWS resources: never passed to the local handlers. */
const CLOUD_ONLY = [
  'ALERT_TOPIC_ARN',
  'EVENT_BUS_NAME',
  'RETRY_QUEUE_URL',
  'MAIL_PLATFORM_SECRET_ARN',
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
];

/**
 * Configuration kept out of stack.json: the platform's signing secret, and the adapter settings that need
 * it (only the stack's own worker calls the platform; a sweep never does).
 */
const NOT_IN_STACK_FILE: readonly ConfigVariable[] = [
  'MAIL_PLATFORM',
  'MAIL_PLATFORM_URL',
  'MAIL_PLATFORM_SECRET',
  'MAIL_PLATFORM_SECRET_ARN',
];

/** Imports an entry under functions/ by its path from the repository root (after process.env is set). */
const importEntry = (entry: string): Promise<{ handler?: unknown }> =>
  import(/* @vite-ignore */ resolve(REPO_ROOT, entry)) as Promise<{ handler?: unknown }>;

/**
 * The environment the local handlers run with: the caller's, minus anything pointing at real AWS, plus the
 * table, the emulator, dummy credentials, clock override and the local alert and event files.
 * MAIL_PLATFORM_URL, MAIL_PLATFORM_SECRET and ALERT_WEBHOOK_URL pass through.
 */
function handlerEnv(base: Env, tableName: string, dynamodbEndpoint: string, paths: LocalPaths): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base))
    if (value !== undefined && !CLOUD_ONLY.includes(name)) env[name] = value;
  return {
    ...env,
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    AWS_REGION: base.AWS_REGION || 'eu-west-2',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    CLOCK_OVERRIDE: 'true',
    ALERT_FILE: paths.alertsFile,
    EVENT_FILE: paths.eventsFile,
    RETRY_FILE: paths.retriesFile,
    POWERTOOLS_SERVICE_NAME: base.POWERTOOLS_SERVICE_NAME || SERVICE_NAME,
    // No CloudWatch here: keep the metrics' EMF lines off the console unless asked for.
    POWERTOOLS_METRICS_DISABLED: base.POWERTOOLS_METRICS_DISABLED || 'true',
  };
}

/** Puts `env` into process.env, which the handlers' configuration reads, and drops the cloud-only variables. */
function applyEnv(env: Record<string, string>): void {
  for (const name of CLOUD_ONLY) delete process.env[name];
  Object.assign(process.env, env);
}

/** The configuration part of the handlers' environment that stack.json records. */
function stackFileEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => isConfigVariable(name) && !NOT_IN_STACK_FILE.includes(name)),
  );
}

/**
 * Gives this process the running stack's configuration (from its stack.json) in place of whatever
 * configuration the caller's shell has, for `npm run sweep`; other variables (PATH, POWERTOOLS_…) stay.
 *
 * @example
 * const stack = await readStackFile(paths);
 * if (stack !== null) applyStackEnv(stack, paths);
 */
function applyStackEnv(stack: StackFile, paths: LocalPaths): void {
  const others = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isConfigVariable(name)));
  const env = handlerEnv({ ...others, ...stack.env }, stack.tableName, stack.dynamodbEndpoint, paths);
  for (const name of CONFIG_VARIABLES) delete process.env[name];
  applyEnv(env);
}

async function streamArn(config: Config): Promise<string> {
  const { Table } = await dynamoDbClient(config).send(new DescribeTableCommand({ TableName: config.tableName }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${config.tableName} has no stream`);
  return Table.LatestStreamArn;
}

/**
 * Runs one sweep once through the scheduled functions' own runner (the Lambda entry calls the same one),
 * looping over continuations in process; its summary.
 */
async function runLocalSweep(sweep: SweepKind, event: SweepEvent = {}): Promise<unknown> {
  const { runScheduled } = await import('../../shared/sweeps/scheduled');
  return runScheduled(sweep, event);
}

/** Reads `.local/stack.json`; null when no stack has written one. */
async function readStackFile(paths: LocalPaths): Promise<StackFile | null> {
  try {
    return JSON.parse(await readFile(paths.stackFile, 'utf8')) as StackFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The lock file's content: which process runs the stack on this directory. */
interface LockFile {
  readonly pid: number;
  readonly startedAt: string;
}

class StackRunningError extends Error {
  override readonly name = 'StackRunningError';
}

/** Whether process `pid` is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this the one stack running on `paths.dir`: creates the lock file exclusively; a lock left by a
 * process that is gone (a crash) is taken over; a live one refuses with StackRunningError naming it.
 * Resolves to the cleanup that releases it.
 */
async function takeLock(paths: LocalPaths): Promise<() => Promise<void>> {
  const mine: LockFile = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(paths.lockFile, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        const held = await readFile(paths.lockFile, 'utf8').catch(() => '');
        if (held.includes(`"pid":${process.pid},`) && held.includes(mine.startedAt))
          await rm(paths.lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let other: LockFile | null = null;
    try {
      other = JSON.parse(await readFile(paths.lockFile, 'utf8')) as LockFile;
    } catch {
      // Half written by a start that is still going, or unreadable: treat as held only if it stays so.
    }
    if (other !== null && Number.isInteger(other.pid) && alive(other.pid)) {
      const running = await readStackFile(paths).catch(() => null);
      throw new StackRunningError(
        `another local stack is already running on ${paths.dir} (pid ${other.pid}, started ${other.startedAt}` +
          `${running ? `, API ${running.apiUrl}` : ''}): stop it first (Ctrl-C in its terminal, or kill ${other.pid}), ` +
          'or give this one its own directory: LOCAL_DIR=/tmp/other npm start',
      );
    }
    // Left by a stack that is gone: take it over.
    await rm(paths.lockFile, { force: true });
  }
  throw new StackRunningError(`could not take the lock ${paths.lockFile}`);
}

/**
 * An in-memory start begins with fresh events.jsonl and alerts.jsonl (the previous ones kept beside, with
 * a time suffix), no stream positions and no retries owed: the data they spoke of is gone.
 */
async function startFresh(paths: LocalPaths): Promise<void> {
  const suffix = new Date().toISOString().replace(/[:.]/g, '-');
  for (const file of [paths.eventsFile, paths.alertsFile]) {
    await rename(file, file.replace(/\.jsonl$/, `.${suffix}.jsonl`)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  await rm(paths.retriesFile, { force: true });
  for (const name of Object.keys(STREAM_CONSUMERS)) await rm(paths.streamPositionsFile(name), { force: true });
}

/** Arms the worker retries the retries file holds (the worker's own scheduler, shared in this process). */
async function armOwedRetries(config: Config, log: Log): Promise<void> {
  const owed = await readFile(config.worker.retryFile ?? '', 'utf8')
    .then((text) => (JSON.parse(text) as { retries?: unknown[] }).retries?.length ?? 0)
    .catch(() => 0);
  if (owed === 0) return;
  createWorkerDeps(config);
  log(`[stack] re-armed ${owed} worker retr${owed === 1 ? 'y' : 'ies'} owed by the previous run`);
}

/** Stops the local worker retries (those owed stay in the retries file). */
async function releaseRetries(config: Config): Promise<void> {
  await releaseLocalRetries(config.worker.retryFile);
}

/** How long stopping goes on handing stream records to the consumers (SPEC §6: at most 5 s). */
const DRAIN_MS = 5_000;
const WORKER_DRAIN_MS = 3_000;

/** setTimeout's longest delay; a later run is re-armed when this much has passed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs each schedule at the times its EventBridge expression gives (UTC), as the cloud's rule would; a run
 * still going when the next is due is not started twice.
 *
 * @example
 * const stop = startSchedules(runLocalSweep, log);
 * await stop();
 */
function startSchedules(
  runSweep: SweepRunner,
  log: Log,
  schedules: readonly Schedule[] = SCHEDULES,
): () => Promise<void> {
  const running = new Map<SweepKind, Promise<void>>();
  const timers = new Map<SweepKind, NodeJS.Timeout>();
  let stopped = false;
  const run = (schedule: Schedule): void => {
    if (running.has(schedule.sweep)) return;
    const started = runSweep(schedule.sweep, {})
      .then((summary) => log(`[schedule] ${schedule.sweep}: ${JSON.stringify(summary)}`))
      .catch((error: unknown) => log(`[schedule] ${schedule.sweep} failed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => running.delete(schedule.sweep));
    running.set(schedule.sweep, started);
  };
  const arm = (schedule: Schedule, at: Date | null): void => {
    if (stopped || at === null) return;
    const delay = at.getTime() - Date.now();
    const timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) return arm(schedule, at);
        run(schedule);
        arm(schedule, nextRun(schedule.expression, at));
      },
      Math.min(Math.max(0, delay), MAX_TIMER_MS),
    );
    timer.unref();
    timers.set(schedule.sweep, timer);
  };
  const now = new Date();
  for (const schedule of schedules) arm(schedule, nextRun(schedule.expression, now));
  return async () => {
    stopped = true;
    for (const timer of timers.values()) clearTimeout(timer);
    await Promise.all(running.values());
  };
}

/**
 * Starts the local stack.
 *
 * @example
 * const stack = await startLocalStack({ port: 0, localDir: tmp });
 * const token = await stack.token({ sub: 'alice', scope: 'accounts:write', domains: 'example.org' });
 * await fetch(`${stack.apiUrl}/accounts?domain=example.org`, { headers: { authorization: `Bearer ${token}` } });
 * await stack.stop();
 */
async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const base = options.env ?? process.env;
  const log: Log = options.log ?? ((message) => console.log(message));
  const paths = localPaths(base, options.localDir);
  const tableName = options.tableName ?? (base.TABLE_NAME || DEFAULT_TABLE_NAME);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.splice(0).reverse()) {
      await step().catch((error: unknown) => log(`[stack] while stopping: ${String(error)}`));
    }
  };

  try {
    // A bad configuration (a webhook platform without its secret, …) fails here, before anything starts.
    loadConfig(handlerEnv(base, tableName, options.dynamodbEndpoint ?? '', paths));
    await privateDir(paths.dir);
    cleanups.push(await takeLock(paths));
    if (!options.persist) await startFresh(paths);
    const key = await ensureSigningKey(paths.signingKey);

    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (dynamodbEndpoint === undefined) {
      const local: DynamoDbLocal = await startDynamoDbLocal({
        ...(options.dynamodbPort === undefined ? {} : { port: options.dynamodbPort }),
        ...(options.persist ? { persistDir: paths.dynamodbDir } : {}),
      });
      cleanups.push(() => local.stop());
      dynamodbEndpoint = local.endpoint;
    }

    const env = { ...handlerEnv(base, tableName, dynamodbEndpoint, paths), ...(await selfAuthenticationEnv(key)) };
    applyEnv(env);
    const config = loadConfig(process.env);
    if (await ensureTable(dynamoDbClient(config), tableName)) log(`[stack] created table ${tableName}`);

    const streams = new DynamoDBStreamsClient({
      endpoint: dynamodbEndpoint,
      region: config.region,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanups.push(async () => streams.destroy());
    const arn = await streamArn(config);
    // Loaded now, not on first use: a Ctrl-C reaches tsx's compiler too, and the drain must still run them.
    const consumerModules = Object.fromEntries(
      await Promise.all(
        (Object.keys(STREAM_CONSUMERS) as StreamConsumer[]).map(
          async (name) => [name, await importEntry(STREAM_CONSUMER_ENTRIES[name])] as const,
        ),
      ),
    ) as Record<StreamConsumer, { handler?: unknown }>;
    // One poller per consumer, as the cloud has one event-source mapping per function: a slow mail platform
    // holds up the worker's poller only, never the events'.
    const pollers: StreamPoller[] = await Promise.all(
      // The worker's first: it is stopped first.
      (['worker', 'events'] as const satisfies readonly StreamConsumer[]).map((name) =>
        startStreamPoller({
          client: streams,
          streamArn: arn,
          consumers: [
            {
              name,
              patterns: STREAM_CONSUMERS[name],
              handler: lazyHandler<DynamoDBStreamEvent, DynamoDBBatchResponse | undefined>(
                async () => consumerModules[name],
              ),
            },
          ],
          region: config.region,
          ...(options.pollIntervalMs === undefined ? {} : { intervalMs: options.pollIntervalMs }),
          // In memory the stream starts empty. Persisted, each shard resumes after the last record the consumer
          // was handed (saved as it goes), and a shard it did not know from its start.
          ...(options.persist
            ? { startingPosition: 'TRIM_HORIZON', positionsFile: paths.streamPositionsFile(name) }
            : { startingPosition: 'LATEST' }),
          // The worker's share of the drain, then the event publisher's: DRAIN_MS in all.
          drainMs: name === 'worker' ? WORKER_DRAIN_MS : DRAIN_MS - WORKER_DRAIN_MS,
          log,
        }),
      ),
    );
    // Stopping hands the consumers what is already written: the worker first (what it completes is written
    // too), then the event publisher, which reads on meanwhile; together at most DRAIN_MS. Then the retries.
    cleanups.push(() => releaseRetries(config));
    cleanups.push(async () => {
      for (const poller of pollers) await poller.stop();
    });
    // The worker retries a previous run still owed (RETRY_FILE): armed now, at once if overdue.
    if (options.persist) await armOwedRetries(config, log);

    const handlers = Object.fromEntries(
      HTTP_FUNCTIONS.map((fn) => [fn, lazyHandler(() => importEntry(HTTP_FUNCTION_ENTRIES[fn]))]),
    ) as Record<HttpFunction, HttpHandler>;
    const api: LocalApi = await startLocalApi({
      port: options.port ?? Number(base.PORT || 3000),
      ...(options.host === undefined ? {} : { host: options.host }),
      handlers,
      verifier: createVerifier(key),
      site: consoleSite({ sign: (claims) => signToken(key, claims) }),
      log,
    });
    cleanups.push(() => api.stop());

    if (options.schedules ?? true) cleanups.push(startSchedules(runLocalSweep, log));

    const stackFile: StackFile = { apiUrl: api.url, dynamodbEndpoint, tableName, env: stackFileEnv(env) };
    if (options.writeStackFile ?? true) {
      // Atomically: a reader never sees half a file.
      await writeFileAtomic(paths.stackFile, `${JSON.stringify(stackFile, null, 2)}\n`, { mode: 0o600 });
      cleanups.push(async () => {
        // Only our own: another stack may have started on the same directory since.
        if ((await readStackFile(paths))?.apiUrl === api.url) await rm(paths.stackFile, { force: true });
      });
    }

    let stopping: Promise<void> | undefined;
    return {
      ...stackFile,
      paths,
      token: (claims, signOptions) => signToken(key, claims, signOptions),
      runSweep: runLocalSweep,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export {
  startLocalStack,
  startSchedules,
  StackRunningError,
  readStackFile,
  handlerEnv,
  applyEnv,
  applyStackEnv,
  runLocalSweep,
};
export type { LocalStack, LocalStackOptions, StackFile, SweepRunner };
