/**
 * The account resource of SPEC §4: what every response that returns an account returns. Internal marks
 * (failure count, stuck memory, operation ids and rounds) stay inside. Pure: no I/O.
 */
import type { AccessDecision, Account, Leaver, Lock } from './account';
import { accessDecision } from './access';
import { statusLabel, type Status } from './statuses';
import type { Operation } from './transitions';

interface AccountResource {
  readonly accountId: string;
  readonly email: string | null;
  readonly domain: string;
  readonly displayName: string | null;
  readonly status: Status;
  readonly statusLabel: string;
  readonly statusSince: string;
  readonly statusReason: string | null;
  readonly updatedBy: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly inProgress: {
    readonly operation: Operation;
    readonly target: Status;
    readonly startedAt: string;
    readonly attempts: number;
    readonly lastError: string | null;
    /** On-call has been paged about this operation (the stuck detector) and it is still outstanding. */
    readonly stuck: boolean;
  } | null;
  readonly leaver: Leaver | null;
  readonly lock: Lock | null;
  readonly lastActivityAt: string | null;
  readonly deletedAt: string | null;
  readonly purgeAfter: string | null;
  readonly access: AccessDecision;
  readonly createdAt: string;
}

/**
 * Whether the stuck detector's alert is about the account's current episode: on-call has been paged and the
 * operation still lasts (the rule the domain summary's `stuck` count follows, in shared/store/counts.ts).
 */
function isStuck(account: Account): boolean {
  const alert = account.stuckAlert;
  return (
    alert !== null &&
    account.inProgress !== null &&
    account.inProgress.operationId === alert.operationId &&
    account.status === alert.status
  );
}

/**
 * The resource view of an account at `now` (the access decision depends on the time).
 *
 * @example
 * toResource(account, new Date()).statusLabel // 'Active (Leaver)'
 */
function toResource(account: Account, now: Date): AccountResource {
  const { inProgress, leaver, lock } = account;
  return {
    accountId: account.accountId,
    email: account.email,
    domain: account.domain,
    displayName: account.displayName,
    status: account.status,
    statusLabel: statusLabel(account.status, leaver !== null),
    statusSince: account.statusSince,
    statusReason: account.statusReason,
    updatedBy: account.updatedBy,
    updatedAt: account.updatedAt,
    version: account.version,
    inProgress: inProgress && {
      operation: inProgress.operation,
      target: inProgress.target,
      startedAt: inProgress.startedAt,
      attempts: inProgress.attempts,
      lastError: inProgress.lastError,
      stuck: isStuck(account),
    },
    leaver,
    lock,
    lastActivityAt: account.lastActivityAt,
    deletedAt: account.deletedAt,
    purgeAfter: account.purgeAfter,
    access: accessDecision(account.status, lock, now),
    createdAt: account.createdAt,
  };
}

export { toResource, isStuck };
export type { AccountResource };
