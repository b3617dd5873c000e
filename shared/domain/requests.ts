/**
 * What can be asked of an account, and what the status rules answer. `decide` (./decide.ts) maps
 * (account, request, now, policy) to a Decision; services write what it says through the store port.
 */
import type { Account, HistoryDraft, PersonName, WantedStatus } from './account';
import type { Status } from './statuses';

/** Who asks: the token's `sub` and scopes, and the request id for the history entry. */
interface Caller {
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly requestId: string | null;
}

type SweepName = 'inactivity' | 'leaver' | 'retention' | 'lockout';
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
      readonly sweep: SweepName;
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

type RefusalStatus = 403 | 409;

type Decision =
  /** A change: write `account` (version + 1) and `entry` in one transaction. `accepted`: an operation is under way (202). */
  | { readonly outcome: 'changed'; readonly account: Account; readonly entry: HistoryDraft; readonly accepted: boolean }
  /** Not a change (activity, failure count, worker attempt): write `account` without version or history. */
  | { readonly outcome: 'quiet'; readonly account: Account }
  /** Nothing to write. `accepted`: the account is already going where it was asked (202). */
  | { readonly outcome: 'unchanged'; readonly accepted: boolean }
  /** Refused: 409 (or 403 for a target that needs a scope the caller lacks) with the allowed targets. */
  | {
      readonly outcome: 'refused';
      readonly status: RefusalStatus;
      readonly title: string;
      readonly detail: string;
      readonly allowed: readonly Status[];
    };

export type { Caller, Decision, LoginOutcome, RefusalStatus, Request, SweepName };
