import { ulid } from 'ulid';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetryHandler } from '../../../functions/queue/retry';
import type { Alert } from '../../../shared/alerts/alert';
import type { Account } from '../../../shared/domain/account';
import { newAccount } from '../../../shared/domain/decide';
import { DAY } from '../../../shared/domain/policy';
import type { Caller } from '../../../shared/domain/requests';
import type { Status } from '../../../shared/domain/statuses';
import { createWebhookPlatform } from '../../../shared/platform/webhook';
import { apply } from '../../../shared/services/apply';
import { createWorkerDeps } from '../../../shared/worker/deps';
import type { LocalRetryScheduler, RetryMessage } from '../../../shared/worker/retry-scheduler';
import { runOperation, type WorkerDeps } from '../../../shared/worker/run-operation';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { startPlatformStub, type PlatformStub } from '../../helpers/platform-stub';

const admin: Caller = { sub: 'alice', scopes: ['accounts:admin'], requestId: 'req-test' };
const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** A scheduler that records the retries asked for, without waiting. */
function recordingScheduler() {
  const scheduled: { message: RetryMessage; delaySeconds: number }[] = [];
  return {
    scheduled,
    schedule: async (message: RetryMessage, delaySeconds: number) => {
      scheduled.push({ message, delaySeconds });
    },
  };
}

function recordingAlerts() {
  const published: Alert[] = [];
  return {
    published,
    publish: async (alert: Alert) => {
      published.push(alert);
    },
  };
}

async function createAccount(table: FreshTable, activate: boolean): Promise<Account> {
  const email = `user-${ulid().toLowerCase()}@example.org`;
  const { account, entry } = newAccount(
    { accountId: ulid(), email, displayName: 'Test User', activate, caller: admin },
    new Date(),
    table.config.policy,
  );
  await table.store.create(account, entry);
  return (await table.store.get(account.accountId))!;
}

async function read(table: FreshTable, accountId: string): Promise<Account> {
  return (await table.store.get(accountId))!;
}

/** Asks for `target` as an administrator; an operation must be under way afterwards. */
async function start(deps: WorkerDeps, account: Account, target: Status): Promise<Account> {
  const result = await apply(
    deps,
    account,
    { kind: 'set_status', target, reason: null, caller: admin },
    { race: 'caller' },
  );
  expect(result).toMatchObject({ outcome: 'changed', underway: true });
  return result.account;
}

