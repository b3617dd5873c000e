/**
 * Status changes by administrators: one account (PUT /accounts/{id}/status) or many, each on its own
 * (POST /accounts/bulk-status).
 */
import { mapLimit } from '../concurrency';
import { ConflictError, NotFoundError, RefusedError } from '../errors';
import type { Status } from '../domain/statuses';
import type { ApiCaller } from './caller';
import type { ServiceDeps } from './deps';
import type { HistoryEntry } from '../domain/account';
import type { Done } from '../domain/requests';
import { applyToOwned } from './owned-account';

interface StatusInput {
  readonly status: Status;
  readonly reason?: string | null;
}

type BulkOutcome = 'changed' | 'accepted' | 'unchanged' | 'refused' | 'not_found';

interface BulkResult {
  readonly accountId: string;
  readonly outcome: BulkOutcome;
  /** The status after the request; absent for `not_found`. */
  readonly status?: Status;
  /** Why it was refused (a typed error the HTTP layer turns into a problem object). */
  readonly error?: Error;
}

/** How many accounts of a bulk request are worked on at once. */
const BULK_CONCURRENCY = 10;

/**
 * Sets the status of one account the caller may see. `underway`: an operation is under way.
 *
 * @example
 * const { account, underway } = await setStatus(deps, caller, id, { status: 'disabled' });
 * // account.status 'disabling', underway true
 */
async function setStatus(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  input: StatusInput,
  expectedVersion?: number,
): Promise<Done<HistoryEntry>> {
  return applyToOwned(
    deps,
    caller,
    accountId,
    { kind: 'set_status', target: input.status, reason: input.reason ?? null, caller },
    expectedVersion,
  );
}

/** The bulk outcome of one account's result. */
function bulkOutcome({ underway, outcome }: Done<HistoryEntry>): BulkOutcome {
  if (underway) return 'accepted';
  return outcome === 'changed' ? 'changed' : 'unchanged';
}

/** One account of a bulk request: a refusal, a lost race or an unknown account is its result, not an error. */
async function bulkOne(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  input: StatusInput,
): Promise<BulkResult> {
  try {
    const result = await setStatus(deps, caller, accountId, input);
    return { accountId, outcome: bulkOutcome(result), status: result.account.status };
  } catch (error) {
    if (error instanceof NotFoundError) return { accountId, outcome: 'not_found' };
    if (!(error instanceof RefusedError || error instanceof ConflictError)) throw error;
    const current = await deps.store.get(accountId);
    return { accountId, outcome: 'refused', ...(current === null ? {} : { status: current.status }), error };
  }
}

/**
 * Sets `input.status` on each account on its own, in the order asked: `changed`, `accepted` (in progress),
 * `unchanged`, `refused` (with the error) or `not_found` (also outside the caller's domains).
 */
async function bulkSetStatus(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountIds: readonly string[],
  input: StatusInput,
): Promise<BulkResult[]> {
  return mapLimit(accountIds, BULK_CONCURRENCY, (accountId) => bulkOne(deps, caller, accountId, input));
}

export { bulkSetStatus, setStatus };
export type { BulkOutcome, BulkResult, StatusInput };
