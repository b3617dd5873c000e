/**
 * The worker's retry policy: exponential backoff between attempts (bounded by SQS's longest delay) and the
 * bounded error text kept in `inProgress.lastError`. Policy of the worker feature, not a status rule. Pure.
 */
import { MAX_ERROR_LENGTH } from '../domain/system-rules';

/** SQS's longest message delay; longer backoffs are capped here. */
const MAX_DELAY_SECONDS = 900;

const ELLIPSIS = '…';

/**
 * The delay before the next attempt, after `attempts` failed attempts of the round:
 * `firstDelaySeconds × 2^(attempts − 1)`, capped at {@link MAX_DELAY_SECONDS}.
 *
 * @example
 * backoffSeconds(1, 30) // 30
 * backoffSeconds(3, 30) // 120
 */
function backoffSeconds(attempts: number, firstDelaySeconds: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(MAX_DELAY_SECONDS, firstDelaySeconds * 2 ** exponent);
}

/**
 * An error message fit for `lastError`: one line, at most `max` characters (the domain's limit by default;
 * an ellipsis marks a cut).
 *
 * @example
 * truncateError('HTTP 503\nService Unavailable', 12) // 'HTTP 503 Se…'
 */
function truncateError(message: string, max: number = MAX_ERROR_LENGTH): string {
  const line = message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

export { backoffSeconds, truncateError, MAX_DELAY_SECONDS, MAX_ERROR_LENGTH };
