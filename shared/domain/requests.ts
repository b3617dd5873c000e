/**
 * What can be asked of an account, and what happened to it: the one Result type. `decide` (./decide.ts)
 * maps (account, request, now, policy) to a Result; `apply` (shared/services/apply.ts) writes what it says
 * through the store port and returns the same Result with the stored history entry; the endpoints answer
 * from it. No HTTP here: the HTTP layer maps a refusal's reason to 403/409 and `underway` to 202.
 */
import type { Account, HistoryDraft, PersonName, WantedStatus } from './account';
import type { AccountSweep } from './due';
import type { Status } from './statuses';

/** Who asks: the token's `sub` and scopes, and the request id for the history entry. */
interface Caller {
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly requestId: string | null;
}

type LoginOutcome = 'success' | 'failure' | 'lockout';

type Request =
  /** PUT /accounts/{id}/status (and each account of a bulk change). */
  | { readonly kind: 'set_status'; readonly target: Status; readonly reason: string | null; readonly caller: Caller }
  /** DELETE /accounts/{id}: soft delete via deleting; already deleted is a no-op. */
  | { readonly kind: 'delete'; readonly reason: string | null; readonly caller: Caller }
  /** PATCH /accounts/{id}. */
  | { readonly kind: 'rename'; readonly displayName: string | null; readonly caller: Caller }
  /** PUT /accounts/{id}/leaver; leaveDate defaults to today (UTC). */
  | {
      readonly kind: 'mark_leaver';
      readonly leaveDate: string | null;
      readonly reason: string | null;
      readonly caller: Caller;
    }
  /** DELETE /accounts/{id}/leaver. */
  | { readonly kind: 'unmark_leaver'; readonly reason: string | null; readonly caller: Caller }
  /** POST /accounts/{id}/in-progress/retry: a fresh round of attempts, now. */
  | { readonly kind: 'retry'; readonly caller: Caller }
  /** POST /accounts/{id}/in-progress/cancel: back to the status before the operation. */
  | { readonly kind: 'cancel'; readonly reason: string | null; readonly caller: Caller }
  /** An identity provider's profile of the person (SCIM): only the fields given change. */
  | {
      readonly kind: 'update_profile';
      readonly externalId?: string | null;
      readonly name?: PersonName | null;
      readonly caller: Caller;
    }
  /**
   * Where the account should be (SCIM `active`, DELETE): reached through the table's transitions when the
   * account is resting; kept as `wanted` while an operation is in progress (./wanted.ts).
   */
  | { readonly kind: 'want'; readonly status: WantedStatus; readonly caller: Caller }
  /** POST /login-events. */
  | { readonly kind: 'login'; readonly outcome: LoginOutcome; readonly requestId: string | null }
  /** A sweep found the account due (the rule is checked again here: an index read may be stale). */
  | {
      readonly kind: 'sweep';
      readonly sweep: AccountSweep;
      readonly requestId: string | null;
      /** The sweep's fixed `now` (ISO), which decides what is due; the change itself is stamped with the real time. Defaults to the real time. */
      readonly asOf?: string | null;
    }
  /** The worker finished operation `operationId` on the platform. */
  | { readonly kind: 'operation_completed'; readonly operationId: string; readonly requestId: string | null }
  /**
   * The worker's attempt of `operationId` failed. `round`: the round the attempt belonged to; a failure of
   * an earlier round (an operator's retry started a new one while it ran) is not counted.
   */
  | {
      readonly kind: 'operation_failed';
      readonly operationId: string;
      readonly error: string;
      readonly round?: number;
    };

/** Why the rules refuse a request. Only the HTTP layer knows which status code each one answers. */
const RefusalReason = {
  /** The transition table (or the account's status) does not allow it. */
  NOT_ALLOWED: 'not_allowed',
  /** The target needs a scope the caller lacks; reported before a stale If-Match (SPEC §4's order). */
  NEEDS_SCOPE: 'needs_scope',
  /** An operation is under way; retry or cancel it first. */
  IN_PROGRESS: 'in_progress',
  /** Retry or cancel of an account with no operation under way. */
  NOT_IN_PROGRESS: 'not_in_progress',
  /** A restore after `purgeAfter`. */
  PURGE_WINDOW_PASSED: 'purge_window_passed',
  /** The account is a tombstone: it keeps no personal data and changes no more. */
  PURGED: 'purged',
  /** A leave date outside the policy's range. */
  INVALID_LEAVE_DATE: 'invalid_leave_date',
} as const;
type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

/** Refused: why, in words for people, and the targets this caller may set on this account now. */
interface Refusal {
  readonly outcome: 'refused';
  /** The account as it was (nothing was written). */
  readonly account: Account;
  readonly reason: RefusalReason;
  readonly title: string;
  readonly detail: string;
  readonly allowed: readonly Status[];
}

/**
 * What happened to the account. `Entry` is the history entry as `decide` drafts it, or as the store wrote
 * it (with its id) once `apply` has written the change. `underway`: an operation is under way — started by
 * this request, or already going where it asked.
 */
type Result<Entry extends HistoryDraft = HistoryDraft> =
  /** A change: `account` (version + 1) and `entry`, written in one transaction. */
  | { readonly outcome: 'changed'; readonly account: Account; readonly entry: Entry; readonly underway: boolean }
  /** Not a change (activity, failure count, worker attempt): `account` written without version or history. */
  | { readonly outcome: 'quiet'; readonly account: Account; readonly underway: false }
  /** Nothing to write: `account` as it was. */
  | { readonly outcome: 'unchanged'; readonly account: Account; readonly underway: boolean }
  | Refusal;

/** A result that is not a refusal: what a use-case returns once a refusal has become a RefusedError. */
type Done<Entry extends HistoryDraft = HistoryDraft> = Exclude<Result<Entry>, Refusal>;

export { RefusalReason };
export type { Caller, Done, LoginOutcome, Refusal, Request, Result };
