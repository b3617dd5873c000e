import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../shared/domain/account';
import { accountKey, historyKey } from '../../../shared/store/keys';
import { matchesFilter, STREAM_CONSUMERS } from '../../../shared/stream/filters';
import { dispatchOf, historyEntryOf, parseDispatch, StreamRecordError } from '../../../shared/stream/images';

const image = (item: Record<string, unknown>): Record<string, AttributeValue> =>
  marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  keys: { PK: string; SK: string },
  item?: Record<string, unknown>,
): DynamoDBRecord {
  return {
    eventID: `e-${Math.random()}`,
    eventName,
    dynamodb: {
      Keys: image(keys),
      ...(item ? { NewImage: image({ ...keys, ...item }) } : {}),
      SequenceNumber: '100',
    },
  };
}

const entry: HistoryEntry = {
  id: '01JA0000000000000000000001',
  accountId: 'acc1',
  domain: 'example.org',
  at: '2025-01-01T00:00:00.000Z',
  from: 'active',
  to: 'disabling',
  action: 'disable',
  actor: 'alice',
  reason: null,
  requestId: 'r1',
};

describe('STREAM_CONSUMERS.worker', () => {
  const { worker } = STREAM_CONSUMERS;

  it('matches the write that starts a round (dispatch present)', () => {
    expect(
      matchesFilter(record('MODIFY', accountKey('acc1'), { accountId: 'acc1', dispatch: 'acc1.4#1' }), worker),
    ).toBe(true);
    expect(
      matchesFilter(record('INSERT', accountKey('acc1'), { accountId: 'acc1', dispatch: 'acc1.1#1' }), worker),
    ).toBe(true);
  });

  it('ignores every other write: failure records, completions, history, removals', () => {
    expect(
      matchesFilter(record('MODIFY', accountKey('acc1'), { accountId: 'acc1', status: 'disabling' }), worker),
    ).toBe(false);
    expect(matchesFilter(record('INSERT', historyKey('acc1', entry.id), { ...entry }), worker)).toBe(false);
    expect(matchesFilter(record('REMOVE', accountKey('acc1')), worker)).toBe(false);
  });
});

describe('STREAM_CONSUMERS.events', () => {
  const { events } = STREAM_CONSUMERS;

  it('matches inserted history items', () => {
    expect(matchesFilter(record('INSERT', historyKey('acc1', entry.id), { ...entry }), events)).toBe(true);
  });

  it('ignores account writes and history removals (TTL)', () => {
    expect(matchesFilter(record('INSERT', accountKey('acc1'), { accountId: 'acc1' }), events)).toBe(false);
    expect(matchesFilter(record('MODIFY', accountKey('acc1'), { accountId: 'acc1', dispatch: 'x#1' }), events)).toBe(
      false,
    );
    expect(matchesFilter(record('REMOVE', historyKey('acc1', entry.id)), events)).toBe(false);
  });
});

describe('matchesFilter', () => {
  const base = record('MODIFY', accountKey('acc1'), { accountId: 'acc1', status: 'active' });

  it('supports literal lists, exists:false and anything-but', () => {
    expect(matchesFilter(base, [{ eventName: ['INSERT', 'MODIFY'] }])).toBe(true);
    expect(matchesFilter(base, [{ dynamodb: { NewImage: { dispatch: { S: [{ exists: false }] } } } }])).toBe(true);
    expect(matchesFilter(base, [{ dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['active'] }] } } } }])).toBe(
      false,
    );
  });

  it('matches when any pattern matches, and never when there is none', () => {
    expect(matchesFilter(base, [{ eventName: ['INSERT'] }, { eventName: ['MODIFY'] }])).toBe(true);
    expect(matchesFilter(base, [])).toBe(false);
  });

  it('refuses rules it does not implement rather than guessing', () => {
    expect(() => matchesFilter(base, [{ eventName: [{ numeric: ['>', 1] }] }])).toThrow(/unsupported filter rule/);
  });
});

describe('stream images', () => {
  it('parses a dispatch mark', () => {
    expect(parseDispatch('acc1.4#2')).toEqual({ operationId: 'acc1.4', round: 2 });
    expect(parseDispatch('acc1.4')).toBeNull();
    expect(parseDispatch('acc1.4#x')).toBeNull();
    expect(parseDispatch('#2')).toBeNull();
  });

  it('reads the round a worker record starts', () => {
    const started = record('MODIFY', accountKey('acc1'), { accountId: 'acc1', dispatch: 'acc1.4#3' });
    expect(dispatchOf(started)).toEqual({ accountId: 'acc1', operationId: 'acc1.4', round: 3 });
  });

  it('refuses a worker record without a valid mark', () => {
    const bad = record('MODIFY', accountKey('acc1'), { accountId: 'acc1', dispatch: 'garbage' });
    expect(() => dispatchOf(bad)).toThrow(StreamRecordError);
  });

  it('reads a history entry without its keys and TTL', () => {
    const inserted = record('INSERT', historyKey('acc1', entry.id), { ...entry, expiresAt: 1_800_000_000 });
    expect(historyEntryOf(inserted)).toEqual(entry);
  });
});
