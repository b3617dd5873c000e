import { beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import type { DueKind } from '../../../shared/domain/due';
import { InvalidCursorError, type AccountStore } from '../../../shared/store/port';
import { freshTable } from '../../helpers/dynamo';
import { DAY, HOUR, account, changed, draft, fromNow, inProgress } from './fixtures';

const SHARDS = 4;
let store: AccountStore;

/** Every account of `kind` due by `dueBy`, read shard by shard and page by page, and the items read. */
async function dueIds(kind: DueKind, dueBy: string, limit = 100): Promise<{ ids: string[]; itemsRead: number }> {
  const ids: string[] = [];
  let itemsRead = 0;
  for (let shard = 0; shard < store.shards; shard++) {
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<AccountStore['due']>> = await store.due({ kind, shard, dueBy, limit, cursor });
      ids.push(...page.items.map((a) => a.accountId));
      itemsRead += page.itemsRead;
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return { ids: ids.sort(), itemsRead };
}

const idsOf = (accounts: readonly Account[]): string[] => accounts.map((a) => a.accountId).sort();

async function createAll(shapes: Record<string, Partial<Account>>): Promise<Record<string, Account>> {
  const created: Record<string, Account> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const fresh = account(shape);
    await store.create(fresh, draft(null, fresh.status, 'create'));
    created[name] = fresh;
  }
  return created;
}

describe('the sparse due-time indexes', () => {
  let a: Record<string, Account>;
  const running = (startedAgoMs: number, status: Account['status'] = 'disabling'): Partial<Account> => ({
    status,
    inProgress: inProgress({
      startedAt: fromNow(-startedAgoMs),
      operation: status === 'migration_pending' ? 'migrate' : 'disable',
    }),
  });

  beforeAll(async () => {
    ({ store } = await freshTable({ DUE_SHARDS: String(SHARDS), STUCK_AFTER_HOURS_BY_STATUS: 'migration_pending=12' }));
    const alertOp = inProgress({ startedAt: fromNow(-30 * HOUR) });
    const laterOp = inProgress({ startedAt: fromNow(-30 * HOUR) });
    const alert = (operationId: string, remindAt: string) => ({
      operationId,
      status: 'disabling' as const,
      alertedAt: fromNow(-6 * HOUR),
      remindAt,
    });
    a = await createAll({
      inactivityDue: { statusSince: fromNow(-40 * DAY), lastActivityAt: fromNow(-31 * DAY) },
      inactivityNeverActive: { statusSince: fromNow(-31 * DAY) },
      inactivityLater: { statusSince: fromNow(-40 * DAY), lastActivityAt: fromNow(-DAY) },
      inactivityRecentlyActivated: { statusSince: fromNow(-DAY), lastActivityAt: fromNow(-40 * DAY) },
      lockoutDue: {
        status: 'locked',
        lock: { reason: 'failed_logins', until: fromNow(-60_000), previousStatus: 'active' },
      },
      lockoutLater: {
        status: 'locked',
        lock: { reason: 'failed_logins', until: fromNow(HOUR), previousStatus: 'inactive' },
      },
      lockoutUntilUnlocked: {
        status: 'locked',
        lock: { reason: 'failed_logins', until: null, previousStatus: 'active' },
      },
      adminLocked: { status: 'locked', lock: { reason: 'admin', until: null, previousStatus: 'active' } },
      retentionDue: { status: 'deleted', deletedAt: fromNow(-31 * DAY), purgeAfter: fromNow(-DAY) },
      retentionLater: { status: 'deleted', deletedAt: fromNow(-DAY), purgeAfter: fromNow(29 * DAY) },
      stuckDue: running(25 * HOUR),
      stuckLater: running(13 * HOUR),
      stuckMigrationDue: running(13 * HOUR, 'migration_pending'),
      leaverDue: { statusSince: fromNow(-HOUR), leaver: { leaveDate: '2020-01-01', windowEndsAt: fromNow(-DAY) } },
      leaverLater: { status: 'disabled', leaver: { leaveDate: '2099-01-01', windowEndsAt: fromNow(10 * DAY) } },
      leaverInProgress: { ...running(HOUR), leaver: { leaveDate: '2020-01-01', windowEndsAt: fromNow(-DAY) } },
      leaverDeleted: {
        status: 'deleted',
        deletedAt: fromNow(-DAY),
        purgeAfter: fromNow(29 * DAY),
        leaver: { leaveDate: '2020-01-01', windowEndsAt: fromNow(-DAY) },
      },
      alertDue: { status: 'disabling', inProgress: alertOp, stuckAlert: alert(alertOp.operationId, fromNow(-HOUR)) },
      alertLater: { status: 'disabling', inProgress: laterOp, stuckAlert: alert(laterOp.operationId, fromNow(HOUR)) },
      alertResolved: { status: 'disabled', stuckAlert: alert('an-ended-operation', fromNow(20 * HOUR)) },
      closed: { status: 'closed' },
    });
  });

  const now = (): string => new Date().toISOString();
  const farFuture = (): string => fromNow(400 * DAY);
  const pick = (...names: string[]): Account[] =>
    names.map((name) => {
      const found = a[name];
      if (found === undefined) throw new Error(`no fixture ${name}`);
      return found;
    });

  const cases: [DueKind, string[], string[]][] = [
    [
      'inactivity',
      ['inactivityDue', 'inactivityNeverActive'],
      ['inactivityLater', 'inactivityRecentlyActivated', 'leaverDue'],
    ],
    ['lockout', ['lockoutDue'], ['lockoutLater']],
    ['retention', ['retentionDue'], ['retentionLater', 'leaverDeleted']],
    ['stuck', ['stuckDue', 'stuckMigrationDue', 'alertDue', 'alertLater'], ['stuckLater', 'leaverInProgress']],
    ['leaver', ['leaverDue'], ['leaverLater']], // a leaver in progress is not a candidate until it rests again
    ['stuck_alert', ['alertDue', 'alertResolved'], ['alertLater']],
  ];

  it.each(cases)(
    '%s: exactly the due accounts now, and the later ones only when asked for later',
    async (kind, due, later) => {
      const byNow = await dueIds(kind, now());
      const byLater = await dueIds(kind, farFuture());

      expect(byNow.ids).toEqual(idsOf(pick(...due)));
      expect(byLater.ids).toEqual(idsOf(pick(...due, ...later)));
      expect(byLater.itemsRead).toBe(byLater.ids.length);
    },
  );

  it('reads each candidate once when paging one item at a time', async () => {
    const { ids, itemsRead } = await dueIds('inactivity', farFuture(), 1);

    expect(ids).toEqual(
      idsOf(
        pick('inactivityDue', 'inactivityNeverActive', 'inactivityLater', 'inactivityRecentlyActivated', 'leaverDue'),
      ),
    );
    expect(itemsRead).toBe(ids.length);
  });

  it('returns whole accounts, earliest due first', async () => {
    const pages = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        store.due({ kind: 'lockout', shard, dueBy: farFuture(), limit: 10 }),
      ),
    );

    const found = pages.flatMap((p) => p.items);
    expect(found).toContainEqual(a.lockoutDue);
    expect(found).toContainEqual(a.lockoutLater);
    for (const page of pages) {
      const times = page.items.map((x) => x.lock?.until ?? '');
      expect(times).toEqual([...times].sort());
    }
  });

  it('follows every change: a write moves the account to the index its new state belongs to', async () => {
    const { moved } = await createAll({ moved: { statusSince: fromNow(-40 * DAY) } });
    if (moved === undefined) throw new Error('not created');
    const read = await store.get(moved.accountId);
    if (read === null) throw new Error('not found');
    expect((await dueIds('inactivity', now())).ids).toContain(moved.accountId);

    const lock = { reason: 'failed_logins' as const, until: fromNow(-1000), previousStatus: 'active' as const };
    await store.change(
      read,
      changed(read, { status: 'locked', lock, statusSince: now() }),
      draft('active', 'locked', 'login_lockout'),
    );

    expect((await dueIds('inactivity', farFuture())).ids).not.toContain(moved.accountId);
    expect((await dueIds('lockout', now())).ids).toContain(moved.accountId);
  });

  it('refuses a cursor of another shard or kind, and a shard out of range', async () => {
    let found: { shard: number; cursor: string } | undefined;
    for (let shard = 0; shard < SHARDS && found === undefined; shard++) {
      const page = await store.due({ kind: 'inactivity', shard, dueBy: farFuture(), limit: 1 });
      if (page.nextCursor !== null) found = { shard, cursor: page.nextCursor };
    }
    if (found === undefined) throw new Error('no shard with two inactivity candidates');
    const { shard, cursor } = found;

    await expect(
      store.due({ kind: 'inactivity', shard: (shard + 1) % SHARDS, dueBy: farFuture(), limit: 1, cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.due({ kind: 'lockout', shard, dueBy: farFuture(), limit: 1, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      store.due({ kind: 'inactivity', shard, dueBy: '2000-01-01T00:00:00.000Z', limit: 1, cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.due({ kind: 'inactivity', shard: SHARDS, dueBy: now(), limit: 1 })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
