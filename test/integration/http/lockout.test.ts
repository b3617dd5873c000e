/**
 * SPEC §2: every failed login reported counts exactly once however many arrive at the same moment; the
 * maxFailures-th (10) locks the account, never a later one; no login event is answered 409. Many real
 * concurrent requests through the local server, on DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerApi } from '../../helpers/api';
import { allHistory } from '../../helpers/dynamo';
import { platform } from '../../helpers/tokens';
import { createAccount, email, world, type World } from './fixtures';

describe('concurrent failed logins', () => {
  let w: World<ServerApi>;

  beforeAll(async () => {
    w = await world();
  });

  afterAll(() => w.close());

  it.each([10, 20, 50])('%i at once: every one answered 200, the 10th counted locks', async (count) => {
    // Prepare
    const address = email();
    const accountId = await createAccount(w, { email: address });

    // Act
    const responses = await Promise.all(
      Array.from({ length: count }, () =>
        w.api.request({
          method: 'POST',
          path: '/login-events',
          claims: platform(),
          body: { email: address, outcome: 'failure' },
        }),
      ),
    );

    // Assess: 9 failures were counted with the account still active; the 10th locked it; later ones found
    // it locked (and changed nothing).
    expect(responses.map((r) => r.status)).toEqual(Array(count).fill(200));
    const statuses = responses.map((r) => r.json.status as string);
    expect(statuses.filter((s) => s === 'active')).toHaveLength(9);
    expect(statuses.filter((s) => s === 'locked')).toHaveLength(count - 9);
    const account = await w.store.get(accountId);
    expect(account?.status).toBe('locked');
    expect(account?.lock).toMatchObject({ reason: 'failed_logins', previousStatus: 'active' });
    const locks = (await allHistory(w.store, accountId)).filter((e) => e.to === 'locked');
    expect(locks).toHaveLength(1);
  });
});
