/**
 * The access decision (GET /access, the whole handler) under injected throttling: the SDK's retries absorb
 * a throttled GetItem; throttling that outlasts them is a clean, retryable problem response.
 */
import { describe, expect, it } from 'vitest';
import { withFaultWorld, type FaultWorld } from './fixtures';

let w: FaultWorld;
withFaultWorld((world) => {
  w = world;
});

describe('an access decision whose GetItem is throttled', () => {
  it("answers the decision when the SDK's retries absorb the throttling", async () => {
    const [made] = await w.seed('adminLocked', 1);
    w.faults.set({ throttle: 1, times: 2 });

    const response = await w.access(made?.account.email ?? '');

    expect(w.faults.stats.throttles).toBe(2);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual({
      accountId: made?.account.accountId,
      email: made?.account.email,
      status: 'locked',
      login: 'deny',
      mail: 'deliver',
    });
  });

  it('answers a 503 problem with Retry-After when throttling outlasts the retries', async () => {
    const [made] = await w.seed('activeRecent', 1);
    w.faults.set({ throttle: 1 });

    const response = await w.access(made?.account.email ?? '');

    expect(w.faults.stats.throttles).toBeGreaterThan(1);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase())).toContain('retry-after');
  });
});
