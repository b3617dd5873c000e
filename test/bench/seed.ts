/**
 * Accounts for the bench, built through the real rules and written in the store's real shape, fast.
 *
 * Each account is driven through its history in memory — newAccount, then `apply` of administrator, login
 * and worker requests at chosen instants — against the real DynamoAccountStore on a client that sends
 * nothing but records the commands it is given. So every item (keys, `rev`, derived index attributes,
 * email item, history entries) is exactly what production writes, and none of the layout is written here.
 * The recorded items are then written with BatchWriteItem, 25 at a time.
 */
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  PutItemCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Account } from '../../shared/domain/account';
import { newAccount } from '../../shared/domain/decide';
import { DAY, HOUR, type Policy } from '../../shared/domain/policy';
import type { Caller, Request } from '../../shared/domain/requests';
import { apply } from '../../shared/services/apply';
import { DynamoAccountStore } from '../../shared/store/dynamo-store';
import type { AccountStore } from '../../shared/store/port';

type Item = Record<string, unknown>;
type DocumentTransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const ADMIN: Caller = { sub: 'bench-admin', scopes: ['accounts:admin'], requestId: null };

/** What the recording client was asked to write, in order. */
type Recorded =
  | { readonly kind: 'transact'; readonly items: readonly DocumentTransactItem[] }
  | { readonly kind: 'put'; readonly input: PutCommandInput };

interface Recorder {
  /** The real store, on a client that only records. */
  readonly store: AccountStore;
  /** Everything recorded since the last take. */
  take(): Recorded[];
}

interface StoreShape {
  readonly tableName: string;
  readonly shards: number;
  readonly policy: Policy;
  readonly historyRetentionDays: number;
}

/**
 * The real store on a client that records the write commands it is sent and answers them as DynamoDB
 * would on success. A read is a mistake here (the store remembers what it wrote), so it throws.
 */
