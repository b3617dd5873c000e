import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccount } from '../../../shared/domain/decide';
import type { ChangeEvent } from '../../../shared/events/publisher';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { streamReader, type StreamReader } from './stream-reader';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

const context = (name: string): Context =>
  ({ awsRequestId: `inv-${ulid()}`, functionName: name, getRemainingTimeInMillis: () => 60_000 }) as Context;

describe('the deployed entry points (middy + Powertools), configured from the environment', () => {
  let table: FreshTable;
  let dir: string;
  let stream: StreamReader;
  const saved = { ...process.env };
  let worker: Handler<DynamoDBStreamEvent, DynamoDBBatchResponse>;
  let events: Handler<DynamoDBStreamEvent, DynamoDBBatchResponse>;
  let retry: Handler<SQSEvent, SQSBatchResponse>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'handlers-'));
    table = await freshTable({ EVENT_FILE: join(dir, 'events.jsonl'), ALERT_FILE: join(dir, 'alerts.jsonl') });
    Object.assign(process.env, table.env, { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    stream = await streamReader(table.config);
    worker = (await import('../../../functions/stream/worker')).handler as never;
    events = (await import('../../../functions/stream/events')).handler as never;
    retry = (await import('../../../functions/queue/retry')).handler as never;
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('the worker completes the operation a stream record starts, and the events handler publishes its history', async () => {
    // Prepare
    const caller = { sub: 'alice', scopes: ['accounts:write'], requestId: null };
    const { account, entry } = newAccount(
      { accountId: ulid(), email: `h-${ulid().toLowerCase()}@example.org`, displayName: null, activate: true, caller },
      new Date(),
      table.config.policy,
    );
    await table.store.create(account, entry);

    // Act
    const creation = await stream.next();
    const workerResult = await worker({ Records: creation }, context('worker'));
    const eventsResult = await events({ Records: [...creation, ...(await stream.next())] }, context('events'));

    // Assess
    expect(workerResult).toEqual({ batchItemFailures: [] });
    expect(eventsResult).toEqual({ batchItemFailures: [] });
    expect(await table.store.get(account.accountId)).toMatchObject({ status: 'active', inProgress: null });
    const published = (await readFile(join(dir, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ChangeEvent);
    expect(published.map((e) => e.detail.action).sort()).toEqual(['complete', 'create']);
  });

  it('the retry handler reports a malformed message as a batch item failure', async () => {
    const result = await retry(
      { Records: [{ messageId: 'bad-1', body: '{"nope":true}' }] } as SQSEvent,
      context('retry'),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
  });
});
