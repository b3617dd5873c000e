import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config';
import type { Account } from '../../../shared/domain/account';
import type { Status } from '../../../shared/domain/statuses';
import { DynamoAccountStore } from '../../../shared/store/dynamo-store';
import { ConflictError, DuplicateEmailError, type AccountStore } from '../../../shared/store/port';
import { freshTable } from '../../helpers/dynamo';
import { account, changed, draft, quietly } from './fixtures';

let store: AccountStore;
let config: Config;

beforeAll(async () => {
  ({ store, config } = await freshTable());
});

const RACERS = 20;
const TARGETS: readonly Status[] = ['active', 'maintenance', 'closed', 'inactive'];

/** Read, decide (the first target the account is not in), write conditionally; on a lost race read again. */
async function changeUntilApplied(accountId: string, racer: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const read = await store.get(accountId);
    if (read === null) throw new Error('account vanished');
    const target =
      TARGETS.find((s, i) => s !== read.status && i >= racer % TARGETS.length) ??
      TARGETS.find((s) => s !== read.status) ??
      'active';
    try {
      await store.change(
        read,
        changed(read, { status: target, statusSince: new Date().toISOString() }),
        draft(read.status, target),
      );
      return attempt;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

describe('racing writes', () => {
  it(`${RACERS} concurrent read-then-change on one account: every change applies once, in one serial order`, async () => {
    // Prepare
    const start = account();
    await store.create(start, draft(null, 'active', 'create'));

    // Act
    const attempts = await Promise.all(
      Array.from({ length: RACERS }, (_, racer) => changeUntilApplied(start.accountId, racer)),
    );

    // Assess
    const final = await store.get(start.accountId);
    const history = (await store.history(start.accountId, 100)).items;
    expect(history).toHaveLength(RACERS + 1);
    expect(final?.version).toBe(RACERS + 1);
    expect(final?.status).toBe(history[0]?.to);
    expect((await store.access(start.email ?? ''))?.status).toBe(final?.status);
    // Each entry starts where the one before it ended: no change was applied on a state it did not read.
    const oldestFirst = [...history].reverse();
    oldestFirst.slice(1).forEach((entry, i) => expect(entry.from).toBe(oldestFirst[i]?.to));
    expect(attempts.some((n) => n > 1)).toBe(true);
  });

  it('changes racing quiet writes: no write is lost and only changes bump the version', async () => {
    const start = account();
    await store.create(start, draft(null, 'active', 'create'));
    const quietUntilApplied = async (n: number): Promise<void> => {
      for (;;) {
        const read = await store.get(start.accountId);
        if (read === null) throw new Error('account vanished');
        const count = (read.failedLogins?.count ?? 0) + 1;
        try {
          await store.quiet(
            read,
            quietly(read, {
              failedLogins: { count, windowStartedAt: `2030-01-01T00:00:${String(n).padStart(2, '0')}.000Z` },
            }),
          );
          return;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      }
    };

    await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        i % 2 === 0 ? changeUntilApplied(start.accountId, i) : quietUntilApplied(i),
      ),
    );

    const final = await store.get(start.accountId);
    expect(final?.version).toBe(RACERS / 2 + 1);
    expect(final?.failedLogins?.count).toBe(RACERS / 2);
    expect((await store.history(start.accountId, 100)).items).toHaveLength(RACERS / 2 + 1);
  });

  it(`${RACERS} concurrent creates of one email: exactly one wins, the others are DuplicateEmailError`, async () => {
    const email = `race-${Date.now()}@example.org`;
    const contenders: Account[] = Array.from({ length: RACERS }, () => account({ email }));

    const results = await Promise.allSettled(contenders.map((a) => store.create(a, draft(null, 'active', 'create'))));

    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [contenders[i]] : []));
    const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(RACERS - 1);
    losers.forEach((reason) => expect(reason).toBeInstanceOf(DuplicateEmailError));
    expect((await store.access(email))?.accountId).toBe(winners[0]?.accountId);
    const stored = await Promise.all(contenders.map((a) => store.get(a.accountId)));
    expect(stored.filter((a) => a !== null)).toHaveLength(1);
  });
});

describe('a transaction conflict DynamoDB Local never raises', () => {
  it('is a ConflictError, so the caller reads again', async () => {
    // DynamoDB Local serializes transactions and never cancels one for TransactionConflict: inject it.
    const base = new DynamoDBClient({
      region: config.region,
      endpoint: config.dynamodbEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    base.middlewareStack.add(
      (next) => async (args) => {
        if ('TransactItems' in (args.input as object)) {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectTransactionConflict' },
    );
    const conflicted = new DynamoAccountStore({
      client: DynamoDBDocumentClient.from(base),
      tableName: config.tableName,
      shards: config.dueShards,
      policy: config.policy,
      historyRetentionDays: config.historyRetentionDays,
    });
    const start = account();
    await store.create(start, draft(null, 'active', 'create'));
    const read = await conflicted.get(start.accountId);
    if (read === null) throw new Error('account missing');

    await expect(
      conflicted.change(read, changed(read, { status: 'closed' }), draft('active', 'closed')),
    ).rejects.toBeInstanceOf(ConflictError);

    expect((await store.get(start.accountId))?.version).toBe(1);
  });
});
