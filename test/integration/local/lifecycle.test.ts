/**
 * `npm start` run as a person runs it (SPEC §6): a real `npm start` in a process group of its own, as a
 * terminal's foreground job, with its own DynamoDB Local. Ctrl-C (SIGINT to the whole group) hands the
 * event publisher the last writes and leaves no process; SIGTERM to npm alone stops everything; a second
 * start on the same directory refuses; `.local/` is private; worker retries survive a clean stop and a
 * `kill -9`; after a `kill -9` the stream replays only the last moments; the logs are readable lines.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureSigningKey, signToken } from '../../../infra/local/jwt';
import { REPO_ROOT } from '../../../infra/local/paths';
import type { StackFile } from '../../../infra/local/stack';
import { startPlatformStub } from '../../helpers/platform-stub';
import type { PlatformStub } from '../../helpers/platform-stub';
import { listeningAddresses } from '../../helpers/sockets';
import { eventually } from '../../helpers/eventually';
import { processesWith } from '../../helpers/processes';

interface Launched {
  readonly child: ChildProcess;
  /** The process group: npm's pid (it leads the group it was started in). */
  readonly pgid: number;
  readonly exited: Promise<number | null>;
  output(): string;
}

interface Running extends Launched {
  readonly stack: StackFile;
  readonly token: string;
}

interface Account {
  readonly accountId: string;
  readonly email: string;
  readonly status: string;
  readonly inProgress: { attempts: number; lastError: string | null } | null;
}

interface ChangeEvent {
  readonly id: string;
  readonly detail: { accountId: string; from: string | null; to: string };
}

const CLAIMS = { sub: 'alice', scope: 'accounts:admin login:report access:check', domains: '*' };
const launchedHere: Launched[] = [];