describe('runOperation with the direct adapter', () => {
  let table: FreshTable;
  let deps: WorkerDeps;

  beforeAll(async () => {
    table = await freshTable();
    deps = createWorkerDeps(table.config, { scheduler: recordingScheduler(), alerts: recordingAlerts(), log: silent });
  });

  /** Runs the account's operation and returns the account as stored afterwards. */
  async function complete(account: Account): Promise<Account> {
    const op = account.inProgress!;
    const result = await runOperation(deps, account.accountId, op.operationId, {
      round: op.round,
      requestId: 'lambda-req',
    });
    expect(result.outcome).toBe('completed');
    return read(table, account.accountId);
  }

  async function active(): Promise<Account> {
    return complete(await createAccount(table, true));
  }

  it('completes provisioning: pending → active, recorded as a system change', async () => {
    // Prepare
    const created = await createAccount(table, true);
    expect(created).toMatchObject({ status: 'pending', inProgress: { operation: 'provision', target: 'active' } });

    // Act
    const done = await complete(created);

    // Assess
    expect(done).toMatchObject({ status: 'active', inProgress: null, version: created.version + 1 });
    const { items } = await table.store.history(done.accountId, 1);
    expect(items[0]).toMatchObject({
      from: 'pending',
      to: 'active',
      actor: 'BackgroundTasks',
      requestId: 'lambda-req',
    });
  });

  it('completes disable: disabling → disabled', async () => {
    const disabling = await start(deps, await active(), 'disabled');
    expect(disabling).toMatchObject({ status: 'disabling', inProgress: { operation: 'disable' } });
    expect(await complete(disabling)).toMatchObject({ status: 'disabled', inProgress: null });
  });

  it('completes enable: enabling → active', async () => {
    const disabled = await complete(await start(deps, await active(), 'disabled'));
    const enabling = await start(deps, disabled, 'active');
    expect(enabling).toMatchObject({ status: 'enabling', inProgress: { operation: 'enable' } });
    expect(await complete(enabling)).toMatchObject({ status: 'active', inProgress: null });
  });

  it('completes delete: deleting → deleted, restorable until purgeAfter', async () => {
    // Prepare
    const deleting = await start(deps, await active(), 'deleted');
    expect(deleting).toMatchObject({ status: 'deleting', inProgress: { operation: 'delete' } });

    // Act
    const deleted = await complete(deleting);

    // Assess
    expect(deleted).toMatchObject({ status: 'deleted', inProgress: null });
    expect(Date.parse(deleted.purgeAfter!) - Date.parse(deleted.deletedAt!)).toBe(30 * DAY);
  });

  it('completes purge: deleting → deleted_permanent, a tombstone without personal data', async () => {
    // Prepare
    const deleted = await complete(await start(deps, await active(), 'deleted'));
    const email = deleted.email!;
    const purging = await start(deps, deleted, 'deleted_permanent');
    expect(purging).toMatchObject({
      status: 'deleting',
      inProgress: { operation: 'purge', target: 'deleted_permanent' },
    });

    // Act
    const purged = await complete(purging);

    // Assess
    expect(purged).toMatchObject({ status: 'deleted_permanent', inProgress: null, email: null, displayName: null });
    expect(await table.store.access(email)).toBeNull();
  });

  it('completes restore: restoring → active', async () => {
    const deleted = await complete(await start(deps, await active(), 'deleted'));
    const restoring = await start(deps, deleted, 'active');
    expect(restoring).toMatchObject({ status: 'restoring', inProgress: { operation: 'restore' } });
    expect(await complete(restoring)).toMatchObject({
      status: 'active',
      inProgress: null,
      deletedAt: null,
      purgeAfter: null,
    });
  });

  it('completes migrate: migration_pending → active', async () => {
    const migrating = await start(deps, await active(), 'migration_pending');
    expect(migrating).toMatchObject({
      status: 'migration_pending',
      inProgress: { operation: 'migrate', target: 'active' },
    });
    expect(await complete(migrating)).toMatchObject({ status: 'active', inProgress: null });
  });

  it('does nothing for an account that is not in progress, or another operation', async () => {
    // Prepare
    const account = await active();

    // Act
    const idle = await runOperation(deps, account.accountId, `${account.accountId}.1`);
    const missing = await runOperation(deps, ulid(), 'whatever.1');

    // Assess
    expect(idle).toEqual({ outcome: 'skipped', reason: 'not in progress' });
    expect(missing).toEqual({ outcome: 'skipped', reason: 'account not found' });
    expect(await read(table, account.accountId)).toEqual(account);
  });
});

