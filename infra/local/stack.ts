/**
 * The whole service on this machine (SPEC §6), as one reusable piece: DynamoDB Local, the table, the HTTP
 * API serving the real handlers, the stream poller feeding the worker and the event publisher, and the
 * schedules. `npm start` runs it; tests and the bench start the same stack in process on free ports.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { CONFIG_VARIABLES, isConfigVariable, loadConfig } from '../../shared/config';
import type { Config, ConfigVariable } from '../../shared/config';
import { HTTP_FUNCTION_ENTRIES, HTTP_FUNCTIONS } from '../../shared/http/routes';
import type { HttpFunction } from '../../shared/http/routes';
import { SCHEDULES } from '../../shared/schedules';
import type { SweepKind } from '../../shared/schedules';
import type { SweepEvent } from '../../shared/sweeps/event';
import { SERVICE_NAME } from '../../shared/observability';
import { DEFAULT_TABLE_NAME } from '../../shared/store/table';
import { dynamoDbClient, LOCAL_CREDENTIALS } from '../../shared/store/client';
import { STREAM_CONSUMER_ENTRIES, STREAM_CONSUMERS } from '../../shared/stream/filters';
import type { StreamConsumer } from '../../shared/stream/filters';
import { consoleSite } from './console';
import { startDynamoDbLocal } from './dynamodb-local';
import type { DynamoDbLocal } from './dynamodb-local';
import { createVerifier, ensureSigningKey, signToken } from './jwt';
import type { LocalClaims, SignOptions } from './jwt';
import { lazyHandler } from './lambda';
import { selfAuthenticationEnv } from './self-auth';
import { REPO_ROOT, localPaths } from './paths';
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

/** Runs each schedule on a timer; a run still going when the next is due is not started twice. */
function startSchedules(runSweep: SweepRunner, log: Log): () => Promise<void> {
  const running = new Map<SweepKind, Promise<void>>();
  const timers = SCHEDULES.map((schedule) => {
    const timer = setInterval(() => {
      if (running.has(schedule.sweep)) return;
      const run = runSweep(schedule.sweep, {})
        .then((summary) => log(`[schedule] ${schedule.sweep}: ${JSON.stringify(summary)}`))
        .catch((error: unknown) =>
          log(`[schedule] ${schedule.sweep} failed: ${(error as Error).stack ?? String(error)}`),
        )
        .finally(() => running.delete(schedule.sweep));
      running.set(schedule.sweep, run);
    }, schedule.everyMinutes * 60_000);
    timer.unref();
    return timer;
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
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
    await mkdir(paths.dir, { recursive: true });
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

    const consumers = (Object.keys(STREAM_CONSUMERS) as StreamConsumer[]).map((name) => ({
      name,
      patterns: STREAM_CONSUMERS[name],
      handler: lazyHandler<DynamoDBStreamEvent, DynamoDBBatchResponse | undefined>(() =>
        importEntry(STREAM_CONSUMER_ENTRIES[name]),
      ),
    }));
    const streams = new DynamoDBStreamsClient({
      endpoint: dynamodbEndpoint,
      region: config.region,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanups.push(async () => streams.destroy());
    const poller: StreamPoller = await startStreamPoller({
      client: streams,
      streamArn: await streamArn(config),
      consumers,
      region: config.region,
      ...(options.pollIntervalMs === undefined ? {} : { intervalMs: options.pollIntervalMs }),
      // In memory the stream starts empty. Persisted, each shard resumes after the last record the previous
      // run delivered (saved at stop), and a shard it did not know from its start.
      ...(options.persist
        ? { startingPosition: 'TRIM_HORIZON', positionsFile: paths.streamPositionsFile }
        : { startingPosition: 'LATEST' }),
      log,
    });
    cleanups.push(() => poller.stop());

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
      // Written whole or not at all (a reader polling for it never sees half of it).
      const partial = `${paths.stackFile}.${process.pid}.tmp`;
      await writeFile(partial, `${JSON.stringify(stackFile, null, 2)}\n`);
      await rename(partial, paths.stackFile);
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

export { startLocalStack, readStackFile, handlerEnv, applyEnv, applyStackEnv, runLocalSweep };
export type { LocalStack, LocalStackOptions, StackFile, SweepRunner };
