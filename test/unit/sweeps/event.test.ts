/**
 * The scheduled event: what is accepted, what is refused (and how clearly), and the run's fixed now.
 */
import { describe, expect, it } from 'vitest';
import type { Continuation } from '../../../shared/sweeps/continuation';
import { InvalidSweepEventError, parseSweepEvent, runNow } from '../../../shared/sweeps/event';

const REAL = new Date('2026-11-23T10:00:00.000Z');

const continuation = (overrides: Partial<Continuation> = {}): Continuation => ({
  sweep: 'leaver',
  runId: 'sweep-leaver-01',
  now: '2026-11-23T09:00:00.000Z',
  dryRun: false,
  maxAffected: 1000,
  checked: true,
  shard: 3,
  cursor: 'abc',
  invocations: 1,
  totals: { candidates: 5, changed: 5, skipped: 0, failed: 0, wouldChange: 0, itemsRead: 5 },
  ...overrides,
});

function refusal(run: () => unknown): InvalidSweepEventError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidSweepEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidSweepEventError');
}

describe('parseSweepEvent', () => {
  it.each([undefined, null, {}])('takes %j as the empty event', (event) => {
    expect(parseSweepEvent('inactivity', event)).toEqual({});
  });

  it("takes EventBridge's scheduled-event envelope as the empty event", () => {
    const envelope = {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: REAL.toISOString(),
      detail: {},
    };
    expect(parseSweepEvent('lockout', envelope)).toEqual({});
  });

  it('accepts dryRun, maxAffected and now', () => {
    const event = { dryRun: true, maxAffected: 50, now: '2030-01-01T00:00:00+01:00' };
    expect(parseSweepEvent('retention', event)).toEqual(event);
  });

  it.each([
    [{ dryrun: true }, '/dryrun'],
    [{ dryRun: 'yes' }, '/dryRun'],
    [{ maxAffected: -1 }, '/maxAffected'],
    [{ maxAffected: 1.5 }, '/maxAffected'],
    [{ now: 'tomorrow' }, '/now'],
    [[], '/'],
    ['run', '/'],
  ])('refuses %j, naming %s', (event, path) => {
    const error = refusal(() => parseSweepEvent('leaver', event));
    expect(error.issues.map((i) => i.path)).toContain(path);
    expect(error.message).toContain(path);
  });

  it('refuses maxAffected for a sweep that is not destructive', () => {
    expect(refusal(() => parseSweepEvent('inactivity', { maxAffected: 5 })).issues).toEqual([
      { path: '/maxAffected', message: expect.stringContaining('destructive') },
    ]);
  });

  it('accepts a continuation alone, of its own sweep', () => {
    expect(parseSweepEvent('leaver', { continuation: continuation() })).toEqual({ continuation: continuation() });
    expect(refusal(() => parseSweepEvent('retention', { continuation: continuation() })).issues[0]?.path).toBe(
      '/continuation/sweep',
    );
    expect(refusal(() => parseSweepEvent('stuck', { continuation: continuation() })).issues[0]?.path).toBe(
      '/continuation/sweep',
    );
    expect(
      refusal(() => parseSweepEvent('leaver', { continuation: continuation(), dryRun: true })).issues[0]?.path,
    ).toBe('/dryRun');
    expect(
      refusal(() => parseSweepEvent('leaver', { continuation: { ...continuation(), shard: -1 } })).issues[0]?.path,
    ).toBe('/continuation/shard');
  });
});

describe('runNow', () => {
  const locked = { clockOverride: false };
  const open = { clockOverride: true };

  it('is the real time unless the event says otherwise', () => {
    expect(runNow({}, locked, REAL)).toEqual(REAL);
  });

  it("honours the event's now in a dry run, or with clock override", () => {
    expect(runNow({ dryRun: true, now: '2030-01-01T00:00:00Z' }, locked, REAL)).toEqual(
      new Date('2030-01-01T00:00:00Z'),
    );
    expect(runNow({ now: '2030-01-01T00:00:00Z' }, open, REAL)).toEqual(new Date('2030-01-01T00:00:00Z'));
  });

  it("refuses the event's now for a real run without clock override", () => {
    expect(refusal(() => runNow({ now: '2030-01-01T00:00:00Z' }, locked, REAL)).issues[0]?.path).toBe('/now');
    expect(refusal(() => runNow({ dryRun: false, now: '2020-01-01T00:00:00Z' }, locked, REAL)).issues[0]?.path).toBe(
      '/now',
    );
  });

  it("keeps a continuation's now, but not one later than the real time without override", () => {
    expect(runNow({ continuation: continuation() }, locked, REAL)).toEqual(new Date('2026-11-23T09:00:00.000Z'));
    const ahead = continuation({ now: '2027-01-01T00:00:00.000Z' });
    expect(refusal(() => runNow({ continuation: ahead }, locked, REAL)).issues[0]?.path).toBe('/continuation/now');
    expect(runNow({ continuation: ahead }, open, REAL)).toEqual(new Date('2027-01-01T00:00:00.000Z'));
    expect(runNow({ continuation: { ...ahead, dryRun: true } }, locked, REAL)).toEqual(
      new Date('2027-01-01T00:00:00.000Z'),
    );
  });
});
