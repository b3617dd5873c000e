/**
 * Leave dates: validation for the HTTP layer, and the leaver window.
 */
import { describe, expect, it } from 'vitest';
import { leaveDateProblem, leaverMark, utcDate } from '../../../shared/domain/leaver';
import { DAY } from '../../../shared/domain/policy';
import { NOW, POLICY } from './fixtures';

describe('leaveDateProblem', () => {
  it.each(['2026-03-10', '2026-02-08', '2027-03-10', '2026-12-31', '2026-02-28'])('accepts %s', (date) => {
    expect(leaveDateProblem(date, NOW, POLICY)).toBeNull();
  });

  it.each(['2026-02-30', '2026-13-01', '2026-3-1', '20260310', '2026-03-10T00:00:00Z', '', 'soon'])(
    'rejects the non-date %j',
    (date) => {
      expect(leaveDateProblem(date, NOW, POLICY)).toMatch(/YYYY-MM-DD/);
    },
  );

  it.each(['2026-02-07', '2027-03-11', '1999-01-01'])('rejects %s, outside the allowed range, naming it', (date) => {
    expect(leaveDateProblem(date, NOW, POLICY)).toBe('must be between 2026-02-08 and 2027-03-10');
  });

  it('honours the configured range', () => {
    const policy = { ...POLICY, leaveDatePastDays: 0, leaveDateFutureDays: 1 };
    expect(leaveDateProblem('2026-03-09', NOW, policy)).not.toBeNull();
    expect(leaveDateProblem('2026-03-11', NOW, policy)).toBeNull();
    expect(leaveDateProblem('2026-03-12', NOW, policy)).not.toBeNull();
  });

  it('counts days from the UTC date of now, whatever its time of day', () => {
    expect(leaveDateProblem('2026-02-08', new Date('2026-03-10T23:59:59.999Z'), POLICY)).toBeNull();
  });
});

describe('leaverMark', () => {
  it('ends the window leaverWindowMs after midnight UTC of the leave date', () => {
    expect(leaverMark('2026-12-15', POLICY)).toEqual({
      leaveDate: '2026-12-15',
      windowEndsAt: '2027-01-14T00:00:00.000Z',
    });
    expect(leaverMark('2026-12-15', { ...POLICY, leaverWindowMs: DAY }).windowEndsAt).toBe('2026-12-16T00:00:00.000Z');
  });

  it('throws for a date that is not one', () => {
    expect(() => leaverMark('2026-02-30', POLICY)).toThrow(RangeError);
  });
});

describe('utcDate', () => {
  it('is the UTC calendar date', () => {
    expect(utcDate(new Date('2026-03-10T23:30:00-05:00'))).toBe('2026-03-11');
  });
});
