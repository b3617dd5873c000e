/**
 * What the HTTP integration tests share: the real handlers on a fresh table — behind the real local HTTP
 * server by default, or invoked in process — accounts in a given status
 * (the worker is another function: here an operation is completed through `apply`, as the worker would),
 * and a snapshot of an account to assert that a request changed nothing.
 */
import type { Account, HistoryEntry } from '../../../shared/domain/account';
import type { Status } from '../../../shared/domain/statuses';
import { apply } from '../../../shared/services/apply';
import type { AccountStore } from '../../../shared/store/port';
import { lambdaApi, loadHandlers, serverApi, type Api, type ServerApi } from '../../helpers/api';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { admin, type Claims } from '../../helpers/tokens';

interface World<A extends Api = Api> {
  readonly api: A;
  readonly table: FreshTable;
  readonly store: AccountStore;
  /** Stops the server (`afterAll(() => w.close())`). */
  close(): Promise<void>;
}

/**
 * The four HTTP functions on a new table behind the real local HTTP server and its JWT authorizer
 * (`overrides`: environment variables for their configuration).
 *
 * @example
 * beforeAll(async () => { w = await world(); });
 * afterAll(() => w.close());
 */
async function world(overrides: Record<string, string> = {}): Promise<World<ServerApi>> {
  const table = await freshTable(overrides);
  const api = await serverApi(await loadHandlers(table.env));
  return { api, table, store: table.store, close: () => api.close() };
}

/**
 * The same functions invoked in process, with whatever claims the test gives: only for requests API
 * Gateway never lets reach a function (no token, a route it does not have).
 */
async function inProcessWorld(overrides: Record<string, string> = {}): Promise<World> {
  const table = await freshTable(overrides);
  const api = lambdaApi(await loadHandlers(table.env));
  return { api, table, store: table.store, close: () => api.close() };
}

/** Completes the account's outstanding operation, as the worker does. */
async function complete(w: World, accountId: string): Promise<Account> {
  const account = await w.store.get(accountId);
  if (account?.inProgress == null) throw new Error(`account ${accountId} is not in progress`);
  const applied = await apply(
    { store: w.store, policy: w.table.config.policy },
    account,
    { kind: 'operation_completed', operationId: account.inProgress.operationId, requestId: null },
    { race: 'system' },
  );
  return applied.account;
}

let counter = 0;
/** A unique address in `domain`. */
const email = (domain = 'a.org'): string => `user${++counter}-${Date.now().toString(36)}@${domain}`;

/** Creates an account over the API; `activate` false leaves it pending, true completes provisioning (active). */
async function createAccount(
  w: World,
  options: { email?: string; activate?: boolean; claims?: Claims } = {},
): Promise<string> {
  const res = await w.api.request({
    method: 'POST',
    path: '/accounts',
    claims: options.claims ?? admin('*'),
    body: { email: options.email ?? email(), activate: options.activate ?? true },
  });
  if (res.status !== 201 && res.status !== 202) throw new Error(`create answered ${res.status}: ${res.body}`);
  const accountId = res.json.accountId as string;
  if (options.activate ?? true) await complete(w, accountId);
  return accountId;
}

/** Moves an active account to `status` over the API (completing any operation), returning its id. */
async function accountIn(w: World, status: Status, options: { email?: string } = {}): Promise<string> {
  const accountId = await createAccount(w, { ...options, activate: status !== 'pending' });
  if (status === 'pending' || status === 'active') return accountId;
  const path = `/accounts/${accountId}/status`;
  const via: Partial<Record<Status, Status>> = { deleted_permanent: 'deleted' };
  for (const step of [via[status], status].filter((s): s is Status => s !== undefined)) {
    const res = await w.api.request({ method: 'PUT', path, claims: admin('*'), body: { status: step } });
    if (res.status === 202) await complete(w, accountId);
    else if (res.status !== 200) throw new Error(`setting ${step} answered ${res.status}: ${res.body}`);
  }
  return accountId;
}

interface Snapshot {
  readonly account: Account | null;
  readonly history: readonly HistoryEntry[];
}

/** The stored account and its whole history. */
async function snapshot(w: World, accountId: string): Promise<Snapshot> {
  const account = await w.store.get(accountId);
  const history = account === null ? [] : (await w.store.history(accountId, 200)).items;
  return { account, history };
}

export { accountIn, complete, createAccount, email, inProcessWorld, snapshot, world };
export type { Snapshot, World };
