/**
 * SPEC §6: the worker and the event publisher consume the stream independently, as their two event-source
 * mappings do in the cloud: a mail platform taking 2 s a call holds up the worker, never the events of
 * unrelated changes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startLocalStack } from '../../../infra/local/stack';
import type { LocalStack } from '../../../infra/local/stack';
import { startPlatformStub } from '../../helpers/platform-stub';
import type { PlatformStub } from '../../helpers/platform-stub';
import { eventually } from '../../helpers/eventually';

const PLATFORM_CALL_MS = 2_000;

describe('stream consumers', () => {
  let dir: string;
  let platform: PlatformStub;
  let stack: LocalStack;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-consumers-'));
    platform = await startPlatformStub();
    platform.beforeAnswer(() => new Promise((resolve) => setTimeout(resolve, PLATFORM_CALL_MS)));
    stack = await startLocalStack({
      port: 0,
      localDir: dir,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableName: `consumers-${randomUUID()}`,
      schedules: false,
      pollIntervalMs: 50,
      log: () => {},
      env: { ...process.env, MAIL_PLATFORM_URL: platform.url, MAIL_PLATFORM_SECRET: platform.secret },
    });
    token = await stack.token({ sub: 'alice', scope: 'accounts:write', domains: 'example.org' });
  });

  afterAll(async () => {
    platform.beforeAnswer(null);
    await stack.stop();
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  });

  const create = (email: string, activate: boolean) =>
    fetch(`${stack.apiUrl}/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, activate }),
    }).then(async (response) => ({ status: response.status, json: (await response.json()) as { accountId: string } }));

  it('publish the event of an unrelated change while the worker waits on a slow platform', async () => {
    // Prepare: five provisionings keep the worker busy for about 10 s.
    const busy = await Promise.all(Array.from({ length: 5 }, (_, i) => create(`slow-${i}@example.org`, true)));
    expect(busy.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    await eventually(async () => (platform.requests.length > 0 ? true : undefined));

    // Act
    const startedAt = Date.now();
    const unrelated = await create('unrelated@example.org', false);
    await eventually(async () => {
      const events = await readFile(join(dir, 'events.jsonl'), 'utf8').catch(() => '');
      return events.includes(`"accountId":"${unrelated.json.accountId}"`) ? true : undefined;
    });
    const latencyMs = Date.now() - startedAt;
    const stillInProgress = await Promise.all(
      busy.map(async ({ json }) => {
        const response = await fetch(`${stack.apiUrl}/accounts/${json.accountId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await response.json()) as { inProgress: unknown }).inProgress !== null;
      }),
    );

    // Assess: the event came before the platform had answered the worker's calls.
    expect(unrelated.status).toBe(201);
    expect(latencyMs).toBeLessThan(PLATFORM_CALL_MS);
    expect(stillInProgress).toContain(true);
  });
});