function recorder(shape: StoreShape): Recorder {
  let recorded: Recorded[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      if (name === 'TransactWriteCommand') {
        recorded.push({ kind: 'transact', items: (command.input as TransactWriteCommandInput).TransactItems ?? [] });
      } else if (name === 'PutCommand') {
        recorded.push({ kind: 'put', input: command.input as unknown as PutCommandInput });
      } else {
        throw new Error(`the seeding store does not ${name}`);
      }
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return {
    store: new DynamoAccountStore({ client, ...shape }),
    take: () => {
      const taken = recorded;
      recorded = [];
      return taken;
    },
  };
}

const keyOf = (item: Item): string => `${String(item['PK'])}|${String(item['SK'])}`;

/**
 * What `recorded` added to counter items: each counter Update is `ADD #c0 :c0, …` (shared/store/counts.ts),
 * summed by item key (`PK|SK`).
 */
function counterSums(recorded: readonly Recorded[]): Map<string, Record<string, number>> {
  const sums = new Map<string, Record<string, number>>();
  for (const entry of recorded) {
    if (entry.kind !== 'transact') continue;
    for (const write of entry.items) {
      const update = write.Update;
      if (update?.Key === undefined || !String(update.Key['PK']).startsWith('COUNT#')) continue;
      const sum = sums.get(keyOf(update.Key)) ?? {};
      for (const [placeholder, attribute] of Object.entries(update.ExpressionAttributeNames ?? {})) {
        const value = update.ExpressionAttributeValues?.[placeholder.replace('#', ':')];
        if (typeof value === 'number') sum[attribute] = (sum[attribute] ?? 0) + value;
      }
      sums.set(keyOf(update.Key), sum);
    }
  }
  return sums;
}

/** The items left after `recorded` ran in order (later puts replace earlier ones, deletes remove). */
function finalItems(recorded: readonly Recorded[]): Item[] {
  const items = new Map<string, Item>();
  for (const entry of recorded) {
    const writes = entry.kind === 'put' ? [{ Put: entry.input } as DocumentTransactItem] : entry.items;
    for (const write of writes) {
      if (write.Put?.Item !== undefined) items.set(keyOf(write.Put.Item), write.Put.Item);
      else if (write.Delete?.Key !== undefined) items.delete(keyOf(write.Delete.Key));
    }
  }
  return [...items.values()];
}

/** A step of an account's life: a request at an instant (built from the account as it then is). */
interface Step {
  readonly at: Date;
  readonly request: (account: Account) => Request;
  readonly race?: 'caller' | 'system';
}

interface Made {
  /** The account as stored at the end (the store remembers its revision). */
  readonly account: Account;
  /** Its account and email items (what a restore puts back). */
  readonly items: Item[];
  /** Its history items. */
  readonly history: Item[];
  /** What its writes added to its domain's counter items (`COUNT#…` key → attribute → sum). */
  readonly counts: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

const isHistory = (item: Item): boolean => String(item['SK']).startsWith('HISTORY#');

const set =
  (target: Account['status'], reason = 'bench'): ((a: Account) => Request) =>
  () => ({ kind: 'set_status', target, reason, caller: ADMIN });
const complete = (a: Account): Request => {
  if (a.inProgress === null) throw new Error(`account ${a.accountId} has no operation to complete`);
  return { kind: 'operation_completed', operationId: a.inProgress.operationId, requestId: null };
};
const login = (outcome: 'success' | 'lockout') => (): Request => ({ kind: 'login', outcome, requestId: null });
const utcDate = (instant: Date): string => instant.toISOString().slice(0, 10);

/**
 * The account kinds the bench seeds, relative to `t` (the seeding time). Durations are the SPEC defaults:
 * inactivity 30 days, lockout 1 hour, retention 30 days, leaver window 30 days, stuck after 24 hours.
 */
const KINDS = {
  /** Active for 5 days: in the inactivity index, due in 25 days. */
  activeRecent: (t: number) => ({ created: t - 5 * DAY, steps: [] as Step[] }),
  /** Active for 40 days without a login: an inactivity candidate. */
  inactivityDue: (t: number) => ({ created: t - 40 * DAY, steps: [] as Step[] }),
  /** Locked out by the platform 2 hours ago (lock until 1 hour ago): a lockout-expiry candidate. */
  lockoutDue: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - 2 * HOUR), request: login('lockout'), race: 'system' }] as Step[],
  }),
  /** Locked out 10 minutes ago: in the lockout index, due in 50 minutes. */
  lockoutLater: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - 10 * 60_000), request: login('lockout'), race: 'system' }] as Step[],
  }),
  /** Deleted 40 days ago: a retention candidate (purgeAfter 10 days ago). */
  retentionDue: (t: number) => ({
    created: t - 50 * DAY,
    steps: [
      { at: new Date(t - 40 * DAY), request: set('deleted') },
      { at: new Date(t - 40 * DAY), request: complete, race: 'system' },
    ] as Step[],
  }),
  /** Deleted 5 days ago: in the retention index, due in 25 days. */
  retentionLater: (t: number) => ({
    created: t - 10 * DAY,
    steps: [
      { at: new Date(t - 5 * DAY), request: set('deleted') },
      { at: new Date(t - 5 * DAY), request: complete, race: 'system' },
    ] as Step[],
  }),
  /** A leaver whose window ended 10 days ago, active and logged in an hour ago: a leaver candidate only. */
  leaverDue: (t: number) => ({
    created: t - 50 * DAY,
    steps: [
      {
        at: new Date(t - 40 * DAY),
        request: () => ({
          kind: 'mark_leaver',
          leaveDate: utcDate(new Date(t - 40 * DAY)),
          reason: 'bench',
          caller: ADMIN,
        }),
      },
      { at: new Date(t - HOUR), request: login('success'), race: 'system' },
    ] as Step[],
  }),
  /** A leaver marked yesterday: in the leaver index, due in about 29 days. */
  leaverLater: (t: number) => ({
    created: t - 5 * DAY,
    steps: [
      {
        at: new Date(t - DAY),
        request: () => ({ kind: 'mark_leaver', leaveDate: utcDate(new Date(t - DAY)), reason: 'bench', caller: ADMIN }),
      },
    ] as Step[],
  }),
  /** Disabling for 30 hours: stuck (the detector's candidate). */
  stuck: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - 30 * HOUR), request: set('disabled') }] as Step[],
  }),
  /** Disabling for 1 hour: in the stuck index, due in 23 hours. */
  inProgressRecent: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - HOUR), request: set('disabled') }] as Step[],
  }),
  /** In no due index. */
  maintenance: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - DAY), request: set('maintenance') }] as Step[],
  }),
  adminLocked: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - DAY), request: set('locked') }] as Step[],
  }),
  disabled: (t: number) => ({
    created: t - 5 * DAY,
    steps: [
      { at: new Date(t - DAY), request: set('disabled') },
      { at: new Date(t - DAY), request: complete, race: 'system' },
    ] as Step[],
  }),
  closed: (t: number) => ({
    created: t - 5 * DAY,
    steps: [{ at: new Date(t - DAY), request: set('closed') }] as Step[],
  }),
} as const;
type Kind = keyof typeof KINDS;

