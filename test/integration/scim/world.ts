/**
 * The SCIM tests' world: the real local stack in process (its HTTP API on a free port, the stream poller
 * driving the worker and the event publisher) on the run's DynamoDB Local, and a SCIM client sending what
 * an identity provider sends (`application/scim+json`, a long-lived bearer token).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../infra/local/stack';
import { loadConfig } from '../../../shared/config';
import type { Account } from '../../../shared/domain/account';
import { createStore } from '../../../shared/store/dynamo-store';
import type { AccountStore } from '../../../shared/store/port';
import { allHistory } from '../../helpers/dynamo';
import { assertDocumented } from '../../helpers/openapi';
import type { PlatformStub } from '../../helpers/platform-stub';
import { eventually } from '../../helpers/eventually';

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const YEAR_SECONDS = 365 * 86_400;

interface ScimResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever SCIM answers
  readonly json: any;
}

interface ScimWorld {
  readonly stack: LocalStack;
  readonly store: AccountStore;
  /** A connection's token: scim:provision for `domains`, a year long. */
  token(sub: string, domains: string | readonly string[], scope?: string): Promise<string>;
  /** A SCIM request with `token`, as the identity providers send them. */
  scim(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ScimResponse>;
  /** The stored account once `done` holds for it (the worker runs asynchronously). */
  settled(accountId: string, done: (account: Account) => boolean): Promise<Account>;
  /** The account's history, oldest first. */
  history(accountId: string): ReturnType<typeof allHistory>;
  /** The AccountStatusChanged events published for the account so far. */
  events(accountId: string): Promise<{ detail: { accountId: string; actor: string; action: string; id: string } }[]>;
  close(): Promise<void>;
}

/**
 * Starts the local stack for one test file; with `platform`, the worker calls that stand-in mail platform.
 *
 * @example
 * beforeAll(async () => { w = await scimWorld(); });
 * afterAll(() => w.close());
 */
async function scimWorld(options: { platform?: PlatformStub } = {}): Promise<ScimWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'mbl-scim-'));
  const platform = options.platform
    ? { MAIL_PLATFORM_URL: options.platform.url, MAIL_PLATFORM_SECRET: options.platform.secret }
    : {};
  const stack = await startLocalStack({
    port: 0,
    localDir: dir,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: `scim-${randomUUID()}`,
    schedules: false,
    pollIntervalMs: 50,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...platform },
    log: () => undefined,
  });
  const store = createStore(
    loadConfig({
      TABLE_NAME: stack.tableName,
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    }),
  );
  return {
    stack,
    store,
    token: (sub, domains, scope = 'scim:provision') =>
      stack.token({ sub, scope, domains }, { ttlSeconds: YEAR_SECONDS }),
    async scim(method, path, token, body, headers = {}) {
      const response = await fetch(`${stack.apiUrl}/scim/v2${path}`, {
        method,
        headers: {
          accept: 'application/scim+json',
          'user-agent': 'scim-tests',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': SCIM_JSON }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      // Every answer is checked against GET /openapi.json, as the rest of the suite's are.
      await assertDocumented({
        method,
        path: `/scim/v2${path}`,
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: text,
      });
      return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
    },
    settled: (accountId, done) =>
      eventually(async () => {
        const account = await store.get(accountId);
        return account !== null && done(account) ? account : undefined;
      }),
    history: (accountId) => allHistory(store, accountId),
    async events(accountId) {
      const text = await readFile(stack.paths.eventsFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { detail: { accountId: string; actor: string; action: string; id: string } })
        .filter((event) => event.detail.accountId === accountId);
    },
    async close() {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A new address in `domain`. */
const address = (domain = 'example.org'): string => `user-${randomUUID().slice(0, 8)}@${domain}`;

export { address, eventually, scimWorld };
export type { ScimResponse, ScimWorld };
