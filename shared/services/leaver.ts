/**
 * The leaver mark (SPEC §2 "Leavers"): set it with a leave date, or cancel it.
 */
import { leaveDateProblem } from '../domain/decide';
import { InvalidInputError } from '../errors';
import type { ApiCaller } from './caller';
import { nowOf, type ServiceDeps } from './deps';
import type { HistoryEntry } from '../domain/account';
import type { Done } from '../domain/requests';
import { applyToOwned } from './owned-account';

interface LeaverInput {
  /** A UTC date, YYYY-MM-DD; default today. */
  readonly leaveDate?: string | null;
  readonly reason?: string | null;
}

/**
 * Marks the account as a leaver. A leave date outside the policy's range is InvalidInputError (400),
 * checked before the account is read (SPEC §4: 400 before 404).
 *
 * @example
 * await markLeaver(deps, caller, id, { leaveDate: '2026-03-01' }); // account.leaver.windowEndsAt '2026-03-31T00:00:00.000Z'
 */
async function markLeaver(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  input: LeaverInput,
): Promise<Done<HistoryEntry>> {
  const leaveDate = input.leaveDate ?? null;
  const problem = leaveDate === null ? null : leaveDateProblem(leaveDate, nowOf(deps), deps.policy);
  if (problem !== null) throw new InvalidInputError([{ path: '/leaveDate', message: problem }]);
  return applyToOwned(deps, caller, accountId, {
    kind: 'mark_leaver',
    leaveDate,
    reason: input.reason ?? null,
    caller,
  });
}

/** Cancels the leaver mark; an account without one is left alone. */
async function unmarkLeaver(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  reason: string | null,
): Promise<Done<HistoryEntry>> {
  return applyToOwned(deps, caller, accountId, { kind: 'unmark_leaver', reason, caller });
}

export { markLeaver, unmarkLeaver };
export type { LeaverInput };
