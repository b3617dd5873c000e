import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsHandler } from '../../../functions/stream/events';
import type { Account } from '../../../shared/domain/account';
import { newAccount } from '../../../shared/domain/decide';
import type { Caller, Request } from '../../../shared/domain/requests';
import { createEventPublisher, type ChangeEvent } from '../../../shared/events/publisher';
import { apply } from '../../../shared/services/apply';
import { createWorkerDeps } from '../../../shared/worker/deps';
import { runOperation, type WorkerDeps } from '../../../shared/worker/run-operation';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { streamReader } from '../worker/stream-reader';

const admin: Caller = { sub: 'alice', scopes: ['accounts:admin'], requestId: 'req-events' };
const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe('the change-event publisher on the real table stream', () => {
  let table: FreshTable;
  let dir: string;
  let deps: WorkerDeps;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'events-it-'));
    table = await freshTable({ EVENT_FILE: join(dir, 'events.jsonl') });
    deps = createWorkerDeps(table.config, {
      log: silent,
      alerts: { publish: async () => {} },
      scheduler: { schedule: async () => {} },
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function step(account: Account, request: Request): Promise<Account> {
    return (await apply(deps, account, request, { race: 'system' })).account;
  }

  async function events(): Promise<ChangeEvent[]> {
    return (await readFile(table.config.events.file!, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ChangeEvent);
  }

  it('publishes exactly one event per history entry; duplicated records repeat the same ids', async () => {
    // Prepare: a scenario of changes, and writes that are not changes (a failed login, a failed attempt)
    const stream = await streamReader(table.config);
    const { account: created, entry } = newAccount(
      {
        accountId: ulid(),
        email: `e-${ulid().toLowerCase()}@example.org`,
        displayName: 'Eve',
        activate: true,
        caller: admin,
      },
      new Date(),
      table.config.policy,
    );
    await table.store.create(created, entry);
    await runOperation(deps, created.accountId, created.inProgress!.operationId);
    let account = (await table.store.get(created.accountId))!;
    account = await step(account, { kind: 'login', outcome: 'failure', requestId: null });
    account = await step(account, { kind: 'set_status', target: 'locked', reason: 'investigation', caller: admin });
    account = await step(account, { kind: 'set_status', target: 'active', reason: null, caller: admin });
    account = await step(account, { kind: 'rename', displayName: 'Eve Adams', caller: admin });
    account = await step(account, { kind: 'delete', reason: 'left', caller: admin });
    await step(account, { kind: 'operation_failed', operationId: account.inProgress!.operationId, error: 'HTTP 503' });
    await runOperation(deps, account.accountId, account.inProgress!.operationId);
    const history = (await table.store.history(account.accountId, 100)).items;
    const records = await stream.next();
    const handle = createEventsHandler(createEventPublisher(table.config));

    // Act
    const result = await handle({ Records: records });

    // Assess: one event per entry, each carrying the entry
    expect(result).toEqual({ batchItemFailures: [] });
    const published = await events();
    expect(history.map((h) => h.action)).toEqual([
      'complete',
      'delete',
      'rename',
      'unlock',
      'lock',
      'complete',
      'create',
    ]);
    expect(published).toHaveLength(history.length);
    const byId = new Map(published.map((e) => [e.id, e]));
    for (const h of history) {
      expect(byId.get(h.id)).toEqual({
        id: h.id,
        source: 'mailbox-lifecycle',
        'detail-type': 'AccountStatusChanged',
        time: h.at,
        detail: h,
      });
    }

    // Act: the stream delivers the same records again (at least once)
    await handle({ Records: records });

    // Assess: duplicates carry the same ids, so de-duplicating by id gives the same events
    const again = await events();
    expect(again).toHaveLength(2 * history.length);
    const deduplicated = new Map(again.map((e) => [e.detail.id, e]));
    expect([...deduplicated.keys()].sort()).toEqual(history.map((h) => h.id).sort());
    expect(again.every((e) => e.id === e.detail.id)).toBe(true);
  });
});
