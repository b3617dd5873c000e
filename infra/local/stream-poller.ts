/**
 * The local stand-in for Lambda's DynamoDB-stream event-source mappings: polls DynamoDB Local's stream
 * (following shard splits, parents before children), turns records into the DynamoDBStreamEvent records
 * Lambda delivers, applies each consumer's filter patterns (the same STREAM_CONSUMERS the cloud's
 * FilterCriteria use) and invokes the consumer. Partial batch failures are retried from the lowest failed
 * record, a bounded number of times; a handler error is logged and never stops the stack. Stopping first
 * delivers what is already readable (bounded); with a positions file, the last record delivered per shard
 * is saved as it goes (at most every saveEveryMs, atomically) and at stop, and the next start resumes
 * after it: after a crash it replays at most the records of the last saveEveryMs and the batch in hand.
 */
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBStreamsClient, Shard, _Record } from '@aws-sdk/client-dynamodb-streams';
import type {
  AttributeValue as LambdaAttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { matchesFilter } from '../../shared/stream/filters';
import type { FilterPattern } from '../../shared/stream/filters';
import { lambdaContext } from './lambda';
import type { LambdaHandler } from './lambda';

type Log = (message: string) => void;
type StreamHandler = LambdaHandler<DynamoDBStreamEvent, DynamoDBBatchResponse | void | undefined>;

interface StreamConsumerOptions {
  /** `worker`, `events`: names the Lambda function in logs and contexts. */
  readonly name: string;
  readonly patterns: readonly FilterPattern[];
  readonly handler: StreamHandler;
}

interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly consumers: readonly StreamConsumerOptions[];
  readonly region?: string;
  /** Pause between polls when there was nothing to read (default 250 ms). */
  readonly intervalMs?: number;
  /** Records per GetRecords and per invocation, as an event-source mapping's batch size (default 100). */
  readonly batchSize?: number;
  /** Retries of a failed batch before its records are dropped, as the mapping's retry limit (default 3). */
  readonly maxRetries?: number;
  /**
   * Where the shards present at start are read from (default LATEST), unless the positions file names
   * them; shards found later from their start.
   */
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /**
   * A JSON file of the last record delivered per shard of this stream: read at start (those shards resume
   * after it), written at stop. None by default.
   */
  readonly positionsFile?: string;
  /** How long stop() goes on delivering what is already readable (default 5 s). */
  readonly drainMs?: number;
  /** How often the positions file is saved while records are delivered (default 1 s). */
  readonly saveEveryMs?: number;
  readonly log?: Log;
}

interface StreamPoller {
  /**
   * Stops polling: delivers what is already readable (bounded by drainMs), waits for the batch in hand,
   * and saves the positions file.
   */
  stop(): Promise<void>;
  /** The sequence number of the last record delivered, per shard. */
  positions(): Record<string, string>;
}

/** What the positions file holds: the stream it belongs to, and the last sequence number per shard. */
interface PositionsFile {
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, string>>;
}

interface ShardState {
  readonly parentId: string | undefined;
  iteratorType: 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER';
  iterator: string | undefined;
  lastSequence: string | undefined;
  done: boolean;
}

/** An AttributeValue as Lambda's JSON has it (binary as base64). */
function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) ?? {} };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as LambdaAttributeValue;
}

