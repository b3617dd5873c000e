/**
 * The world the console's end-to-end tests drive: the real local stack (DynamoDB Local, the HTTP API with
 * the console at `/`, the stream poller and worker) on free ports, a mail platform that fails for the
 * addresses starting with "flaky" (so an operation stays in progress with attempts and a last error), and
 * the accounts the tests need, created through the API as an administrator would.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from '../../console/scripts/build';
import { startLocalStack } from '../../infra/local/stack';
import type { LocalStack } from '../../infra/local/stack';

const DOMAIN = 'e2e.example';
const OTHER_DOMAIN = 'other.example';
/** Enough pending accounts to need a second page of 50. */
const FILLERS = 52;

interface Account {
  readonly accountId: string;
  readonly email: string;
  readonly status: string;
  readonly version: number;
  readonly inProgress: unknown;
  readonly [field: string]: unknown;
}

interface World {
  readonly stack: LocalStack;
  readonly url: string;
  /** Calls the API as the seeding administrator. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  account(email: string): Promise<Account>;
  /** Waits (bounded) until the account has no operation in progress. */
  settled(email: string): Promise<Account>;
  readonly ids: Map<string, string>;
  readonly stuckEmail: string;
  stop(): Promise<void>;
}

/** The mail platform: 503 for addresses starting with "flaky" and for disabling those starting with "stuck", 200 for the others. */
async function flakyPlatform(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { email?: string; operation?: string };
      const email = body.email ?? '';
      const failing = email.startsWith('flaky') || (email.startsWith('stuck') && body.operation === 'disable');
      response.statusCode = failing ? 503 : 200;
      response.end(failing ? 'mailbox store unavailable' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/operations`, server };
}

async function poll<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Builds the console if needed, starts the stack and seeds it.
 *
 * @example
 * const world = await startWorld();
 */
async function startWorld(): Promise<World> {
  await ensureConsoleBuilt({ quiet: true });
  const localDir = await mkdtemp(join(tmpdir(), 'console-e2e-'));
  const platform = await flakyPlatform();
  const stack = await startLocalStack({
    port: 0,
    localDir,
    schedules: false,
    writeStackFile: false,
    pollIntervalMs: 100,
    env: {
      ...process.env,
      MAIL_PLATFORM_URL: platform.url,
      MAIL_PLATFORM_SECRET: 'console-e2e-secret',
      // A failed attempt waits for an operator's retry within the test's time.
      WORKER_FIRST_DELAY_SECONDS: '3600',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
    log: () => undefined,
  });
  const token = await stack.token({ sub: 'seeder', scope: 'accounts:admin', domains: '*' });
  const ids = new Map<string, string>();
  const api: World['api'] = (method, path, body, headers = {}) =>
    fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const account = async (email: string): Promise<Account> => {
    const response = await api('GET', `/accounts/${ids.get(email)}`);
    if (!response.ok) throw new Error(`GET ${email}: ${response.status}`);
    return (await response.json()) as Account;
  };
  const settled = (email: string) =>
    poll(async () => {
      const a = await account(email);
      return a.inProgress === null ? a : undefined;
    }, `${email} to settle`);
  const create = async (email: string, displayName: string, activate = true): Promise<void> => {
    const response = await api('POST', '/accounts', { email, displayName, activate });
    if (!response.ok) throw new Error(`create ${email}: ${response.status} ${await response.text()}`);
    ids.set(email, ((await response.json()) as Account).accountId);
  };

  const people: [string, string][] = [
    ['ann', 'Ann Archer'],
    ['ben', 'Ben Baker'],
    ['carl', 'Carl Cooper'],
    ['dora', 'Dora Dean'],
    ['eve', 'Eve Evans'],
    ['fay', 'Fay Fisher'],
    ['gus', 'Gus Grant'],
  ];
  await Promise.all(people.map(([name, display]) => create(`${name}@${DOMAIN}`, display)));
  await create(`olga@${OTHER_DOMAIN}`, 'Olga Other');
  for (let i = 0; i < FILLERS; i += 13) {
    await Promise.all(
      Array.from({ length: Math.min(13, FILLERS - i) }, (_, j) =>
        create(`zz-filler-${String(i + j).padStart(2, '0')}@${DOMAIN}`, `Filler ${i + j}`, false),
      ),
    );
  }
  await Promise.all(people.map(([name]) => settled(`${name}@${DOMAIN}`)));

  // The stuck account: its disabling never completes (the platform refuses it, and the next attempt is an hour
  // away); the stuck detector, run as if 30 hours had passed, pages on-call about it. That happens before the
  // flaky account's operation starts, so this is the only account in progress at the detector's run.
  const stuckEmail = `stuck@${DOMAIN}`;
  await create(stuckEmail, 'Stella Sterling');
  const resting = await settled(stuckEmail);
  const disabling = await api(
    'PUT',
    `/accounts/${resting.accountId}/status`,
    { status: 'disabled', reason: 'left the project' },
    { 'if-match': `"${resting.version}"` },
  );
  if (disabling.status !== 202) throw new Error(`disable ${stuckEmail}: ${disabling.status}`);
  await poll(
    async () => ((await account(stuckEmail)).inProgress as { attempts: number } | null)?.attempts || undefined,
    'the stuck account to fail once',
  );
  const detected = (await stack.runSweep('stuck', {
    now: new Date(Date.now() + 30 * 3600_000).toISOString(),
  })) as { stuck?: number };
  if (detected.stuck !== 1)
    throw new Error(`the stuck detector found ${JSON.stringify(detected)}, not the one stuck account`);

  await create(`flaky@${DOMAIN}`, 'Flaky Platform');
  await poll(
    async () => ((await account(`flaky@${DOMAIN}`)).inProgress as { attempts: number } | null)?.attempts || undefined,
    'the flaky account to fail once',
  );

  return {
    stack,
    url: `${stack.apiUrl}/`,
    api,
    account,
    settled,
    ids,
    stuckEmail,
    async stop() {
      await stack.stop();
      await new Promise((resolve) => platform.server.close(resolve));
      await rm(localDir, { recursive: true, force: true });
    },
  };
}

export { startWorld, DOMAIN, OTHER_DOMAIN, FILLERS };
export type { World };