/** Per 100 filler accounts: mostly active, some of every due index not yet due, some in none. */
const FILLER_MIX: readonly (readonly [Kind, number])[] = [
  ['activeRecent', 62],
  ['lockoutLater', 4],
  ['retentionLater', 6],
  ['leaverLater', 6],
  ['inProgressRecent', 2],
  ['maintenance', 5],
  ['adminLocked', 5],
  ['disabled', 7],
  ['closed', 3],
];

/** The candidate kind of each sweep. */
const CANDIDATE_KIND = {
  inactivity: 'inactivityDue',
  lockout: 'lockoutDue',
  retention: 'retentionDue',
  leaver: 'leaverDue',
  stuck: 'stuck',
} as const satisfies Record<string, Kind>;

interface Builder {
  /** Builds one account of `kind` (in memory; nothing is written), named `displayName` (default 'Bench Account'). */
  make(kind: Kind, domain: string, displayName?: string): Promise<Made>;
}

/**
 * A builder of accounts in the store's shape, at seeding time `t` (epoch ms).
 *
 * @example
 * const builder = accountBuilder(shape, Date.now());
 * const { account, items, history } = await builder.make('inactivityDue', 'd1.bench.example');
 */
function accountBuilder(shape: StoreShape, t: number): Builder {
  return {
    async make(kind, domain, displayName = 'Bench Account') {
      const rec = recorder(shape);
      const deps = (at: Date) => ({ store: rec.store, policy: shape.policy, clock: () => at });
      const { created, steps } = KINDS[kind](t);
      const accountId = ulid(created);
      const createdAt = new Date(created);
      const fresh = newAccount(
        {
          accountId,
          email: `${accountId.toLowerCase()}@${domain}`,
          displayName,
          activate: true,
          caller: ADMIN,
        },
        createdAt,
        shape.policy,
      );
      await rec.store.create(fresh.account, fresh.entry);
      let account = fresh.account;
      const all: Step[] = [{ at: createdAt, request: complete, race: 'system' }, ...steps];
      for (const step of all) {
        const applied = await apply(deps(step.at), account, step.request(account), { race: step.race ?? 'caller' });
        if (applied.outcome === 'refused') throw new Error(`seeding ${kind}: ${applied.detail}`);
        account = applied.account;
      }
      const recorded = rec.take();
      const items = finalItems(recorded);
      return {
        account,
        items: items.filter((i) => !isHistory(i)),
        history: items.filter(isHistory),
        counts: counterSums(recorded),
      };
    },
  };
}

/**
 * Writes `items` with BatchWriteItem (25 a request, `concurrency` requests at once), retrying what
 * DynamoDB leaves unprocessed.
 */
async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  concurrency = 4,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const batch = items.slice(next, next + 25);
        next += 25;
        let pending: Record<string, unknown[]> | undefined = {
          [tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
        };
        for (let attempt = 0; pending !== undefined && Object.keys(pending).length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
          const out = await client.send(new BatchWriteCommand({ RequestItems: pending as never }));
          pending = out.UnprocessedItems as Record<string, unknown[]> | undefined;
        }
      }
    }),
  );
}