function toLambdaImage(
  image: Record<string, AttributeValue> | undefined,
): Record<string, LambdaAttributeValue> | undefined {
  if (image === undefined) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

/**
 * A DynamoDB Streams record as Lambda hands it to a function.
 *
 * @example
 * toLambdaRecord(record, streamArn, 'eu-west-2').dynamodb?.NewImage?.status // { S: 'active' }
 */
function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  const dynamodb: DynamoDBRecord['dynamodb'] = {
    ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
    ...(data.Keys ? { Keys: toLambdaImage(data.Keys) } : {}),
    ...(data.NewImage ? { NewImage: toLambdaImage(data.NewImage) } : {}),
    ...(data.OldImage ? { OldImage: toLambdaImage(data.OldImage) } : {}),
    ...(data.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
    ...(data.SizeBytes !== undefined ? { SizeBytes: data.SizeBytes } : {}),
    ...(data.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
  };
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
  };
}

/** The records to invoke again after a partial failure: from the lowest failed one (all if unknown). */
function retryFrom(records: readonly DynamoDBRecord[], response: DynamoDBBatchResponse): readonly DynamoDBRecord[] {
  const failed = response.batchItemFailures.map((f) => f.itemIdentifier);
  const indexes = failed.map((id) => records.findIndex((r) => r.dynamodb?.SequenceNumber === id));
  if (indexes.some((i) => i === -1)) return records; // Lambda treats an unknown identifier as a whole-batch failure.
  return records.slice(Math.min(...indexes));
}

const isBatchResponse = (value: unknown): value is DynamoDBBatchResponse =>
  typeof value === 'object' && value !== null && Array.isArray((value as DynamoDBBatchResponse).batchItemFailures);

/** The saved positions of `streamArn`'s shards; none when there is no file or it is another stream's. */
async function readPositions(file: string | undefined, streamArn: string): Promise<Readonly<Record<string, string>>> {
  if (file === undefined) return {};
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Partial<PositionsFile>;
    return saved.streamArn === streamArn && typeof saved.shards === 'object' && saved.shards !== null
      ? saved.shards
      : {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return {};
    throw error;
  }
}

/**
 * Starts polling `streamArn` for `consumers`; resolves once every shard is positioned.
 *
 * @example
 * const poller = await startStreamPoller({ client, streamArn, consumers: [{ name: 'worker', patterns, handler }] });
 * await poller.stop();
 */
async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { client, streamArn, consumers } = options;
  const region = options.region ?? process.env.AWS_REGION ?? 'eu-west-2';
  const intervalMs = options.intervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const maxRetries = options.maxRetries ?? 3;
  const log: Log = options.log ?? ((message) => console.log(message));
  const drainMs = options.drainMs ?? 5_000;
  const saveEveryMs = options.saveEveryMs ?? 1_000;
  let savedAt = 0;
  let deliveredAt = 0;
  let saving: Promise<void> = Promise.resolve();
  const saved = await readPositions(options.positionsFile, streamArn);
  const shards = new Map<string, ShardState>();
  /** The poll loop goes on. */
  let running = true;
  /** Records are still read and delivered: until stop() has drained. */
  let delivering = true;
  let wake: (() => void) | undefined;
  let lastError = '';

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function listShards(): Promise<Shard[]> {
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await client.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
      );
      all.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return all;
  }

  async function refreshShards(initial: boolean): Promise<void> {
    const found = await listShards();
    const ids = new Set(found.map((s) => s.ShardId));
    for (const id of shards.keys()) if (!ids.has(id)) shards.delete(id);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      const position = options.startingPosition ?? 'LATEST';
      const resumeAfter = initial ? saved[shard.ShardId] : undefined;
      shards.set(shard.ShardId, {
        parentId: shard.ParentShardId,
        iteratorType: resumeAfter !== undefined ? 'AFTER_SEQUENCE_NUMBER' : initial ? position : 'TRIM_HORIZON',
        iterator: undefined,
        lastSequence: resumeAfter,
        // At a LATEST start, closed shards hold only what happened before: nothing to deliver.
        done: initial && resumeAfter === undefined && position === 'LATEST' && !open,
      });
    }
  }

  async function invoke(consumer: StreamConsumerOptions, records: readonly DynamoDBRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; attempt <= maxRetries && delivering; attempt += 1) {
      if (attempt > 0) await sleep(100 * 2 ** attempt);
      try {
        const response = await consumer.handler(
          { Records: [...pending] },
          lambdaContext(`mailbox-lifecycle-${consumer.name}`),
        );
        if (!isBatchResponse(response) || response.batchItemFailures.length === 0) return;
        pending = retryFrom(pending, response);
        log(
          `[stream] ${consumer.name}: ${response.batchItemFailures.length} record(s) failed; retrying ${pending.length}`,
        );
      } catch (error) {
        log(
          `[stream] ${consumer.name}: the handler threw (attempt ${attempt + 1}): ${(error as Error).stack ?? String(error)}`,
        );
      }
    }
    log(`[stream] ${consumer.name}: gave up on ${pending.length} record(s) after ${maxRetries} retries`);
  }

  async function deliver(records: readonly _Record[]): Promise<void> {
    const lambdaRecords = records.map((r) => toLambdaRecord(r, streamArn, region));
    await Promise.all(
      consumers.map(async (consumer) => {
        const matching = lambdaRecords.filter((r) => matchesFilter(r, consumer.patterns));
        for (let i = 0; i < matching.length; i += batchSize) await invoke(consumer, matching.slice(i, i + batchSize));
      }),
    );
  }

  async function iteratorFor(shardId: string, state: ShardState): Promise<string | undefined> {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: state.iteratorType,
        ...(state.iteratorType === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: state.lastSequence } : {}),
      }),
    );
    return ShardIterator;
  }

  /** Reads one batch from every readable shard; the number of records read. */
  async function pollShards(): Promise<{ read: number; closed: boolean }> {
    let read = 0;
    let closed = false;
    for (const [shardId, state] of shards) {
      if (state.done || !delivering) continue;
      const parent = state.parentId ? shards.get(state.parentId) : undefined;
      if (parent && !parent.done) continue;
      try {
        state.iterator ??= await iteratorFor(shardId, state);
        const result = await client.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: batchSize }));
        const records = result.Records ?? [];
        if (records.length > 0) {
          await deliver(records);
          state.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequence;
          state.iteratorType = 'AFTER_SEQUENCE_NUMBER';
          read += records.length;
          deliveredAt = Date.now();
          if (deliveredAt - savedAt >= saveEveryMs) await savePositions();
        }
        state.iterator = result.NextShardIterator;
        if (state.iterator === undefined) {
          state.done = true;
          closed = true;
        }
      } catch (error) {
        if (error instanceof ExpiredIteratorException) {
          state.iterator = undefined;
        } else if (error instanceof TrimmedDataAccessException) {
          state.iterator = undefined;
          state.iteratorType = 'TRIM_HORIZON';
        } else if (error instanceof ResourceNotFoundException) {
          state.done = true;
        } else {
          throw error;
        }
      }
    }
    return { read, closed };
  }

  /** Delivers what is readable now, round after round until a round reads nothing or drainMs is up. */
  async function drain(): Promise<void> {
    const deadline = Date.now() + drainMs;
    try {
      let read = 1;
      while (read > 0 && Date.now() < deadline) ({ read } = await pollShards());
    } catch (error) {
      log(`[stream] draining failed: ${(error as Error).message ?? String(error)}`);
    }
  }

  /** Saves the positions file atomically (a crash never leaves half of it), one write at a time. */
  async function savePositions(): Promise<void> {
    const target = options.positionsFile;
    if (target === undefined) return;
    savedAt = Date.now();
    const file: PositionsFile = { streamArn, shards: positions() };
    saving = saving
      .catch(() => undefined)
      .then(() => writeFileAtomic(target, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 }));
    await saving;
  }

  function positions(): Record<string, string> {
    const last: Record<string, string> = {};
    for (const [shardId, state] of shards) if (state.lastSequence !== undefined) last[shardId] = state.lastSequence;
    return last;
  }

  async function loop(): Promise<void> {
    let refreshAt = Date.now() + 2000;
    while (running) {
      try {
        if (Date.now() >= refreshAt) {
          await refreshShards(false);
          refreshAt = Date.now() + 2000;
        }
        const { read, closed } = await pollShards();
        if (closed) refreshAt = 0;
        // Idle: save what the last busy stretch left unsaved, so a crash now replays nothing.
        if (read === 0 && savedAt < deliveredAt) await savePositions();
        lastError = '';
        if (read === 0 && running) await sleep(intervalMs);
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (message !== lastError) log(`[stream] polling failed: ${message}`);
        lastError = message;
        if (running) await sleep(Math.max(intervalMs, 1000));
      }
    }
  }

  // Position every shard before returning, so no write made after start is missed at LATEST.
  await refreshShards(true);
  for (const [shardId, state] of shards) {
    if (state.done) continue;
    try {
      state.iterator = await iteratorFor(shardId, state);
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      // The saved position is older than what the stream keeps: from the oldest record it has.
      state.iteratorType = 'TRIM_HORIZON';
      state.iterator = await iteratorFor(shardId, state);
    }
  }
  const done = loop();
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        running = false;
        wake?.();
        await done;
        await drain();
        delivering = false;
        await savePositions();
      })()),
    positions,
  };
}

export { startStreamPoller, toLambdaRecord };
export type { StreamConsumerOptions, StreamHandler, StreamPoller, StreamPollerOptions };
