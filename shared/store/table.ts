/**
 * The one DynamoDB table, declared once: the CDK data stack and the local stack / test setup both build
 * it from this definition. docs/design.md explains each key and index.
 */
import type { DueKind } from '../domain/due';

type AttributeType = 'S' | 'N';

interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** Every index projects whole items, so a reader needs no second read. */
  readonly projection: 'ALL';
}

interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /** Epoch seconds; history entries, idempotency records and login-event ids expire through it. */
  readonly ttlAttribute: string;
  readonly stream: 'NEW_AND_OLD_IMAGES';
}

const s = (name: string): KeyAttribute => ({ name, type: 'S' });

const Index = {
  /** One domain's accounts by email (tombstones sort apart, after every email). */
  BY_DOMAIN: 'byDomain',
  /** Sparse, sharded, by due time: inactivity, lockout expiry, retention and stuck candidates (mutually exclusive by status). */
  DUE: 'due',
  /** Sparse, sharded, by window end: leavers. */
  LEAVER: 'leaver',
  /** Sparse, sharded: open stuck episodes, by when the detector must look at them again. */
  ALERTS: 'alerts',
  /** Sparse, by due time: one domain's inactivity, lockout expiry and retention candidates (`<domain>#<kind>`), for sweep previews. */
  DOMAIN_DUE: 'domainDue',
  /** Sparse, by window end: one domain's leavers (`<domain>#leaver`), for the leaver sweep's preview. */
  DOMAIN_LEAVER: 'domainLeaver',
} as const;
type Index = (typeof Index)[keyof typeof Index];

const TABLE: TableDefinition = {
  partitionKey: s('PK'),
  sortKey: s('SK'),
  indexes: [
    { name: Index.BY_DOMAIN, partitionKey: s('domainKey'), sortKey: s('listKey'), projection: 'ALL' },
    { name: Index.DUE, partitionKey: s('duePk'), sortKey: s('dueAt'), projection: 'ALL' },
    { name: Index.LEAVER, partitionKey: s('leaverPk'), sortKey: s('leaverDueAt'), projection: 'ALL' },
    { name: Index.ALERTS, partitionKey: s('alertPk'), sortKey: s('alertAt'), projection: 'ALL' },
    { name: Index.DOMAIN_DUE, partitionKey: s('domainDuePk'), sortKey: s('dueAt'), projection: 'ALL' },
    { name: Index.DOMAIN_LEAVER, partitionKey: s('domainLeaverPk'), sortKey: s('leaverDueAt'), projection: 'ALL' },
  ],
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

/** Which index serves each candidate set of SPEC §5: the store queries it, the CDK grants it. */
const DUE_KIND_INDEX: Readonly<Record<DueKind, Index>> = {
  inactivity: Index.DUE,
  lockout: Index.DUE,
  retention: Index.DUE,
  stuck: Index.DUE,
  leaver: Index.LEAVER,
  stuck_alert: Index.ALERTS,
};

/** Which index serves one domain's candidates of each sweep, for its preview. */
const DOMAIN_KIND_INDEX = {
  inactivity: Index.DOMAIN_DUE,
  lockout: Index.DOMAIN_DUE,
  retention: Index.DOMAIN_DUE,
  leaver: Index.DOMAIN_LEAVER,
} as const satisfies Readonly<Partial<Record<DueKind, Index>>>;

/** The table name when nothing sets TABLE_NAME (the local stack and tests). */
const DEFAULT_TABLE_NAME = 'mailbox-lifecycle';

export { TABLE, Index, DUE_KIND_INDEX, DOMAIN_KIND_INDEX, DEFAULT_TABLE_NAME };
export type { TableDefinition, IndexDefinition, KeyAttribute };
