/**
 * Hand-built accounts and history drafts for the store tests (the store takes whatever the rules decided;
 * these stand in for the rules).
 */
import { ulid } from 'ulid';
import type { Account, HistoryDraft, InProgress } from '../../../shared/domain/account';
import type { Status } from '../../../shared/domain/statuses';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An ISO instant `ms` from now (negative: in the past). */
const fromNow = (ms: number): string => new Date(Date.now() + ms).toISOString();

/** A domain of its own, so one test's listing never sees another's accounts. */
const uniqueDomain = (): string => `${ulid().toLowerCase()}.example`;

function account(overrides: Partial<Account> = {}): Account {
  const accountId = overrides.accountId ?? ulid();
  const domain = overrides.domain ?? 'example.org';
  const now = new Date().toISOString();
  return {
    accountId,
    email: `${accountId.toLowerCase()}@${domain}`,
    domain,
    displayName: 'Ada Lovelace',
    status: 'active',
    statusSince: now,
    statusReason: null,
    updatedBy: 'alice',
    updatedAt: now,
    version: 1,
    inProgress: null,
    leaver: null,
    lock: null,
    lastActivityAt: null,
    deletedAt: null,
    purgeAfter: null,
    createdAt: now,
    failedLogins: null,
    stuckAlert: null,
    revision: 1,
    ...overrides,
  };
}

function draft(from: Status | null, to: Status, action = 'set_status'): HistoryDraft {
  return { at: new Date().toISOString(), from, to, action, actor: 'alice', reason: null, requestId: null };
}

/** `previous` changed by `patch`: the next version (and revision), as the rules would write it. */
function changed(previous: Account, patch: Partial<Account>): Account {
  const next = { version: previous.version + 1, revision: previous.revision + 1 };
  return { ...previous, ...patch, ...next, updatedAt: new Date().toISOString() };
}

/** `previous` with `patch` written quietly: the same version, the next revision. */
function quietly(previous: Account, patch: Partial<Account>): Account {
  return { ...previous, ...patch, revision: previous.revision + 1 };
}

function inProgress(overrides: Partial<InProgress> = {}): InProgress {
  return {
    operationId: ulid(),
    operation: 'disable',
    target: 'disabled',
    from: 'active',
    startedAt: new Date().toISOString(),
    attempts: 0,
    lastError: null,
    round: 1,
    ...overrides,
  };
}

export { HOUR, DAY, fromNow, uniqueDomain, account, draft, changed, quietly, inProgress };
