import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../../../functions/stream/worker';
import type { Account } from '../../../shared/domain/account';
import { newAccount } from '../../../shared/domain/decide';
import type { Caller } from '../../../shared/domain/requests';
import type { MailPlatform, PlatformResult } from '../../../shared/platform/port';
import { apply } from '../../../shared/services/apply';
import { matchesFilter, STREAM_CONSUMERS } from '../../../shared/stream/filters';
import { createWorkerDeps } from '../../../shared/worker/deps';
import type { RetryMessage } from '../../../shared/worker/retry-scheduler';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { streamReader, type StreamReader } from './stream-reader';

const admin: Caller = { sub: 'alice', scopes: ['accounts:admin'], requestId: 'req-stream' };
const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** A platform whose answer the test sets. */
function switchablePlatform(): MailPlatform & { answer: PlatformResult; calls: number } {
  const platform = {
    answer: { ok: false, error: 'platform down' } as PlatformResult,
    calls: 0,
    perform: async () => {
      platform.calls += 1;
      return platform.answer;
    },
  };
  return platform;
}

describe('the worker on the real table stream', () => {
  let table: FreshTable;
  let stream: StreamReader;

  beforeAll(async () => {
    table = await freshTable();
    stream = await streamReader(table.config);
  });

  it('is triggered once per round, never by a failure record, and completes through the handler', async () => {
    // Prepare
    const platform = switchablePlatform();
    const scheduled: RetryMessage[] = [];
    const deps = createWorkerDeps(table.config, {
      platform,
      log: silent,
      alerts: { publish: async () => {} },
      scheduler: {
        schedule: async (message) => {
          scheduled.push(message);
        },
      },
    });
    const handle = createWorkerHandler(deps);
    const { account, entry } = newAccount(
      {
        accountId: ulid(),
        email: `s-${ulid().toLowerCase()}@example.org`,
        displayName: null,
        activate: true,
        caller: admin,
      },
      new Date(),
      table.config.policy,
    );
    await table.store.create(account, entry);
    const op = account.inProgress!;
    const workerRecords = (records: Awaited<ReturnType<StreamReader['next']>>) =>
      records.filter((r) => matchesFilter(r, STREAM_CONSUMERS.worker));

    // Act 1: the creation starts round 1; the platform fails
    const created = await stream.next();
    const firstRun = await handle({ Records: created }, { awsRequestId: 'inv-1' });

    // Assess 1
    expect(workerRecords(created).map((r) => r.dynamodb?.NewImage?.dispatch?.S)).toEqual([`${op.operationId}#1`]);
    expect(firstRun).toEqual({ batchItemFailures: [] });
    expect(platform.calls).toBe(1);
    expect(scheduled).toEqual([{ accountId: account.accountId, operationId: op.operationId, round: 1 }]);

    // Act 2: the failure record reaches the stream
    const failureWrite = await stream.next();

    // Assess 2: it is an account write, and the worker filter does not see it
    expect(
      failureWrite.some((r) => r.eventName === 'MODIFY' && r.dynamodb?.NewImage?.accountId?.S === account.accountId),
    ).toBe(true);
    expect(workerRecords(failureWrite)).toEqual([]);

    // Act 3: the operator retries; the platform is back
    const stored = (await table.store.get(account.accountId)) as Account;
    await apply(deps, stored, { kind: 'retry', caller: admin }, { race: 'caller' });
    platform.answer = { ok: true };
    const retried = await stream.next();
    const secondRun = await handle({ Records: retried }, { awsRequestId: 'inv-2' });

    // Assess 3
    expect(workerRecords(retried).map((r) => r.dynamodb?.NewImage?.dispatch?.S)).toEqual([`${op.operationId}#2`]);
    expect(secondRun).toEqual({ batchItemFailures: [] });
    expect(await table.store.get(account.accountId)).toMatchObject({ status: 'active', inProgress: null });

    // Act 4: the completion reaches the stream
    const completion = await stream.next();

    // Assess 4: a change (history) but no new round
    expect(completion.some((r) => matchesFilter(r, STREAM_CONSUMERS.events))).toBe(true);
    expect(workerRecords(completion)).toEqual([]);
    expect(platform.calls).toBe(2);
  });
});
