import { describe, expect, it } from 'vitest';
import { MAX_ERROR_LENGTH } from '../../../shared/domain/system-rules';
import { backoffSeconds, MAX_DELAY_SECONDS, truncateError } from '../../../shared/worker/retry-policy';

describe('backoffSeconds', () => {
  it('doubles from the first delay with each failed attempt', () => {
    // Act
    const delays = [1, 2, 3, 4].map((attempts) => backoffSeconds(attempts, 30));

    // Assess
    expect(delays).toEqual([30, 60, 120, 240]);
  });

  it('caps the delay at the retry queue limit', () => {
    expect(backoffSeconds(10, 30)).toBe(MAX_DELAY_SECONDS);
    expect(MAX_DELAY_SECONDS).toBe(900);
  });

  it('allows a zero first delay (retry at once)', () => {
    expect(backoffSeconds(3, 0)).toBe(0);
  });
});

describe('truncateError', () => {
  it('keeps a short message as it is', () => {
    expect(truncateError('HTTP 503 Service Unavailable')).toBe('HTTP 503 Service Unavailable');
  });

  it('puts a multi-line message on one line', () => {
    expect(truncateError('HTTP 503\n  Service\tUnavailable ')).toBe('HTTP 503 Service Unavailable');
  });

  it('cuts a long message to the domain limit, marking the cut', () => {
    // Prepare
    const long = 'x'.repeat(MAX_ERROR_LENGTH + 50);

    // Act
    const truncated = truncateError(long);

    // Assess
    expect(truncated).toHaveLength(MAX_ERROR_LENGTH);
    expect(truncated.endsWith('…')).toBe(true);
  });

  it('honours a given limit', () => {
    expect(truncateError('HTTP 503 Service Unavailable', 12)).toBe('HTTP 503 Se…');
  });

  it('never records an empty error', () => {
    expect(truncateError('  \n ')).toBe('unknown error');
  });
});
