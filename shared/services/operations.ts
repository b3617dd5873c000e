/**
 * An account's in-progress operation: drive it again now (retry), or give it up (cancel).
 */
import type { ApiCaller } from './caller';
import type { ServiceDeps } from './deps';
import { applyAsCaller, loadOwned, type Outcome } from './load';

/** A fresh round of attempts of the outstanding operation (accepted: 202); RefusedError when none is outstanding. */
async function retryOperation(deps: ServiceDeps, caller: ApiCaller, accountId: string): Promise<Outcome> {
  const account = await loadOwned(deps, caller, accountId);
  return applyAsCaller(deps, account, { kind: 'retry', caller });
}

/** Gives up the outstanding operation and returns to the status before it; RefusedError when none is outstanding. */
async function cancelOperation(
  deps: ServiceDeps,
  caller: ApiCaller,
  accountId: string,
  reason: string | null,
): Promise<Outcome> {
  const account = await loadOwned(deps, caller, accountId);
  return applyAsCaller(deps, account, { kind: 'cancel', reason, caller });
}

export { cancelOperation, retryOperation };
