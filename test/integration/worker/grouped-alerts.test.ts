/**
 * SPEC §5: one worker batch whose operations all give up (a platform outage) pages on-call once, grouped,
 * against DynamoDB Local with the real worker, a real webhook adapter and a platform that refuses every call.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../../../functions/stream/worker';
import { GROUP_SAMPLE, GROUP_THRESHOLD } from '../../../shared/alerts/grouped';
import { newAccount } from '../../../shared/domain/decide';
import { SILENT } from '../../../shared/observability';
import { matchesFilter, STREAM_CONSUMERS } from '../../../shared/stream/filters';
import { createWorkerDeps } from '../../../shared/worker/deps';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { streamReader, type StreamReader } from './stream-reader';

describe('a worker batch in a platform outage', () => {
  let dir: string;
  let platform: Server;
  let table: FreshTable;
  let stream: StreamReader;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grouped-'));
    // The platform is down: every call answers 503.
    platform = createServer((_, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    const { port } = platform.address() as { port: number };
    table = await freshTable({
      ALERT_FILE: join(dir, 'alerts.jsonl'),
      MAIL_PLATFORM: 'webhook',
      MAIL_PLATFORM_URL: `http://127.0.0.1:${port}/operations`,
      MAIL_PLATFORM_SECRET: 'grouped-alerts-test-secret',
      WORKER_MAX_ATTEMPTS: '1',
    });
    stream = await streamReader(table.config);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => platform.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('gives up on every operation and pages once, with the count and the first accounts', async () => {
    // Prepare: 25 accounts created at once, each starting a provisioning the platform refuses
    const caller = { sub: 'alice', scopes: ['accounts:write'], requestId: null };
    const ids = await Promise.all(
      Array.from({ length: 25 }, async () => {
        const { account, entry } = newAccount(
          {
            accountId: ulid(),
            email: `g-${ulid().toLowerCase()}@acme-mail.net`,
            displayName: null,
            activate: true,
            caller,
          },
          new Date(),
          table.config.policy,
        );
        await table.store.create(account, entry);
        return account.accountId;
      }),
    );
    const records: DynamoDBRecord[] = [];
    const starts = () => records.filter((r) => matchesFilter(r, STREAM_CONSUMERS.worker)).length;
    while (starts() < ids.length) records.push(...(await stream.next()));
    const worker = createWorkerHandler(createWorkerDeps(table.config, { log: SILENT }));

    // Act: one batch
    const result = await worker({ Records: records });

    // Assess: every operation gave up and stays in progress; one grouped page
    expect(result).toEqual({ batchItemFailures: [] });
    for (const id of ids) expect((await table.store.get(id))?.inProgress).toMatchObject({ attempts: 1 });
    const pages = (await readFile(join(dir, 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ids.length).toBeGreaterThan(GROUP_THRESHOLD);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ type: 'operation_gave_up', grouped: true, count: ids.length });
    const named = (pages[0]?.['accounts'] as { accountId: string }[]).map((a) => a.accountId);
    expect(named).toHaveLength(GROUP_SAMPLE);
    for (const id of named) expect(ids).toContain(id);
  });
});
