/**
 * A status change (PUT /accounts/{id}/status, the whole handler) under faults DynamoDB Local cannot
 * produce: transactions lost to a concurrent one and throttling, injected through SDK middleware. Every
 * 200 is exactly one change (one history entry, version + 1, the email item in step); every failure is a
 * clean problem response that wrote nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import type { Made } from '../../bench/seed';
import { seededRandom } from '../../helpers/faults';
import { withFaultWorld, type FaultWorld } from './fixtures';

let w: FaultWorld;
withFaultWorld((world) => {
  w = world;
});

/** The account, its history length and its email item's status, read without faults. */
async function books(
  accountId: string,
): Promise<{ account: Account; entries: number; emailStatus: string | undefined }> {
  const account = await w.store.get(accountId);
  if (account === null) throw new Error(`account ${accountId} is gone`);
  const email = account.email === null ? null : await w.store.access(account.email);
  return { account, entries: (await w.history(accountId)).length, emailStatus: email?.status };
}

async function one(): Promise<Made> {
  const [made] = await w.seed('activeRecent', 1);
  if (made === undefined) throw new Error('nothing seeded');
  return made;
}

describe('a status change whose transaction is lost to a concurrent one (TransactionConflict)', () => {
  it('is tried again on the fresh state and lands exactly once', async () => {
    const { account } = await one();
    const before = await books(account.accountId);
    w.faults.set({ transactionConflict: 1, times: 2 });

    const response = await w.setStatus(account.accountId, 'maintenance');

    w.faults.set({});
    expect(response.statusCode).toBe(200);
    expect(w.faults.stats.conflicts).toBe(2);
    const after = await books(account.accountId);
    expect(after.account.status).toBe('maintenance');
    expect(after.account.version).toBe(before.account.version + 1);
    expect(after.entries).toBe(before.entries + 1);
    expect(after.emailStatus).toBe('maintenance');
    const last = (await w.history(account.accountId)).at(-1);
    expect(last).toMatchObject({ from: 'active', to: 'maintenance' });
  });

  it('answers a 409 problem and writes nothing when every attempt conflicts', async () => {
    const { account } = await one();
    const before = await books(account.accountId);
    w.faults.set({ transactionConflict: 1 });

    const response = await w.setStatus(account.accountId, 'locked');

    w.faults.set({});
    expect(response.statusCode).toBe(409);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 409 });
    expect(w.faults.stats.conflicts).toBeGreaterThan(1);
    expect(await books(account.accountId)).toEqual(before);
  });
});

describe('a status change whose calls are throttled', () => {
  it("lands exactly once when the SDK's own retries absorb the throttling", async () => {
    const { account } = await one();
    const before = await books(account.accountId);
    w.faults.set({ throttle: 1, times: 2 });

    const response = await w.setStatus(account.accountId, 'maintenance');

    w.faults.set({});
    expect(response.statusCode).toBe(200);
    expect(w.faults.stats.throttles).toBe(2);
    const after = await books(account.accountId);
    expect(after.account.status).toBe('maintenance');
    expect(after.account.version).toBe(before.account.version + 1);
    expect(after.entries).toBe(before.entries + 1);
    expect(after.emailStatus).toBe('maintenance');
  });

  it('answers a 503 problem with Retry-After and writes nothing when throttling outlasts the retries', async () => {
    const { account } = await one();
    const before = await books(account.accountId);
    w.faults.set({ throttle: 1, operations: ['TransactWriteItems'] });

    const response = await w.setStatus(account.accountId, 'maintenance');

    w.faults.set({});
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase())).toContain('retry-after');
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 503 });
    expect(w.faults.stats.throttles).toBeGreaterThan(1);
    expect(await books(account.accountId)).toEqual(before);
  });
});

describe('many status changes under random conflicts and throttling', () => {
  it('keep the books: one history entry and one version per 200, nothing for any other answer', async () => {
    const made = await w.seed('activeRecent', 3);
    const before = await Promise.all(made.map((m) => books(m.account.accountId)));
    const successes = made.map(() => 0);
    const answers: number[] = [];
    w.faults.set({ transactionConflict: 0.4, throttle: 0.15, random: seededRandom(7) });

    for (let round = 0; round < 8; round++) {
      for (const [i, m] of made.entries()) {
        const target = (successes[i] ?? 0) % 2 === 0 ? 'maintenance' : 'active';
        const response = await w.setStatus(m.account.accountId, target);
        answers.push(response.statusCode);
        if (response.statusCode === 200) successes[i] = (successes[i] ?? 0) + 1;
        else expect(response.headers?.['Content-Type']).toBe('application/problem+json');
      }
    }

    w.faults.set({});
    expect(w.faults.stats.conflicts + w.faults.stats.throttles).toBeGreaterThan(0);
    expect(answers.every((code) => [200, 409, 503].includes(code))).toBe(true);
    for (const [i, m] of made.entries()) {
      const after = await books(m.account.accountId);
      const changed = successes[i] ?? 0;
      expect(after.entries - (before[i]?.entries ?? 0)).toBe(changed);
      expect(after.account.version - (before[i]?.account.version ?? 0)).toBe(changed);
      expect(after.account.status).toBe(changed % 2 === 0 ? 'active' : 'maintenance');
      expect(after.emailStatus).toBe(after.account.status);
    }
  });
});
