/**
 * The mail platform port (SPEC §5): the platform side of an in-progress operation. The worker calls it
 * once per attempt; every attempt of one operation carries the same operationId, so the platform can
 * de-duplicate.
 */
import type { Status } from '../domain/statuses';
import type { Operation } from '../domain/transitions';

/** What the platform is asked to do (also the webhook's JSON body, in this field order). */
interface PlatformRequest {
  readonly operationId: string;
  readonly operation: Operation;
  readonly accountId: string;
  /** Null only for an account whose personal data is already gone. */
  readonly email: string | null;
  /** The status the account reaches when the operation completes. */
  readonly target: Status;
}

/** Done, or failed with a short, single-line message for `inProgress.lastError`. */
type PlatformResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

interface MailPlatform {
  /** Performs one attempt. Never throws for a platform failure: that is `{ ok: false }`. */
  perform(request: PlatformRequest): Promise<PlatformResult>;
}

export type { MailPlatform, PlatformRequest, PlatformResult };