describe('runOperation with the webhook adapter', () => {
  let table: FreshTable;
  let stub: PlatformStub;
  let scheduler: ReturnType<typeof recordingScheduler>;
  let alerts: ReturnType<typeof recordingAlerts>;
  let deps: WorkerDeps;

  beforeAll(async () => {
    stub = await startPlatformStub('webhook-secret');
    table = await freshTable({
      MAIL_PLATFORM_URL: stub.url,
      MAIL_PLATFORM_SECRET: stub.secret,
      MAIL_PLATFORM_TIMEOUT_MS: '300',
      WORKER_MAX_ATTEMPTS: '5',
      WORKER_FIRST_DELAY_SECONDS: '30',
    });
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => {
    stub.recover();
    stub.beforeAnswer(null);
    scheduler = recordingScheduler();
    alerts = recordingAlerts();
    deps = createWorkerDeps(table.config, { scheduler, alerts, log: silent });
  });

  /**
   * A platform that waits as long as an operator's action during the attempt takes (the suite's 300 ms
   * timeout is for the timeout test; a loaded machine can take longer than that to apply a cancel).
   */
  function patientPlatform() {
    return createWebhookPlatform({ url: stub.url, secret: async () => stub.secret, timeoutMs: 30_000 });
  }

  /** Runs the attempt the scheduler asked for last (as the retry queue would, without the wait). */
  async function runScheduled() {
    const { message } = scheduler.scheduled.at(-1)!;
    return runOperation(deps, message.accountId, message.operationId, { round: message.round });
  }

  it('records failed attempts quietly, backs off exponentially, and gives up with one alert', async () => {
    // Prepare
    stub.failNext(100, 503);
    const account = await createAccount(table, true);
    const op = account.inProgress!;
    const sent = stub.requests.length;

    // Act: the first attempt, then every retry the worker schedules
    const outcomes = [await runOperation(deps, account.accountId, op.operationId, { round: op.round })];
    while (outcomes.at(-1)?.outcome === 'retrying') outcomes.push(await runScheduled());

    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'gave_up']);
    expect(scheduler.scheduled.map((s) => s.delaySeconds)).toEqual([30, 60, 120, 240]);
    expect(
      scheduler.scheduled.every((s) => s.message.operationId === op.operationId && s.message.round === op.round),
    ).toBe(true);
    const after = await read(table, account.accountId);
    expect(after).toMatchObject({ status: 'pending', version: account.version });
    expect(after.inProgress).toMatchObject({
      operationId: op.operationId,
      attempts: 5,
      lastError: 'HTTP 503 Service Unavailable: {"error":"platform unavailable"}',
    });
    expect((await table.store.history(account.accountId, 10)).items).toHaveLength(1);
    const attempts = stub.requests.slice(sent);
    expect(attempts).toHaveLength(5);
    expect(attempts.every((r) => r.verified && r.body?.operationId === op.operationId)).toBe(true);
    expect(alerts.published).toHaveLength(1);
    expect(alerts.published[0]).toMatchObject({
      type: 'operation_gave_up',
      account: { accountId: account.accountId, email: account.email, domain: 'example.org' },
      status: 'pending',
      target: 'active',
      since: op.startedAt,
      attempts: 5,
      lastError: after.inProgress?.lastError,
      action: expect.stringContaining(`/accounts/${account.accountId}/in-progress/retry`),
    });
    expect(alerts.published[0]?.summary).not.toMatch(/\n/);
  });

  it('stays put after giving up: a late duplicate attempt calls nothing and alerts no more', async () => {
    // Prepare
    stub.failNext(100, 500);
    const account = await createAccount(table, true);
    const op = account.inProgress!;
    let outcome = await runOperation(deps, account.accountId, op.operationId, { round: op.round });
    while (outcome.outcome === 'retrying') outcome = await runScheduled();
    const sent = stub.requests.length;

    // Act
    const late = await runOperation(deps, account.accountId, op.operationId, { round: op.round });

    // Assess
    expect(late).toEqual({ outcome: 'skipped', reason: 'attempts exhausted; waiting for an operator' });
    expect(stub.requests.length).toBe(sent);
    expect(alerts.published).toHaveLength(1);
  });

  it("completes on an operator's retry, a fresh round that replaces the old one", async () => {
    // Prepare: round 1 used up
    stub.failNext(100, 502);
    const account = await createAccount(table, true);
    const op = account.inProgress!;
    let outcome = await runOperation(deps, account.accountId, op.operationId, { round: op.round });
    while (outcome.outcome === 'retrying') outcome = await runScheduled();
    stub.recover();

    // Act: the operator retries (what POST …/in-progress/retry applies); the worker runs round 2
    const retried = await apply(
      deps,
      await read(table, account.accountId),
      { kind: 'retry', caller: admin },
      { race: 'caller' },
    );
    const round2 = retried.account.inProgress!;
    const stale = await runOperation(deps, account.accountId, op.operationId, { round: op.round });
    const result = await runOperation(deps, account.accountId, round2.operationId, { round: round2.round });

    // Assess
    expect(retried).toMatchObject({ outcome: 'changed', underway: true });
    expect(round2).toMatchObject({ operationId: op.operationId, round: op.round + 1, attempts: 0, lastError: null });
    expect(stale.outcome).toBe('skipped');
    expect(result.outcome).toBe('completed');
    expect(await read(table, account.accountId)).toMatchObject({ status: 'active', inProgress: null });
  });

  it("a failure of a round an operator's retry replaced while it ran counts nothing in the new round", async () => {
    // Prepare: round 1 has failed once and has a retry scheduled; its second attempt is on the platform
    // when the operator retries (round 2), and then fails
    stub.failNext(2, 503);
    const account = await createAccount(table, true);
    const op = account.inProgress!;
    await runOperation(deps, account.accountId, op.operationId, { round: op.round });
    expect(scheduler.scheduled).toHaveLength(1);
    let round2: Account | undefined;
    deps = { ...deps, platform: patientPlatform() };
    stub.beforeAnswer(async () => {
      stub.beforeAnswer(null);
      round2 = (
        await apply(deps, await read(table, account.accountId), { kind: 'retry', caller: admin }, { race: 'caller' })
      ).account;
    });

    // Act
    const late = await runScheduled();

    // Assess: round 2 is as the operator started it, and no second retry chain was scheduled
    expect(late.outcome).toBe('skipped');
    expect(round2?.inProgress).toMatchObject({ round: op.round + 1, attempts: 0, lastError: null });
    expect(await read(table, account.accountId)).toEqual(round2);
    expect(scheduler.scheduled).toHaveLength(1);
    const result = await runOperation(deps, account.accountId, op.operationId, { round: op.round + 1 });
    expect(result.outcome).toBe('completed');
  });

  it("a success of a round an operator's retry replaced while it ran still completes the operation", async () => {
    // Prepare: the operator retries while round 1's attempt is on the platform, which then succeeds
    const account = await createAccount(table, true);
    const op = account.inProgress!;
    deps = { ...deps, platform: patientPlatform() };
    stub.beforeAnswer(async () => {
      stub.beforeAnswer(null);
      await apply(deps, await read(table, account.accountId), { kind: 'retry', caller: admin }, { race: 'caller' });
    });

    // Act
    const result = await runOperation(deps, account.accountId, op.operationId, { round: op.round });

    // Assess
    expect(result.outcome).toBe('completed');
    expect(await read(table, account.accountId)).toMatchObject({ status: 'active', inProgress: null });
    expect((await table.store.history(account.accountId, 1)).items[0]).toMatchObject({
      action: 'complete',
      from: 'pending',
      to: 'active',
    });
  });

  it('records an unreadable signing secret as a failed attempt: backed off, then given up with an alert', async () => {
    // Prepare: a webhook whose secret read fails (Secrets Manager unreachable or access denied)
    const unreadable = async (): Promise<string> => {
      throw Object.assign(new Error('secrets manager unreachable'), { name: 'InternalServiceError' });
    };
    deps = { ...deps, platform: createWebhookPlatform({ url: stub.url, secret: unreadable, timeoutMs: 300 }) };
    const account = await createAccount(table, true);
    const op = account.inProgress!;
    const sent = stub.requests.length;

    // Act
    const outcomes = [await runOperation(deps, account.accountId, op.operationId, { round: op.round })];
    while (outcomes.at(-1)?.outcome === 'retrying') outcomes.push(await runScheduled());

    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'gave_up']);
    const lastError = 'signing secret unavailable: InternalServiceError: secrets manager unreachable';
    expect((await read(table, account.accountId)).inProgress).toMatchObject({ attempts: 5, lastError });
    expect(alerts.published).toEqual([expect.objectContaining({ type: 'operation_gave_up', attempts: 5, lastError })]);
    expect(stub.requests.length).toBe(sent);
  });

  it('records a timeout as a failed attempt', async () => {
    // Prepare
    stub.hangNext(1);
    const account = await createAccount(table, true);
    const op = account.inProgress!;

    // Act
    const result = await runOperation(deps, account.accountId, op.operationId, { round: op.round });

    // Assess
    expect(result).toEqual({ outcome: 'retrying', attempts: 1, delaySeconds: 30 });
    expect((await read(table, account.accountId)).inProgress).toMatchObject({
      attempts: 1,
      lastError: 'timed out after 300 ms',
    });
  });

  it('cancel rolls back, and a retry scheduled before it changes nothing afterwards', async () => {
    // Prepare: an active account being disabled, one failed attempt, a retry scheduled
    const provisioned = await createAccount(table, true);
    await runOperation(deps, provisioned.accountId, provisioned.inProgress!.operationId);
    const disabling = await start(deps, await read(table, provisioned.accountId), 'disabled');
    stub.failNext(1, 503);
    await runOperation(deps, disabling.accountId, disabling.inProgress!.operationId, {
      round: disabling.inProgress!.round,
    });
    expect(scheduler.scheduled).toHaveLength(1);

    // Act: an administrator cancels; then the scheduled retry arrives
    const cancelled = await apply(
      deps,
      await read(table, disabling.accountId),
      { kind: 'cancel', reason: 'wrong account', caller: admin },
      { race: 'caller' },
    );
    const sent = stub.requests.length;
    const late = await runScheduled();

    // Assess
    expect(cancelled.account).toMatchObject({ status: 'active', inProgress: null });
    expect(late).toEqual({ outcome: 'skipped', reason: 'not in progress' });
    expect(stub.requests.length).toBe(sent);
    expect(await read(table, disabling.accountId)).toEqual(cancelled.account);
  });

  it('a platform success that arrives after a cancel changes nothing', async () => {
    // Prepare: the operator cancels while the attempt is on the platform
    const provisioned = await createAccount(table, true);
    await runOperation(deps, provisioned.accountId, provisioned.inProgress!.operationId);
    const disabling = await start(deps, await read(table, provisioned.accountId), 'disabled');
    let cancelled: Account | undefined;
    deps = { ...deps, platform: patientPlatform() };
    stub.beforeAnswer(async () => {
      const applied = await apply(
        deps,
        await read(table, disabling.accountId),
        { kind: 'cancel', reason: null, caller: admin },
        { race: 'caller' },
      );
      cancelled = applied.account;
    });

    // Act
    const result = await runOperation(deps, disabling.accountId, disabling.inProgress!.operationId);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'the operation ended while the attempt ran' });
    expect(await read(table, disabling.accountId)).toEqual(cancelled);
    expect(cancelled).toMatchObject({ status: 'active', inProgress: null });
  });

  it('a failure after a cancel changes nothing and schedules nothing', async () => {
    // Prepare
    const provisioned = await createAccount(table, true);
    await runOperation(deps, provisioned.accountId, provisioned.inProgress!.operationId);
    const disabling = await start(deps, await read(table, provisioned.accountId), 'disabled');
    stub.failNext(1, 503);
    deps = { ...deps, platform: patientPlatform() };
    stub.beforeAnswer(async () => {
      await apply(
        deps,
        await read(table, disabling.accountId),
        { kind: 'cancel', reason: null, caller: admin },
        { race: 'caller' },
      );
    });

    // Act
    const result = await runOperation(deps, disabling.accountId, disabling.inProgress!.operationId);

    // Assess
    expect(result.outcome).toBe('skipped');
    expect(scheduler.scheduled).toHaveLength(0);
    expect(await read(table, disabling.accountId)).toMatchObject({ status: 'active', inProgress: null });
  });

  it('the retry-queue handler runs the scheduled attempt', async () => {
    // Prepare
    stub.failNext(1, 503);
    const account = await createAccount(table, true);
    await runOperation(deps, account.accountId, account.inProgress!.operationId, { round: account.inProgress!.round });
    const { message } = scheduler.scheduled.at(-1)!;

    // Act: SQS delivers the delayed message
    const result = await createRetryHandler(deps)(
      { Records: [{ messageId: 'm-1', body: JSON.stringify(message) }] } as never,
      { awsRequestId: 'inv-r' },
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await read(table, account.accountId)).toMatchObject({ status: 'active', inProgress: null });
    expect((await table.store.history(account.accountId, 1)).items[0]).toMatchObject({
      action: 'complete',
      requestId: 'inv-r',
    });
  });

  it('without a retry queue, retries run in process on the local scheduler', async () => {
    // Prepare: no scheduler override, a zero first delay, one failure
    const local = await freshTable({
      MAIL_PLATFORM_URL: stub.url,
      MAIL_PLATFORM_SECRET: stub.secret,
      WORKER_FIRST_DELAY_SECONDS: '0',
    });
    const localDeps = createWorkerDeps(local.config, { alerts, log: silent });
    stub.failNext(1, 503);
    const account = await createAccount(local, true);

    // Act
    const first = await runOperation(localDeps, account.accountId, account.inProgress!.operationId, {
      round: account.inProgress!.round,
    });

    // Assess: the timer's attempt completes the operation
    expect(first).toEqual({ outcome: 'retrying', attempts: 1, delaySeconds: 0 });
    await vi.waitFor(
      async () => expect(await read(local, account.accountId)).toMatchObject({ status: 'active', inProgress: null }),
      { timeout: 10_000 },
    );
    expect((localDeps.scheduler as LocalRetryScheduler).pending()).toBe(0);
    (localDeps.scheduler as LocalRetryScheduler).stop();
  });
});
