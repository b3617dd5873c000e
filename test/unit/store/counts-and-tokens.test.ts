/**
 * The pure parts of the counts and the search index: what an account counts as, the delta a write adds,
 * the sum a summary reads, and the tokens a name is found by.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import { COUNT_SHARDS, countDelta, counterUpdate, reshard, sumCounts } from '../../../shared/store/counts';
import { fold, searchTokens } from '../../../shared/store/search';

const base = {
  accountId: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
  email: 'jo@example.org',
  domain: 'example.org',
  displayName: 'Jo Bloggs',
  status: 'active',
  inProgress: null,
  leaver: null,
  stuckAlert: null,
} as unknown as Account;

const inProgress = {
  operation: 'disable',
  target: 'disabled',
  operationId: 'op-1',
} as unknown as Account['inProgress'];

describe('countDelta', () => {
  it('adds what a new account counts as', () => {
    expect(countDelta(null, base)).toEqual({ s_active: 1 });
  });

  it('moves one account from its old status to its new one, and nothing else', () => {
    expect(countDelta(base, { ...base, status: 'locked' })).toEqual({ s_active: -1, s_locked: 1 });
  });

  it('counts leavers, accounts in progress and open stuck alerts on top of the status', () => {
    const disabling = { ...base, status: 'disabling', inProgress } as Account;
    const stuck = {
      ...disabling,
      stuckAlert: { operationId: 'op-1', status: 'disabling', alertedAt: '', remindAt: '' },
    } as Account;
    const leaver = { ...base, leaver: { leaveDate: '2026-12-01', windowEndsAt: '' } } as Account;

    expect(countDelta(base, disabling)).toEqual({ s_active: -1, s_disabling: 1, inProgress: 1 });
    expect(countDelta(disabling, stuck)).toEqual({ stuck: 1 });
    expect(countDelta(base, leaver)).toEqual({ leavers: 1 });
    expect(countDelta(stuck, { ...stuck, stuckAlert: { ...stuck.stuckAlert!, operationId: 'op-0' } })).toEqual({
      stuck: -1,
    });
  });

  it('is empty for a write that changes nothing counted (most quiet writes)', () => {
    expect(countDelta(base, { ...base, lastActivityAt: '2026-12-01T00:00:00.000Z' })).toEqual({});
  });
});

describe('counter items', () => {
  it('add a delta to one of the shards, and a conflict moves it to another', () => {
    const update = counterUpdate('t', 'example.org', { s_active: -1, s_locked: 1 }, 3);
    const moved = reshard(update);

    expect(update.Update).toMatchObject({
      Key: { PK: 'COUNT#example.org#03', SK: 'COUNT' },
      UpdateExpression: 'ADD #c0 :c0, #c1 :c1',
      ExpressionAttributeNames: { '#c0': 's_active', '#c1': 's_locked' },
      ExpressionAttributeValues: { ':c0': -1, ':c1': 1 },
    });
    expect(moved.Update?.Key?.PK).toMatch(/^COUNT#example\.org#0[0-7]$/);
    expect(moved.Update?.Key?.PK).not.toBe('COUNT#example.org#03');
  });

  it('sum to the summary; a shard never written counts as zero', () => {
    const items = [{ s_active: 3, leavers: 1 }, undefined, { s_active: -1, s_locked: 1, stuck: 0 }];
    const summary = sumCounts('example.org', items);

    expect(COUNT_SHARDS).toBeLessThanOrEqual(20);
    expect(summary).toMatchObject({ domain: 'example.org', accounts: 3, leavers: 1, inProgress: 0, stuck: 0 });
    expect(summary.byStatus).toMatchObject({ active: 2, locked: 1, deleted_permanent: 0 });
    expect(Object.keys(summary.byStatus)).toHaveLength(14);
  });
});

describe('search tokens', () => {
  it('fold case and accents', () => {
    expect(fold('José ÁLVAREZ')).toBe('jose alvarez');
    expect(fold('Zoë')).toBe('zoe');
  });

  it('are the words of the name not beginning the address, none a prefix of another', () => {
    expect(searchTokens(base)).toEqual(['bloggs']);
    expect(searchTokens({ email: 'x1@example.org', displayName: 'Robert Jordan-Jones Rob' })).toEqual([
      'jones',
      'jordan',
      'robert',
    ]);
    expect(searchTokens({ email: 'x1@example.org', displayName: "Seán O'Brien" })).toEqual(["o'brien", 'sean']);
  });

  it('add the folded address when it differs, and are none for a purged account', () => {
    expect(searchTokens({ email: 'josé@example.org', displayName: null })).toEqual(['jose@example.org']);
    expect(searchTokens({ email: null, displayName: 'Jo Bloggs' })).toEqual([]);
  });
});