/** A DocumentClient transaction item in the low-level client's form (values marshalled). */
function toRawTransactItem(item: DocumentTransactItem): TransactWriteItem {
  const options = { removeUndefinedValues: true, convertClassInstanceToMap: false };
  const values = (v: Record<string, unknown> | undefined) =>
    v === undefined ? {} : { ExpressionAttributeValues: marshall(v, options) };
  if (item.Put !== undefined) {
    const { Item, ExpressionAttributeValues, ...rest } = item.Put;
    return { Put: { ...rest, Item: marshall(Item as Item, options), ...values(ExpressionAttributeValues) } };
  }
  if (item.Delete !== undefined) {
    const { Key, ExpressionAttributeValues, ...rest } = item.Delete;
    return { Delete: { ...rest, Key: marshall(Key as Item, options), ...values(ExpressionAttributeValues) } };
  }
  if (item.Update !== undefined) {
    const { Key, ExpressionAttributeValues, ...rest } = item.Update;
    return { Update: { ...rest, Key: marshall(Key as Item, options), ...values(ExpressionAttributeValues) } };
  }
  throw new Error('the bench only replays Put, Update and Delete transaction items');
}

/** A write the store would send, in the low-level client's form (values marshalled), ready to replay. */
type RawWrite =
  | { readonly kind: 'transact'; readonly items: TransactWriteItem[] }
  | { readonly kind: 'put'; readonly input: ConstructorParameters<typeof PutItemCommand>[0] };

/**
 * The one write `write` makes the recording store send (a change's transaction, a quiet write's put),
 * recorded, not sent, in the low-level form.
 *
 * @example
 * const raw = await recordedWrite(rec, (store) => store.change(account, next, entry));
 * await sendRaw(client, raw);
 */
async function recordedWrite(rec: Recorder, write: (store: AccountStore) => Promise<unknown>): Promise<RawWrite> {
  await write(rec.store);
  const recorded = rec.take();
  const last = recorded[recorded.length - 1];
  if (last === undefined || recorded.length !== 1)
    throw new Error(`expected one write, the store sent ${recorded.length}`);
  if (last.kind === 'transact') return { kind: 'transact', items: last.items.map(toRawTransactItem) };
  const options = { removeUndefinedValues: true, convertClassInstanceToMap: false };
  const { Item, ExpressionAttributeValues, ...rest } = last.input;
  return {
    kind: 'put',
    input: {
      ...rest,
      Item: marshall(Item as Item, options),
      ...(ExpressionAttributeValues ? { ExpressionAttributeValues: marshall(ExpressionAttributeValues, options) } : {}),
    },
  };
}

/**
 * Sends a recorded write as it is, through the low-level client (the raw call). A transaction carries a
 * ClientRequestToken, as the store's do (it makes an SDK retry of a committed transaction succeed).
 */
async function sendRaw(client: DynamoDBClient, write: RawWrite): Promise<void> {
  if (write.kind === 'transact')
    await client.send(new TransactWriteItemsCommand({ TransactItems: write.items, ClientRequestToken: randomUUID() }));
  else await client.send(new PutItemCommand(write.input));
}

/** Interleaves `counts` of kinds into one repeating list (so kinds spread over the run). */
function mixOf(mix: readonly (readonly [Kind, number])[]): Kind[] {
  const out: Kind[] = [];
  const left = mix.map(([kind, n]) => ({ kind, n }));
  while (left.some((k) => k.n > 0)) {
    for (const k of left) {
      if (k.n > 0) {
        out.push(k.kind);
        k.n -= 1;
      }
    }
  }
  return out;
}

export {
  ADMIN,
  CANDIDATE_KIND,
  FILLER_MIX,
  KINDS,
  accountBuilder,
  batchWrite,
  mixOf,
  recordedWrite,
  recorder,
  sendRaw,
};
export type { Builder, Item, Kind, Made, RawWrite, Recorded, Recorder, Step, StoreShape };
