/**
 * The local stream poller against DynamoDB Local's real stream: Lambda-shaped records, the consumers'
 * filter patterns, partial-batch retries and handler failures that never stop it, and a stop that loses
 * nothing: it delivers what is readable, and a saved position resumes the next start after it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStreamPoller } from '../../../infra/local/stream-poller';
import type { StreamHandler, StreamPoller, StreamPollerOptions } from '../../../infra/local/stream-poller';
import { STREAM_CONSUMERS } from '../../../shared/stream/filters';
import { freshTable } from '../../helpers/dynamo';
import type { FreshTable } from '../../helpers/dynamo';

/** Polls `check` until it holds (bounded): the poller works asynchronously. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('stream poller', () => {
  let table: FreshTable;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;
  let poller: StreamPoller | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    table = await freshTable();
    streams = new DynamoDBStreamsClient({
      endpoint: table.config.dynamodbEndpoint,
      region: table.config.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    streamArn = Table?.LatestStreamArn ?? '';
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    logs.length = 0;
  });

  afterAll(() => streams.destroy());

  const put = (item: Record<string, unknown>): Promise<unknown> =>
    table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));

  const start = async (
    handlers: Partial<Record<'worker' | 'events', StreamHandler>>,
    maxRetries = 3,
    extra: Partial<StreamPollerOptions> = {},
  ): Promise<void> => {
    poller = await startStreamPoller({
      client: streams,
      streamArn,
      consumers: Object.entries(handlers).map(([name, handler]) => ({
        name,
        patterns: STREAM_CONSUMERS[name as 'worker' | 'events'],
        handler: handler as StreamHandler,
      })),
      intervalMs: 50,
      maxRetries,
      log: (message) => logs.push(message),
      ...extra,
    });
  };

  /** The history sort keys of `id` among the records of an event. */
  const keysOf = (id: string, event: DynamoDBStreamEvent): string[] =>
    event.Records.filter((r) => r.dynamodb?.Keys?.PK?.S === `ACCOUNT#${id}`).map((r) => r.dynamodb?.Keys?.SK?.S ?? '');

  it('delivers each consumer the records its filter matches, shaped as Lambda delivers them', async () => {
    const worker: DynamoDBRecord[] = [];
    const events: DynamoDBRecord[] = [];
    await start({
      worker: async (event) => void worker.push(...event.Records),
      events: async (event) => void events.push(...event.Records),
    });
    const id = `acc-${Date.now()}`;

    await put({
      PK: `ACCOUNT#${id}`,
      SK: 'ACCOUNT',
      status: 'pending',
      dispatch: 'op1#1',
      blob: new Uint8Array([1, 2, 3]),
    });
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#0001', to: 'pending' });
    await put({ PK: `ACCOUNT#${id}`, SK: 'ACCOUNT', status: 'active' });
    await until(() => worker.length >= 1 && events.length >= 1);

    expect(worker).toHaveLength(1);
    expect(events).toHaveLength(1);
    const record = worker[0] as DynamoDBRecord;
    expect(record.eventName).toBe('INSERT');
    expect(record.eventSource).toBe('aws:dynamodb');
    expect(record.eventSourceARN).toBe(streamArn);
    expect(record.dynamodb?.Keys).toEqual({ PK: { S: `ACCOUNT#${id}` }, SK: { S: 'ACCOUNT' } });
    expect(record.dynamodb?.NewImage?.dispatch).toEqual({ S: 'op1#1' });
    expect(record.dynamodb?.NewImage?.blob).toEqual({ B: Buffer.from([1, 2, 3]).toString('base64') });
    expect(record.dynamodb?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(typeof record.dynamodb?.ApproximateCreationDateTime).toBe('number');
    expect(events[0]?.dynamodb?.Keys?.SK).toEqual({ S: 'HISTORY#0001' });
  });

  it('retries from the lowest failed record after a partial batch failure', async () => {
    const calls: string[][] = [];
    let failed = false;
    await start({
      events: async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
        calls.push(event.Records.map((r) => r.dynamodb?.Keys?.SK?.S ?? ''));
        const second = event.Records.find((r) => r.dynamodb?.Keys?.SK?.S === 'HISTORY#b');
        if (failed || !second) return { batchItemFailures: [] };
        failed = true;
        return { batchItemFailures: [{ itemIdentifier: second.dynamodb?.SequenceNumber ?? '' }] };
      },
    });
    const id = `acc-${Date.now()}`;

    await table.client.send(
      new BatchWriteCommand({
        RequestItems: {
          [table.tableName]: [
            { PutRequest: { Item: { PK: `ACCOUNT#${id}`, SK: 'HISTORY#a' } } },
            { PutRequest: { Item: { PK: `ACCOUNT#${id}`, SK: 'HISTORY#b' } } },
          ],
        },
      }),
    );
    await until(() => calls.flat().filter((sk) => sk === 'HISTORY#b').length >= 2);

    const retried = calls.at(-1) ?? [];
    expect(retried[0]).toBe('HISTORY#b');
    expect(retried).not.toContain('HISTORY#a');
  });

  it('logs a failing handler, gives up after the retries and keeps delivering what follows', async () => {
    const delivered: string[] = [];
    await start(
      {
        events: async (event) => {
          const keys = event.Records.map((r) => r.dynamodb?.Keys?.SK?.S ?? '');
          if (keys.includes('HISTORY#poison')) throw new Error('cannot handle this one');
          delivered.push(...keys);
        },
      },
      1,
    );
    const id = `acc-${Date.now()}`;

    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#poison' });
    await until(() => logs.some((line) => line.includes('gave up')));
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#after' });
    await until(() => delivered.includes('HISTORY#after'));

    expect(logs.filter((line) => line.includes('the handler threw'))).toHaveLength(2);
    expect(delivered).toEqual(['HISTORY#after']);
  });

  it('stops: nothing is delivered after stop() resolves', async () => {
    const delivered: string[] = [];
    await start({
      events: async (event) => void delivered.push(...event.Records.map((r) => r.dynamodb?.Keys?.SK?.S ?? '')),
    });
    const id = `acc-${Date.now()}`;
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#before' });
    await until(() => delivered.includes('HISTORY#before'));

    await poller?.stop();
    poller = undefined;
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#later' });
    // A second poller from LATEST proves the write reached the stream while the stopped one saw nothing.
    const seen: string[] = [];
    await start({
      events: async (event) => void seen.push(...event.Records.map((r) => r.dynamodb?.Keys?.SK?.S ?? '')),
    });
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#again' });
    await until(() => seen.includes('HISTORY#again'));

    expect(delivered).toEqual(['HISTORY#before']);
  });

  it('delivers on stop what is already readable, even while it idles between polls', async () => {
    // Prepare: a poller that idles a minute after an empty read; the empty reads counted to know it idles
    let emptyReads = 0;
    const counting = {
      send: async (command: Parameters<DynamoDBStreamsClient['send']>[0]) => {
        const result = await streams.send(command as never);
        if (command instanceof GetRecordsCommand && ((result as { Records?: unknown[] }).Records ?? []).length === 0)
          emptyReads += 1;
        return result;
      },
    } as unknown as DynamoDBStreamsClient;
    const delivered: string[] = [];
    const id = `acc-${Date.now()}`;
    await start({ events: async (event) => void delivered.push(...keysOf(id, event)) }, 3, {
      client: counting,
      intervalMs: 60_000,
    });
    // Its first read found nothing: the poller now idles for a minute.
    await until(() => emptyReads > 0);

    // Act: records arrive, and the stack stops before the next poll
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#1' });
    await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#2' });
    await poller?.stop();
    poller = undefined;

    // Assess
    expect(delivered).toEqual(['HISTORY#1', 'HISTORY#2']);
  });

  it('saves the last record delivered per shard as it goes and at stop, and the next start resumes right after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mbl-positions-'));
    try {
      // Prepare: a first run delivers a record, then stops; a record is written while nothing runs
      const positionsFile = join(dir, 'stream-positions.json');
      const id = `acc-${Date.now()}`;
      const first: string[] = [];
      await start({ events: async (event) => void first.push(...keysOf(id, event)) }, 3, {
        positionsFile,
        startingPosition: 'TRIM_HORIZON',
      });
      await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#1' });
      await until(() => first.includes('HISTORY#1'));
      const saved = poller?.positions();
      await poller?.stop();
      poller = undefined;
      await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#2' });

      // Act: the next run, from the saved positions
      const second: string[] = [];
      await start({ events: async (event) => void second.push(...keysOf(id, event)) }, 3, {
        positionsFile,
        startingPosition: 'TRIM_HORIZON',
      });
      await put({ PK: `ACCOUNT#${id}`, SK: 'HISTORY#3' });
      await until(() => second.includes('HISTORY#3'));

      // Assess: nothing lost, nothing delivered twice; the positions are on disk before any stop (a crash
      // now would replay nothing)
      const current = (poller as StreamPoller | undefined)?.positions();
      await until(async () => {
        const file = JSON.parse(await readFile(positionsFile, 'utf8')) as { shards: unknown };
        return JSON.stringify(file.shards) === JSON.stringify(current);
      });
      expect(current).not.toEqual(saved);
      expect(Object.keys(saved ?? {}).length).toBeGreaterThan(0);
      expect(first).toEqual(['HISTORY#1']);
      expect(second).toEqual(['HISTORY#2', 'HISTORY#3']);
    } finally {
      await poller?.stop();
      poller = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
