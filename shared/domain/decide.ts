/**
 * The status rules of SPEC §2 as one pure function. PLACEHOLDER: being implemented (issue 2).
 */
import type { Account, HistoryDraft } from './account';
import type { Policy } from './policy';
import type { Caller, Decision, Request } from './requests';

interface NewAccountInput {
  readonly accountId: string;
  /** Already trimmed and lower-cased. */
  readonly email: string;
  readonly displayName: string | null;
  /** true (the default): provision to active via pending (202); false: rest in pending (201). */
  readonly activate: boolean;
  readonly caller: Caller;
}

/** A new account and its creation history entry (from null to pending). */
function newAccount(_input: NewAccountInput, _now: Date, _policy: Policy): { account: Account; entry: HistoryDraft; accepted: boolean } {
  throw new Error('not implemented');
}

/** What `request` does to `account` at `now`: a change, a quiet write, nothing, or a refusal. */
function decide(_account: Account, _request: Request, _now: Date, _policy: Policy): Decision {
  throw new Error('not implemented');
}

export { decide, newAccount };
export type { NewAccountInput };
