/**
 * The account record, its marks, history entries and the requests that change it. Types only, plus the
 * resource view the API returns. Pure: no I/O.
 */
import type { Status, LoginPolicy, MailPolicy } from './statuses';
import type { Operation } from './transitions';

/** The actor of system transitions (001: "UpdatedBy ... BackgroundTasks"). */
const BACKGROUND_TASKS = 'BackgroundTasks';

type LockReason = 'admin' | 'failed_logins';

interface Lock {
  readonly reason: LockReason;
  /** When a `failed_logins` lock expires; null for admin locks and for lockouts "until an administrator unlocks". */
  readonly until: string | null;
  /** The status the account had before it was locked; an expired `failed_logins` lock returns there. */
  readonly previousStatus: Status;
}

interface Leaver {
  /** A UTC date, YYYY-MM-DD. */
  readonly leaveDate: string;
  /** leaveDate + leaver window, ISO 8601. */
  readonly windowEndsAt: string;
}

interface InProgress {
  /** Stays the same across every attempt of one operation, so the platform can de-duplicate. */
  readonly operationId: string;
  readonly operation: Operation;
  /** Where the operation ends. */
  readonly target: Status;
  /** The resting status before the operation started; cancel returns there. */
  readonly from: Status;
  readonly startedAt: string;
  /** Attempts in the current round; reset by an operator's retry. */
  readonly attempts: number;
  readonly lastError: string | null;
  /** Bumped by every start and retry; the worker is triggered by a new round, never by a failure record. */
  readonly round: number;
  /**
   * Only when the operation started from `locked`: the lock it had (a lock exists only while locked), put
   * back if the operation is cancelled. Internal; not part of the resource.
   */
  readonly lock?: Lock;
}

/** Consecutive failed logins inside the failure window. Not a change: no history, no version. */
interface FailedLogins {
  readonly count: number;
  readonly windowStartedAt: string;
}

/** The stuck detector's memory of the episode it alerted on. Not a change: no history, no version. */
interface StuckAlert {
  /** The in-progress episode alerted on: its operationId and the in-progress status. */
  readonly operationId: string;
  readonly status: Status;
  readonly alertedAt: string;
  readonly remindAt: string;
}

/** A person's name as an identity provider sends it (SCIM `name`); kept only to give it back. */
interface PersonName {
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly formatted: string | null;
}

/** Where an account is wanted: `active` (may log in), `disabled` (access blocked, mail delivered) or `deleted`. */
type WantedStatus = 'active' | 'disabled' | 'deleted';

/**
 * A wish that could not apply at once because an operation was in progress (SPEC §10): applied, as the
 * `actor` who asked for it, when the operation completes or is cancelled (./wanted.ts).
 */
interface Wanted {
  readonly status: WantedStatus;
  readonly actor: string;
  readonly requestId: string | null;
  readonly at: string;
}

/** The stored account: the resource fields plus internal marks. */
interface Account {
  readonly accountId: string;
  /** Null once purged (a tombstone keeps no personal data). */
  readonly email: string | null;
  readonly domain: string;
  readonly displayName: string | null;
  readonly status: Status;
  readonly statusSince: string;
  readonly statusReason: string | null;
  readonly updatedBy: string;
  readonly updatedAt: string;
  /** Bumped by every change (a history entry); not by activity, failure counts or worker attempts. */
  readonly version: number;
  readonly inProgress: InProgress | null;
  readonly leaver: Leaver | null;
  readonly lock: Lock | null;
  readonly lastActivityAt: string | null;
  readonly deletedAt: string | null;
  readonly purgeAfter: string | null;
  readonly createdAt: string;
  readonly failedLogins: FailedLogins | null;
  readonly stuckAlert: StuckAlert | null;
  /** The identity provider's id of the person (SCIM `externalId`); absent on accounts made before SCIM. */
  readonly externalId?: string | null;
  /** The person's name as the identity provider sent it (SCIM `name`). */
  readonly name?: PersonName | null;
  /** A wish kept while an operation is in progress (./wanted.ts); null otherwise. */
  readonly wanted?: Wanted | null;
  /**
   * The stored revision of this state: 1 when created, + 1 by every write (changes and quiet writes alike).
   * The store writes `next` only over the revision `previous` carries; not part of the resource.
   */
  readonly revision: number;
}

/** What the access endpoint and login-event responses answer. */
interface AccessDecision {
  readonly login: LoginPolicy;
  readonly mail: MailPolicy;
}

/** A history entry as the domain drafts it; the store gives it its id and the account's keys. */
interface HistoryDraft {
  readonly at: string;
  readonly from: Status | null;
  readonly to: Status;
  readonly action: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly requestId: string | null;
}

/** A stored history entry (also the `detail` of an AccountStatusChanged event, with accountId and domain). */
interface HistoryEntry extends HistoryDraft {
  /** A ULID: sorts by time, and is the event id consumers de-duplicate by. */
  readonly id: string;
  readonly accountId: string;
  readonly domain: string;
}

export { BACKGROUND_TASKS };
export type {
  Account,
  AccessDecision,
  FailedLogins,
  HistoryDraft,
  HistoryEntry,
  InProgress,
  Leaver,
  Lock,
  LockReason,
  PersonName,
  StuckAlert,
  Wanted,
  WantedStatus,
};
