/**
 * The one error family: every error the service raises on purpose is an {@link AppError} with a stable
 * `code`, one subclass per kind. Nothing here knows about HTTP: shared/http/problem.ts maps each class
 * (with `instanceof`, in one place) to its problem response; the other entry points (sweeps, worker,
 * command-line tools) catch the classes they expect.
 */
import type { Refusal, RefusalReason } from './domain/requests';
import type { Status } from './domain/statuses';

/** One offending input field: where (JSON Pointer, `query.<name>`, `header.<name>`) and why. */
interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The base of the family. `code` is stable: logs and tests may rely on it. */
abstract class AppError extends Error {
  abstract readonly code: string;
}

/**
 * The base class of one kind of error: its `name` (spelled out, so that it survives minification and the
 * logs can name it) and its stable `code`.
 *
 * @example
 * class NotFoundError extends errorKind('NotFoundError', 'not_found') {}
 * new NotFoundError('no account 01J…').code // 'not_found'
 */
function errorKind<const Code extends string>(name: string, code: Code) {
  return class extends AppError {
    override readonly name: string = name;
    readonly code: Code = code;
  };
}

/** No such thing, or not one the caller may see (an account of another domain is not found, never forbidden). */
class NotFoundError extends errorKind('NotFoundError', 'not_found') {}

/** The status rules refused the request: why (the domain's reason) and the targets the caller may set now. */
class RefusedError extends AppError {
  override readonly name = 'RefusedError';
  readonly code = 'refused';
  readonly reason: RefusalReason;
  readonly title: string;
  readonly allowed: readonly Status[];

  constructor(refusal: Pick<Refusal, 'reason' | 'title' | 'detail' | 'allowed'>) {
    super(refusal.detail);
    this.reason = refusal.reason;
    this.title = refusal.title;
    this.allowed = refusal.allowed;
  }
}

/** A domain this caller does not administer, named outright (creating or listing there). */
class ForbiddenError extends errorKind('ForbiddenError', 'forbidden') {}

/** Another write won the race for the same account (a conditional write failed). */
class ConflictError extends errorKind('ConflictError', 'conflict') {}

/** An account with this email address exists. */
class DuplicateEmailError extends errorKind('DuplicateEmailError', 'duplicate_email') {}

/** A one-time claim (a login event id) was claimed before. */
class ClaimedError extends errorKind('ClaimedError', 'already_claimed') {}

/** If-Match named a version the account is no longer at. */
class PreconditionFailedError extends errorKind('PreconditionFailedError', 'precondition_failed') {}

/** A request with this Idempotency-Key is still being processed (or is changing state). */
class RequestInProgressError extends errorKind('RequestInProgressError', 'request_in_progress') {}

/** This Idempotency-Key was used before with another request body. */
class IdempotencyKeyReusedError extends errorKind('IdempotencyKeyReusedError', 'idempotency_key_reused') {}

/** A dependency is busy or down and nothing was changed: come back shortly. */
class UnavailableError extends errorKind('UnavailableError', 'unavailable') {}

/** Input that is not acceptable, field by field (also what passed a schema but not a rule needing the clock). */
class InvalidInputError extends AppError {
  override readonly name: string = 'InvalidInputError';
  readonly code: string = 'invalid_input';
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[], message = errors.map((e) => `${e.path}: ${e.message}`).join('; ')) {
    super(message);
    this.errors = errors;
  }
}

/** A listing cursor this listing did not make (forged, or from another query). */
class InvalidCursorError extends InvalidInputError {
  override readonly name = 'InvalidCursorError';
  override readonly code = 'invalid_cursor';

  constructor(message = 'the cursor is not valid') {
    super([{ path: 'query.cursor', message: 'is not a cursor of this listing' }], message);
  }
}

/** The token's claims are missing or unusable. */
class BadClaimsError extends errorKind('BadClaimsError', 'bad_claims') {}

/** A command-line tool was called wrongly; its usage line says how. */
class UsageError extends errorKind('UsageError', 'usage') {}

/** The process's configuration (environment) is invalid; the function cannot start. */
class ConfigError extends errorKind('ConfigError', 'config') {}

export {
  AppError,
  errorKind,
  BadClaimsError,
  ClaimedError,
  ConfigError,
  ConflictError,
  DuplicateEmailError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  RefusedError,
  RequestInProgressError,
  UnavailableError,
  UsageError,
};
export type { FieldError };
