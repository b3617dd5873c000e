/**
 * The single-table layout: item keys, and the derived index attributes an account item carries.
 * Every derived attribute is recomputed from the account on every write, and omitted where it does not
 * apply, so the due-time indexes stay sparse. When an account is due is the domain's rule
 * (shared/domain/due.ts); this module only shards and encodes it. docs/design.md explains each key and index.
 */
import type { Account } from '../domain/account';
import { DUE_KINDS, dueAt, type DueKind } from '../domain/due';
import type { Policy } from '../domain/policy';
import { DOMAIN_KIND_INDEX, DUE_KIND_INDEX, Index, TABLE } from './table';

type ItemKey = { readonly PK: string; readonly SK: string };

const ACCOUNT_PREFIX = 'ACCOUNT#';
const ACCOUNT_SK = 'ACCOUNT';
const HISTORY_PREFIX = 'HISTORY#';
const EMAIL_PREFIX = 'EMAIL#';
const EMAIL_SK = 'EMAIL';
const CLAIM_PREFIX = 'CLAIM#';
/** The externalId lookup items: `EXTERNAL#<externalId>` / `ACCOUNT#<accountId>`, one per account holding it. */
const EXTERNAL_PREFIX = 'EXTERNAL#';
const CLAIM_SK = 'CLAIM';

/** A live account's list key: `live#<email>`, so one domain lists by email whatever characters an address holds. */
const LIVE_PREFIX = 'live#';
/** A purged account's list key: `purged#<accountId>`, sorting after every live key (a tombstone keeps no email). */
const TOMBSTONE_PREFIX = 'purged#';

const accountPk = (accountId: string): string => `${ACCOUNT_PREFIX}${accountId}`;
const accountKey = (accountId: string): ItemKey => ({ PK: accountPk(accountId), SK: ACCOUNT_SK });
const historyKey = (accountId: string, entryId: string): ItemKey => ({
  PK: accountPk(accountId),
  SK: `${HISTORY_PREFIX}${entryId}`,
});
const emailKey = (email: string): ItemKey => ({ PK: `${EMAIL_PREFIX}${email}`, SK: EMAIL_SK });
const claimKey = (key: string): ItemKey => ({ PK: `${CLAIM_PREFIX}${key}`, SK: CLAIM_SK });
const externalIdPk = (externalId: string): string => `${EXTERNAL_PREFIX}${externalId}`;
const externalIdKey = (externalId: string, accountId: string): ItemKey => ({
  PK: externalIdPk(externalId),
  SK: `${ACCOUNT_PREFIX}${accountId}`,
});

interface IndexKeys {
  readonly index: Index;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** An index's key attribute names, read from the table definition (one source for table and queries). */
function indexKeys(name: Index): IndexKeys {
  const definition = TABLE.indexes.find((i) => i.name === name);
  if (definition === undefined) throw new TypeError(`the table has no index ${name}`);
  return { index: name, partitionKey: definition.partitionKey.name, sortKey: definition.sortKey.name };
}

const BY_DOMAIN = indexKeys(Index.BY_DOMAIN);

/** The index keys serving each candidate set of SPEC §5 (DUE_KIND_INDEX, with its key names). */
const DUE_INDEX = Object.fromEntries(
  Object.entries(DUE_KIND_INDEX).map(([kind, index]) => [kind, indexKeys(index)]),
) as Readonly<Record<DueKind, IndexKeys>>;

/** The per-domain index keys serving each previewable sweep (DOMAIN_KIND_INDEX, with its key names). */
const DOMAIN_DUE_INDEX = Object.fromEntries(
  Object.entries(DOMAIN_KIND_INDEX).map(([kind, index]) => [kind, indexKeys(index)]),
) as Readonly<Record<keyof typeof DOMAIN_KIND_INDEX, IndexKeys>>;

/** The partition of a per-domain due-time index: `example.org#inactivity`. */
const domainDuePartition = (domain: string, kind: keyof typeof DOMAIN_KIND_INDEX): string => `${domain}#${kind}`;

/** The worker's trigger: `<operationId>#<round>`, only on the write that starts a round. */
const DISPATCH = 'dispatch';

/**
 * A stable shard for an account id: FNV-1a (32 bit) of the id, modulo `shards`.
 *
 * @example
 * shardOf('01J9Z3V6W8K2M4N6P8Q0R2S4T6', 16) // always the same number in 0..15
 */
function shardOf(accountId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** The partition of a due-time index for one candidate set and shard: `inactivity#07`. */
const duePartition = (kind: DueKind, shard: number): string => `${kind}#${String(shard).padStart(2, '0')}`;

interface LayoutOptions {
  readonly policy: Policy;
  readonly shards: number;
}

/**
 * The derived attributes of an account item: its place in byDomain and, for each candidate set the account
 * is due in (shared/domain/due.ts), its shard and due time in that set's sparse index (due / leaver /
 * alerts). Attributes that do not apply are absent.
 *
 * @example
 * indexAttributes(account, { policy, shards: 16 }) // { domainKey, listKey, duePk: 'inactivity#03', dueAt }
 */
function indexAttributes(account: Account, options: LayoutOptions): Record<string, string> {
  const shard = shardOf(account.accountId, options.shards);
  const attributes: Record<string, string> = {
    [BY_DOMAIN.partitionKey]: account.domain,
    [BY_DOMAIN.sortKey]:
      account.email === null ? `${TOMBSTONE_PREFIX}${account.accountId}` : `${LIVE_PREFIX}${account.email}`,
  };
  for (const kind of DUE_KINDS) {
    const at = dueAt(kind, account, options.policy);
    if (at === null) continue;
    const { partitionKey, sortKey } = DUE_INDEX[kind];
    if (attributes[partitionKey] !== undefined) {
      throw new TypeError(`account ${account.accountId} is due for two candidate sets of one index`);
    }
    attributes[partitionKey] = duePartition(kind, shard);
    attributes[sortKey] = at;
    // One domain's candidates of each sweep, for its preview (sorted by the same due time).
    if (kind !== 'stuck' && kind !== 'stuck_alert')
      attributes[DOMAIN_DUE_INDEX[kind].partitionKey] = domainDuePartition(account.domain, kind);
  }
  return attributes;
}

/**
 * `dispatch` for the write from `previous` to `next`: present only when `next` starts a round of an
 * in-progress operation (a new operation, or an operator's retry), so the worker's stream filter sees
 * each round once and never a failure record.
 */
function dispatchAttribute(previous: Account | null, next: Account): Record<string, string> {
  const started = next.inProgress;
  if (started === null) return {};
  const before = previous?.inProgress ?? null;
  if (before !== null && before.operationId === started.operationId && before.round === started.round) return {};
  return { [DISPATCH]: `${started.operationId}#${started.round}` };
}

export {
  ACCOUNT_PREFIX,
  ACCOUNT_SK,
  HISTORY_PREFIX,
  EMAIL_SK,
  TOMBSTONE_PREFIX,
  LIVE_PREFIX,
  BY_DOMAIN,
  DUE_INDEX,
  DOMAIN_DUE_INDEX,
  DISPATCH,
  accountPk,
  accountKey,
  historyKey,
  emailKey,
  claimKey,
  externalIdKey,
  externalIdPk,
  indexKeys,
  shardOf,
  duePartition,
  domainDuePartition,
  indexAttributes,
  dispatchAttribute,
};
export type { ItemKey, IndexKeys, LayoutOptions };
