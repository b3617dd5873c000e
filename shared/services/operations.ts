/**
 * An account's in-progress operation: drive it again now (retry), or give it up (cancel).
 */
import type { ApiCaller } from './caller';
import type { ServiceDeps } from './deps';
import type { HistoryEntry } from '../domain/account';
import type { Done } from '../domain/requests';
import { applyToOwned } from './owned-account';

/** A fresh round of attempts of the outstanding operation (underway); RefusedError when none is outstanding. */
async function retryOperation(deps: ServiceDeps, caller: ApiCaller, accountId: string): Promise<Done<HistoryEntry>> {
  return applyToOwned(deps, caller, accountId, { kind: 'retry', caller });
}

/** Gives up the outstanding operation and returns to the status before it; RefusedError when none is outstanding. */
async function cancelOperation(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  reason: string | null,
): Promise<Done<HistoryEntry>> {
  return applyToOwned(deps, caller, accountId, { kind: 'cancel', reason, caller });
}

export { cancelOperation, retryOperation };
