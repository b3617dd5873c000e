/**
 * A sweep test's world: a fresh table, a controlled clock, and accounts built through the real rules
 * (newAccount + store.create, then `apply` of administrator, login and worker requests at chosen instants),
 * so every index attribute is the one production writes.
 */
import { ulid } from 'ulid';
import type { Alert, AlertPublisher } from '../../../shared/alerts/alert';
import type { Account, HistoryEntry } from '../../../shared/domain/account';
import { newAccount } from '../../../shared/domain/decide';
import { DAY, HOUR } from '../../../shared/domain/policy';
import type { Caller, Request } from '../../../shared/domain/requests';
import type { Status } from '../../../shared/domain/statuses';
import { apply, type Applied } from '../../../shared/services/apply';
import type { AccountStore, DueQuery } from '../../../shared/store/port';
import { allHistory, freshTable, type FreshTable } from '../../helpers/dynamo';

const ADMIN: Caller = { sub: 'alice', scopes: ['accounts:admin'], requestId: null };

/** An alert publisher that keeps what it is given. */
function recordingAlerts(): AlertPublisher & { readonly alerts: Alert[] } {
  const alerts: Alert[] = [];
  return { alerts, publish: async (alert) => void alerts.push(alert) };
}

/** The store, counting what is read through it: index items and strongly consistent gets. */
function countingStore(
  store: AccountStore,
): AccountStore & { readonly reads: { due: number; itemsRead: number; get: number } } {
  const reads = { due: 0, itemsRead: 0, get: 0 };
  return {
    reads,
    shards: store.shards,
    create: (a, e) => store.create(a, e),
    get: async (id) => {
      reads.get += 1;
      return store.get(id);
    },
    access: (email) => store.access(email),
    byExternalId: (externalId) => store.byExternalId(externalId),
    change: (p, n, e, o) => store.change(p, n, e, o),
    quiet: (p, n, o) => store.quiet(p, n, o),
    list: (q) => store.list(q),
    history: (id, limit, cursor) => store.history(id, limit, cursor),
    due: async (q: DueQuery) => {
      const page = await store.due(q);
      reads.due += 1;
      reads.itemsRead += page.itemsRead;
      return page;
    },
  };
}

const at = (base: Date, ms: number): Date => new Date(base.getTime() + ms);

/** A UTC date, YYYY-MM-DD. */
const utcDate = (instant: Date): string => instant.toISOString().slice(0, 10);

interface World extends FreshTable {
  /** The instant every test's timeline starts from (whole seconds, so dates print cleanly). */
  readonly t0: Date;
  readonly domain: string;
  /** Applies `request` to the account as stored, at `when`. */
  act(accountId: string, request: Request, when: Date, race?: 'caller' | 'system'): Promise<Applied>;
  /** A new account provisioned to `active` at `when`. */
  active(when: Date): Promise<Account>;
  /** Completes the account's in-progress operation at `when` (the worker's success). */
  complete(accountId: string, when: Date): Promise<Account>;
  /** Every history entry of the account, oldest first. */
  history(accountId: string): Promise<HistoryEntry[]>;
  get(accountId: string): Promise<Account>;
  statusOf(accountId: string): Promise<Status>;
}

/**
 * A new world on its own table.
 *
 * @example
 * const w = await world();
 * const a = await w.active(w.t0);
 */
async function world(overrides: Partial<Record<string, string>> = {}): Promise<World> {
  const table = await freshTable(overrides);
  const { store, config } = table;
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  const domain = `${ulid().toLowerCase()}.example`;
  const get = async (accountId: string): Promise<Account> => {
    const account = await store.get(accountId);
    if (account === null) throw new Error(`no account ${accountId}`);
    return account;
  };
  const act = async (
    accountId: string,
    request: Request,
    when: Date,
    race: 'caller' | 'system' = 'caller',
  ): Promise<Applied> =>
    apply({ store, policy: config.policy, clock: () => when }, await get(accountId), request, { race });
  const complete = async (accountId: string, when: Date): Promise<Account> => {
    const account = await get(accountId);
    if (account.inProgress === null) throw new Error(`account ${accountId} is not in progress`);
    const done = await act(
      accountId,
      { kind: 'operation_completed', operationId: account.inProgress.operationId, requestId: null },
      when,
      'system',
    );
    if (done.outcome !== 'changed') throw new Error(`completing ${accountId}: ${done.outcome}`);
    return done.account;
  };
  const active = async (when: Date): Promise<Account> => {
    const accountId = ulid();
    const created = newAccount(
      { accountId, email: `${accountId.toLowerCase()}@${domain}`, displayName: null, activate: true, caller: ADMIN },
      when,
      config.policy,
    );
    await store.create(created.account, created.entry);
    return complete(accountId, when);
  };
  const history = (accountId: string): Promise<HistoryEntry[]> => allHistory(store, accountId);
  return { ...table, t0, domain, act, active, complete, history, get, statusOf: async (id) => (await get(id)).status };
}

export { ADMIN, DAY, HOUR, at, countingStore, recordingAlerts, utcDate, world };
export type { World };
