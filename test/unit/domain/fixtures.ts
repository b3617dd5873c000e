/**
 * Accounts, callers and decision helpers shared by the domain unit tests.
 */
import type { Account, InProgress } from '../../../shared/domain/account';
import { DEFAULT_POLICY, DAY, HOUR } from '../../../shared/domain/policy';
import type { Caller, Result as Decision } from '../../../shared/domain/requests';
import type { Status } from '../../../shared/domain/statuses';
import type { Operation } from '../../../shared/domain/transitions';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const POLICY = DEFAULT_POLICY;
const ACCOUNT_ID = '01JNQ5V9X6M8K2R4T7W1Y3Z5A0';

const WRITER: Caller = { sub: 'writer-sub', scopes: ['accounts:write'], requestId: 'req-writer' };
const ADMIN: Caller = { sub: 'admin-sub', scopes: ['accounts:admin'], requestId: 'req-admin' };

/** An instant `ms` away from NOW, as ISO. */
const iso = (ms = 0): string => new Date(NOW.getTime() + ms).toISOString();

/** An active account, last active yesterday, at version 7, with `overrides`. */
function anAccount(overrides: Partial<Account> = {}): Account {
  return {
    accountId: ACCOUNT_ID,
    email: 'jo@example.org',
    domain: 'example.org',
    displayName: 'Jo Bloggs',
    status: 'active',
    statusSince: iso(-10 * DAY),
    statusReason: 'earlier reason',
    updatedBy: 'someone',
    updatedAt: iso(-10 * DAY),
    version: 7,
    inProgress: null,
    leaver: null,
    lock: null,
    lastActivityAt: iso(-DAY),
    deletedAt: null,
    purgeAfter: null,
    createdAt: iso(-100 * DAY),
    failedLogins: null,
    stuckAlert: null,
    revision: 1,
    ...overrides,
  };
}

/** An outstanding operation started an hour ago with id `op-1`. */
function anOperation(
  operation: Operation,
  from: Status,
  target: Status,
  overrides: Partial<InProgress> = {},
): InProgress {
  return {
    operationId: 'op-1',
    operation,
    target,
    from,
    startedAt: iso(-HOUR),
    attempts: 2,
    lastError: 'timeout',
    round: 1,
    ...overrides,
  };
}

/** A resting account in `status` with the marks that status implies (a lock, deletion dates). */
function restingIn(status: Status, overrides: Partial<Account> = {}): Account {
  const marks: Partial<Account> =
    status === 'locked'
      ? { lock: { reason: 'admin', until: null, previousStatus: 'active' } }
      : status === 'deleted'
        ? { deletedAt: iso(-DAY), purgeAfter: iso(29 * DAY), email: 'jo@example.org' }
        : status === 'deleted_permanent'
          ? { deletedAt: iso(-40 * DAY), purgeAfter: iso(-10 * DAY), email: null, displayName: null }
          : {};
  return anAccount({ status, ...marks, ...overrides });
}

/** The operations of SPEC §2 as an in-progress account: in-progress status, operation, from, target. */
const IN_PROGRESS_CASES: readonly { status: Status; operation: Operation; from: Status; target: Status }[] = [
  { status: 'pending', operation: 'provision', from: 'pending', target: 'active' },
  { status: 'enabling', operation: 'enable', from: 'disabled', target: 'active' },
  { status: 'disabling', operation: 'disable', from: 'active', target: 'disabled' },
  { status: 'deleting', operation: 'delete', from: 'active', target: 'deleted' },
  { status: 'deleting', operation: 'purge', from: 'deleted', target: 'deleted_permanent' },
  { status: 'restoring', operation: 'restore', from: 'deleted', target: 'active' },
  { status: 'migration_pending', operation: 'migrate', from: 'active', target: 'active' },
];

/** An account in progress in `status`, doing `operation` from `from` to `target`. */
function inProgressIn(
  status: Status,
  operation: Operation,
  from: Status,
  target: Status,
  overrides: Partial<Account> = {},
): Account {
  const deletion = from === 'deleted' ? { deletedAt: iso(-DAY), purgeAfter: iso(29 * DAY) } : {};
  return anAccount({ status, inProgress: anOperation(operation, from, target), ...deletion, ...overrides });
}

type Changed = Extract<Decision, { outcome: 'changed' }>;
type Quiet = Extract<Decision, { outcome: 'quiet' }>;
type Refused = Extract<Decision, { outcome: 'refused' }>;

/** The decision as a change; throws (failing the test) with the decision otherwise. */
function asChanged(decision: Decision): Changed {
  if (decision.outcome !== 'changed') throw new Error(`expected a change, got ${JSON.stringify(decision)}`);
  return decision;
}

function asQuiet(decision: Decision): Quiet {
  if (decision.outcome !== 'quiet') throw new Error(`expected a quiet write, got ${JSON.stringify(decision)}`);
  return decision;
}

function asRefused(decision: Decision): Refused {
  if (decision.outcome !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(decision)}`);
  return decision;
}

export {
  ACCOUNT_ID,
  ADMIN,
  IN_PROGRESS_CASES,
  NOW,
  POLICY,
  WRITER,
  anAccount,
  anOperation,
  asChanged,
  asQuiet,
  asRefused,
  inProgressIn,
  iso,
  restingIn,
};
export type { Changed, Quiet, Refused };
