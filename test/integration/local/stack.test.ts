/**
 * The local stack in process, on free ports and the run's DynamoDB Local: the real handlers behind the
 * local API, the stream poller driving the worker and the event publisher, stack.json, and the token and
 * sweep commands finding it all through the local directory.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths';
import { startLocalStack } from '../../../infra/local/stack';
import type { LocalStack, StackFile } from '../../../infra/local/stack';
import { isConfigVariable } from '../../../shared/config';
import { eventually } from '../../helpers/eventually';

const run = promisify(execFile);

interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run -s <script> -- <args>` in the repository with LOCAL_DIR (and `env`) set, as a user would. */
async function npmRun(
  script: string,
  args: readonly string[],
  localDir: string,
  env: Record<string, string> = {},
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', script, '--', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, LOCAL_DIR: localDir },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

/** The stack's own configuration, which `npm run sweep` must use whatever its caller's shell says. */
const STACK_CONFIG = { INACTIVITY_DAYS: '1', DUE_SHARDS: '32' };

describe('local stack', () => {
  let dir: string;
  let stack: LocalStack;
  let writer: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-stack-'));
    stack = await startLocalStack({
      port: 0,
      localDir: dir,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableName: `local-${randomUUID()}`,
      schedules: false,
      pollIntervalMs: 50,
      env: { ...process.env, ...STACK_CONFIG },
      log: () => undefined,
    });
    writer = await stack.token({ sub: 'alice', scope: 'accounts:write', domains: 'example.org' });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes stack.json with the API, the DynamoDB endpoint, the table and its handlers' configuration, and a private signing key", async () => {
    const written = JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8')) as StackFile;

    expect(written).toEqual({
      apiUrl: stack.apiUrl,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableName: stack.tableName,
      env: expect.any(Object),
    });
    expect(written.env).toMatchObject({
      ...STACK_CONFIG,
      TABLE_NAME: stack.tableName,
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      CLOCK_OVERRIDE: 'true',
    });
    expect(Object.keys(written.env ?? {}).every(isConfigVariable)).toBe(true);
    expect(stack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await stat(join(dir, 'signing-key.json'))).mode & 0o777).toBe(0o600);
  });

  it('serves the status model and the OpenAPI document without a token', async () => {
    const model = await fetch(`${stack.apiUrl}/status-model`);
    const openapi = await fetch(`${stack.apiUrl}/openapi.json`);

    expect([model.status, openapi.status]).toEqual([200, 200]);
    expect(((await openapi.json()) as { openapi?: string }).openapi).toMatch(/^3\.1/);
  });

  it('refuses an account route without a token, as API Gateway does', async () => {
    const response = await fetch(`${stack.apiUrl}/accounts?domain=example.org`);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  /** Creates an account over the API and waits for the stream poller and the worker to provision it; its id. */
  async function createActive(): Promise<string> {
    const created = await fetch(`${stack.apiUrl}/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `user-${randomUUID()}@example.org`, displayName: 'Local User' }),
    });
    expect(created.status).toBe(202);
    const { accountId } = (await created.json()) as { accountId: string };
    const active = await eventually(async () => {
      const response = await fetch(`${stack.apiUrl}/accounts/${accountId}`, {
        headers: { authorization: `Bearer ${writer}` },
      });
      const account = (await response.json()) as { status: string; inProgress: unknown };
      return account.status === 'active' ? account : undefined;
    });
    expect(active.inProgress).toBeNull();
    return accountId;
  }

  it('provisions a created account to active through the stream poller and the worker, and appends its events', async () => {
    const accountId = await createActive();

    const transitions = await eventually(async () => {
      const text = await readFile(stack.paths.eventsFile, 'utf8').catch(() => '');
      const mine = text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(
          (line) =>
            JSON.parse(line) as {
              source: string;
              'detail-type': string;
              detail: { accountId: string; from: string | null; to: string };
            },
        )
        .filter((event) => event.detail.accountId === accountId);
      return mine.some((event) => event.detail.to === 'active') ? mine : undefined;
    });
    expect(
      transitions.every(
        (event) => event.source === 'mailbox-lifecycle' && event['detail-type'] === 'AccountStatusChanged',
      ),
    ).toBe(true);
    expect(transitions.map((event) => [event.detail.from, event.detail.to])).toContainEqual([null, 'pending']);
  });

  it('accepts a token printed by `npm run token`', async () => {
    const printed = await npmRun(
      'token',
      ['--sub', 'carol', '--scope', 'accounts:read', '--domains', 'example.org,example.net'],
      dir,
    );

    expect(printed.code).toBe(0);
    const token = printed.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const response = await fetch(`${stack.apiUrl}/accounts?domain=example.org`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });

  it('`npm run token` says to start the stack when there is no signing key', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'mbl-empty-'));
    try {
      const printed = await npmRun('token', ['--sub', 'carol', '--scope', 'accounts:read'], empty);

      expect(printed.code).toBe(1);
      expect(printed.stdout).toBe('');
      expect(printed.stderr).toMatch(/npm start/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('`npm run sweep` runs one sweep against the running stack and prints its summary once, last', async () => {
    const result = await npmRun('sweep', ['leaver', '--dry-run', '--now', '2040-01-01T00:00:00Z'], dir);

    expect(result.code).toBe(0);
    expect((result.stdout + result.stderr).match(/"wouldChange"|wouldChange=/g)).toHaveLength(1);
    const summary = JSON.parse(lastLine(result.stdout)) as Record<string, unknown>;
    expect(summary).toMatchObject({ sweep: 'leaver', dryRun: true, changed: 0, now: '2040-01-01T00:00:00.000Z' });
    expect(summary).toHaveProperty('candidates');
  });

  it("`npm run sweep` runs with the stack's configuration, not its caller's shell's", async () => {
    // Prepare: an active account, inactive after the stack's 1 day (the shell says 400 days and 16 shards)
    const accountId = await createActive();
    const now = new Date(Date.now() + 2 * 86_400_000).toISOString();

    // Act
    const result = await npmRun('sweep', ['inactivity', '--now', now], dir, {
      INACTIVITY_DAYS: '400',
      DUE_SHARDS: '16',
    });

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(lastLine(result.stdout))).toMatchObject({ sweep: 'inactivity', dryRun: false, failed: 0 });
    const account = await fetch(`${stack.apiUrl}/accounts/${accountId}`, {
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(await account.json()).toMatchObject({ status: 'inactive' });
  });

  it('`npm run sweep` refuses an unknown sweep and a directory with no running stack', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'mbl-empty-'));
    try {
      const unknown = await npmRun('sweep', ['tidy'], dir);
      const notRunning = await npmRun('sweep', ['lockout'], empty);

      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/unknown sweep "tidy"/);
      expect(notRunning.code).toBe(1);
      expect(notRunning.stderr).toMatch(/not running/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('stop() closes the API and removes stack.json', async () => {
    await stack.stop();

    await expect(fetch(`${stack.apiUrl}/status-model`)).rejects.toThrow();
    await expect(stat(join(dir, 'stack.json'))).rejects.toThrow(/ENOENT/);
  });
});
