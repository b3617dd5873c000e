import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import type { HistoryEntry } from '../../../shared/domain/account';
import { changeEvent, createEventPublisher, type ChangeEvent } from '../../../shared/events/publisher';

const entry = (n: number): HistoryEntry => ({
  id: `01JA00000000000000000000${String(n).padStart(2, '0')}`,
  accountId: `acc${n}`,
  domain: 'example.org',
  at: `2025-03-01T12:00:${String(n % 60).padStart(2, '0')}.000Z`,
  from: 'active',
  to: 'locked',
  action: 'lock',
  actor: 'alice',
  reason: null,
  requestId: null,
});

describe('changeEvent', () => {
  it('is the EventBridge entry: source, detail-type, time and the history entry as detail, with its id', () => {
    expect(changeEvent(entry(1))).toEqual({
      id: entry(1).id,
      source: 'mailbox-lifecycle',
      'detail-type': 'AccountStatusChanged',
      time: entry(1).at,
      detail: entry(1),
    });
  });

  it('carries only the history entry fields in detail', () => {
    const extra = { ...entry(1), expiresAt: 123, PK: 'ACCOUNT#acc1' } as HistoryEntry;
    expect(Object.keys(changeEvent(extra).detail).sort()).toEqual(Object.keys(entry(1)).sort());
  });
});

describe('createEventPublisher on a bus', () => {
  const config = loadConfig({ EVENT_BUS_NAME: 'mailbox-lifecycle-events' });

  it('sends PutEvents in chunks of ten with the documented fields', async () => {
    // Prepare
    const sent: PutEventsCommand[] = [];
    const eventBridge = {
      send: async (c: PutEventsCommand) => {
        sent.push(c);
        return { FailedEntryCount: 0, Entries: [] };
      },
    };
    const publisher = createEventPublisher(config, { eventBridge: eventBridge as never });
    const entries = Array.from({ length: 23 }, (_, i) => entry(i));

    // Act
    const failed = await publisher.publish(entries);

    // Assess
    expect(failed).toEqual([]);
    expect(sent.map((c) => c.input.Entries?.length)).toEqual([10, 10, 3]);
    expect(sent[0]?.input.Entries?.[0]).toEqual({
      EventBusName: 'mailbox-lifecycle-events',
      Source: 'mailbox-lifecycle',
      DetailType: 'AccountStatusChanged',
      Time: new Date(entries[0]!.at),
      Detail: JSON.stringify(entries[0]),
    });
  });

  it('reports the entries EventBridge rejected, and whole chunks whose call failed', async () => {
    // Prepare
    let call = 0;
    const eventBridge = {
      send: async (): Promise<Partial<PutEventsCommandOutput>> => {
        call += 1;
        if (call === 2) throw new Error('throttled');
        return {
          FailedEntryCount: 1,
          Entries: [{ EventId: 'x' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }],
        };
      },
    };
    const errors: string[] = [];
    const publisher = createEventPublisher(config, {
      eventBridge: eventBridge as never,
      onError: (m) => errors.push(m),
    });

    // Act
    const failed = await publisher.publish(Array.from({ length: 12 }, (_, i) => entry(i)));

    // Assess
    expect(failed).toEqual([1, 10, 11]);
    expect(errors).toEqual(['PutEvents rejected 1 entries', 'PutEvents failed']);
  });
});

describe('createEventPublisher locally', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one EventBridge-shaped JSON line per entry', async () => {
    // Prepare
    const file = join(dir, '.local', 'events.jsonl');
    const publisher = createEventPublisher(loadConfig({ EVENT_FILE: file }));

    // Act
    await publisher.publish([entry(1), entry(2)]);
    await publisher.publish([entry(3)]);

    // Assess
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ChangeEvent);
    expect(lines).toEqual([changeEvent(entry(1)), changeEvent(entry(2)), changeEvent(entry(3))]);
  });

  it('reports every entry as failed when the file cannot be written', async () => {
    const publisher = createEventPublisher(loadConfig({ EVENT_FILE: join(dir, '\0bad') }), { onError: () => {} });
    expect(await publisher.publish([entry(1), entry(2)])).toEqual([0, 1]);
  });
});