/** `npm start -- --port 0 …` on `dir`, in a new process group (as a terminal starts a foreground job). */
function launch(dir: string, args: readonly string[] = [], env: Record<string, string> = {}): Launched {
  const child = spawn('npm', ['start', '--', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOCAL_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const launched = { child, pgid: child.pid as number, exited, output: () => output };
  launchedHere.push(launched);
  return launched;
}

/** Starts the stack and waits for its banner; its stack.json and a token for it. */
async function startStack(dir: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const launched = launch(dir, args, env);
  await eventually(() => {
    if (launched.child.exitCode !== null) throw new Error(`npm start exited early:\n${launched.output()}`);
    return launched.output().includes('Stop with Ctrl-C.') ? true : undefined;
  });
  const stack = JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8')) as StackFile;
  const token = await signToken(await ensureSigningKey(join(dir, 'signing-key.json')), CLAIMS);
  return { ...launched, stack, token } satisfies Running;
}

/** Whether any process of group `pgid` is left. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until nothing of a stack is left: its process group, and its DynamoDB Local (own group). */
async function allGone(running: Running): Promise<void> {
  const port = Number(new URL(running.stack.dynamodbEndpoint).port);
  await eventually(() =>
    !groupAlive(running.pgid) && listeningAddresses(port).length === 0 && processesWith(`-port ${port}`).length === 0
      ? true
      : undefined,
  );
}

async function call(running: Running, method: string, path: string, body?: unknown) {
  const response = await fetch(`${running.stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json().catch(() => null)) as unknown };
}

/** Creates `count` accounts at once; their ids (every answer must be 201 or 202). */
async function createAccounts(running: Running, prefix: string, count: number, activate: boolean): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      call(running, 'POST', '/accounts', { email: `${prefix}-${i}@example.org`, activate }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(count).fill(activate ? 202 : 201));
  return results.map((r) => (r.json as Account).accountId);
}

const readEvents = async (dir: string): Promise<ChangeEvent[]> =>
  (await readFile(join(dir, 'events.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ChangeEvent);

const modeOf = (path: string): number => statSync(path).mode & 0o777;

afterEach(() => {
  for (const launched of launchedHere.splice(0)) {
    if (groupAlive(launched.pgid)) process.kill(-launched.pgid, 'SIGKILL');
  }
});

describe('npm start, stopped from its terminal', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-ctrlc-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Ctrl-C hands the events of the last writes over and leaves nothing; a second start refuses; .local is private', async () => {
    // Prepare: a previous run's events (world-readable, as an older version left them).
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'events.jsonl'), '{"previous":"run"}\n', { mode: 0o644 });
    const running = await startStack(dir);

    const second = launch(dir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('another local stack is already running');
    expect(second.output()).toContain(running.stack.apiUrl);
    expect(JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8'))).toEqual(running.stack);

    expect(modeOf(dir)).toBe(0o700);
    const files = readdirSync(dir);
    expect(files.filter((file) => modeOf(join(dir, file)) !== 0o600)).toEqual([]);
    const previous = files.filter((file) => /^events\..+\.jsonl$/.test(file));
    expect(previous).toHaveLength(1);
    expect(await readFile(join(dir, previous[0] as string), 'utf8')).toBe('{"previous":"run"}\n');

    // Act: 40 writes at once, and Ctrl-C as soon as they are acknowledged.
    const accountIds = [
      ...(await createAccounts(running, 'ctrlc-a', 20, true)),
      ...(await createAccounts(running, 'ctrlc-b', 20, false)),
    ];
    process.kill(-running.pgid, 'SIGINT');

    // Assess
    await running.exited;
    await allGone(running);
    expect(running.output()).toMatch(/SIGINT: stopping the local stack…[\s\S]*stopped\.\n/);
    const created = new Set(
      (await readEvents(dir)).filter((e) => e.detail.from === null).map((e) => e.detail.accountId),
    );
    expect(accountIds.filter((id) => !created.has(id))).toEqual([]);
    expect((await readEvents(dir)).some((e) => (e as unknown as { previous?: string }).previous)).toBe(false);
    expect(existsSync(join(dir, 'stack.json'))).toBe(false);
    expect(existsSync(join(dir, 'stack.lock'))).toBe(false);
    expect(modeOf(join(dir, 'events.jsonl'))).toBe(0o600);
  }, 120_000);

  it('SIGTERM to the npm process alone stops every process it started', async () => {
    // Prepare
    const running = await startStack(dir);

    // Act
    process.kill(running.pgid, 'SIGTERM');

    // Assess
    await allGone(running);
    expect(existsSync(join(dir, 'stack.json'))).toBe(false);
  });
});

describe('npm start --persist with a failing webhook platform', () => {
  let dir: string;
  let platform: PlatformStub;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-persist-'));
    platform = await startPlatformStub();
  });

  afterAll(async () => {
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('re-arms owed retries after a clean stop and after kill -9, and replays only the last moments of the stream', async () => {
    // Prepare: every attempt fails, and the platform's error body echoes addresses.
    platform.failNext(1_000_000, 503, (request) => `no mailbox for ${request?.email} (nor for ops@example.net)`);
    const env = {
      MAIL_PLATFORM_URL: platform.url,
      MAIL_PLATFORM_SECRET: platform.secret,
      WORKER_FIRST_DELAY_SECONDS: '3',
      WORKER_MAX_ATTEMPTS: '20',
    };
    const first = await startStack(dir, ['--persist'], env);
    expect(first.output()).toMatch(/Platform +webhook → http:\/\/127\.0\.0\.1:\d+\/operations/);
    const ids = await createAccounts(first, 'retry', 30, true);
    const attempts = async (running: Running, atLeast: number): Promise<Account[] | undefined> => {
      const accounts = await Promise.all(ids.map(async (id) => (await call(running, 'GET', `/accounts/${id}`)).json));
      const all = accounts as Account[];
      return all.every((a) => (a.inProgress?.attempts ?? 0) >= atLeast) ? all : undefined;
    };
    const failed = await eventually(() => attempts(first, 1));

    // Act 1: a normal stop (kill -- -PGID), then a restart with --persist, the platform still failing.
    process.kill(-first.pgid, 'SIGTERM');
    await first.exited;
    await allGone(first);
    const second = await startStack(dir, ['--persist'], env);

    // Assess 1: the retries owed were re-armed: every account is attempted again, without an operator.
    await eventually(() => attempts(second, 2), 60_000);

    // Act 2: writes the events consumer has long handed over, a last burst, then kill -9 of the whole group.
    const settled = await createAccounts(second, 'settled', 20, false);
    await eventually(async () => {
      const seen = new Set((await readEvents(dir)).map((e) => e.detail.accountId));
      return settled.every((id) => seen.has(id)) ? true : undefined;
    });
    // The events consumer saves its position as it goes: once it has, a crash does not replay these.
    await eventually(async () => {
      const saved = await stat(join(dir, 'stream-positions.events.json')).catch(() => null);
      return saved !== null && saved.mtimeMs >= (await stat(join(dir, 'events.jsonl'))).mtimeMs ? true : undefined;
    }, 10_000);
    const burst = await createAccounts(second, 'burst', 5, false);
    process.kill(-second.pgid, 'SIGKILL');
    await allGone(second);
    const linesBefore = (await readEvents(dir)).length;

    platform.recover();
    const startedAt = Date.now();
    const third = await startStack(dir, ['--persist'], env);

    // Assess 2: every account completes within the retry delay (3 s × 2^(attempts − 1)), no operator.
    const done = await eventually(async () => {
      const accounts = await Promise.all(ids.map(async (id) => (await call(third, 'GET', `/accounts/${id}`)).json));
      return (accounts as Account[]).every((a) => a.status === 'active' && a.inProgress === null) ? true : undefined;
    }, 60_000);
    const completedInMs = Date.now() - startedAt;
    expect(done).toBe(true);

    // …and the stream replays at most the last burst (each event once more at most).
    await eventually(async () => {
      const seen = new Set((await readEvents(dir)).map((e) => e.detail.accountId));
      return burst.every((id) => seen.has(id)) ? true : undefined;
    });
    const after = await readEvents(dir);
    const duplicates = after.length - new Set(after.map((e) => e.id)).size;
    console.log(
      `[replay bound] after kill -9: ${duplicates} of ${after.length - linesBefore} events published after the ` +
        `restart were published before; the 30 owed retries completed ${completedInMs} ms after the restart began`,
    );
    expect(duplicates).toBeLessThanOrEqual(burst.length);

    // Personal data: the platform's body is kept and logged only with its addresses masked.
    expect(failed.every((a) => a.inProgress?.lastError?.includes('no mailbox for [address]'))).toBe(true);
    const logs = first.output() + second.output() + third.output();
    expect(logs).not.toMatch(/retry-\d+@example\.org|ops@example\.net/);

    // Readable logs: the worker's lines are one short line each, not JSON.
    expect(logs).toMatch(/^\d\d:\d\d:\d\d WARN +\[worker\] attempt failed; retry scheduled accountId=/m);
    expect(logs.split('\n').filter((line) => line.startsWith('{"level"'))).toEqual([]);

    // A persisted database is private too.
    const dbFiles = readdirSync(join(dir, 'dynamodb'));
    expect(dbFiles.length).toBeGreaterThan(0);
    expect(dbFiles.filter((file) => modeOf(join(dir, 'dynamodb', file)) !== 0o600)).toEqual([]);

    process.kill(-third.pgid, 'SIGINT');
    await allGone(third);
    expect(third.output()).toContain('stopped.');
  }, 240_000);
});
