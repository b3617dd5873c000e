/**
 * The fault tests' world: a fresh table, the HTTP handlers loaded against it (in process, with the payload
 * format 2.0 events the local server builds), fault injection on the process-wide client they share, and
 * accounts seeded in the store's real shape (test/bench/seed.ts: built through the real rules).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { HistoryEntry } from '../../../shared/domain/account';
import { apiEvent, invoke, loadHandlers, type ApiResult, type Handler } from '../../bench/api';
import { accountBuilder, batchWrite, type Kind, type Made } from '../../bench/seed';
import { allHistory, freshTable, type FreshTable } from '../../helpers/dynamo';
import { injectFaults, type FaultInjector } from '../../helpers/faults';

interface FaultWorld extends FreshTable {
  readonly handlers: { readonly accounts: Handler; readonly access: Handler };
  readonly faults: FaultInjector;
  /** Seeds `count` accounts of `kind` in `domain`. */
  seed(kind: Kind, count: number, domain?: string): Promise<Made[]>;
  /** PUT /accounts/{id}/status through the accounts handler. */
  setStatus(accountId: string, status: string): Promise<ApiResult>;
  /** GET /access?email= through the access handler. */
  access(email: string): Promise<ApiResult>;
  /** Every history entry of the account, oldest first. */
  history(accountId: string): Promise<HistoryEntry[]>;
}

/**
 * A fresh table, process.env pointed at it, its handlers loaded, and fault injection (injecting nothing
 * yet) on the client they use.
 *
 * @example
 * const w = await faultWorld();
 * w.faults.set({ transactionConflict: 1, times: 2 });
 */
async function faultWorld(): Promise<FaultWorld> {
  const table = await freshTable();
  Object.assign(process.env, table.env);
  const handlers = await loadHandlers();
  const faults = injectFaults(table.client);
  const builder = accountBuilder(
    {
      tableName: table.tableName,
      shards: table.config.dueShards,
      policy: table.config.policy,
      historyRetentionDays: table.config.historyRetentionDays,
    },
    Date.now(),
  );
  return {
    ...table,
    handlers,
    faults,
    async seed(kind, count, domain = 'faults.example') {
      const made: Made[] = [];
      for (let i = 0; i < count; i++) made.push(await builder.make(kind, domain));
      await batchWrite(
        table.client,
        table.tableName,
        made.flatMap((m) => [...m.items, ...m.history]),
      );
      return made;
    },
    setStatus: (accountId, status) =>
      invoke(
        handlers.accounts,
        'accounts',
        apiEvent('PUT', `/accounts/${accountId}/status`, { status, reason: 'faults' }),
      ),
    access: (email) => invoke(handlers.access, 'access', apiEvent('GET', `/access?email=${encodeURIComponent(email)}`)),
    history: (accountId) => allHistory(table.store, accountId),
  };
}

/**
 * Registers a test file's world: made before its tests, faults cleared after each test, injection removed
 * at the end. `use` receives the world.
 *
 * @example
 * let w: FaultWorld;
 * withFaultWorld((world) => { w = world; });
 */
function withFaultWorld(use: (world: FaultWorld) => void): void {
  let world: FaultWorld | undefined;
  beforeAll(async () => {
    world = await faultWorld();
    use(world);
  });
  afterEach(() => {
    world?.faults.set({});
    world?.faults.reset();
  });
  afterAll(() => world?.faults.remove());
}

export { faultWorld, withFaultWorld };
export type { FaultWorld };
