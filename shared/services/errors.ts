/**
 * The typed errors the use-cases raise besides those of the store port and `apply`. The HTTP layer maps
 * each (by name) to a problem response; nothing here knows about HTTP.
 */
import type { Decision } from '../domain/requests';
import type { Status } from '../domain/statuses';

type Refusal = Extract<Decision, { outcome: 'refused' }>;

/** One offending input field: where (JSON Pointer, `query.<name>`, `header.<name>`) and why. */
interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The domain refused the request: 409 (transition not allowed) or 403 (a target needing a scope the caller lacks). */
class RefusedError extends Error {
  override readonly name = 'RefusedError';
  readonly status: Refusal['status'];
  readonly title: string;
  readonly allowed: readonly Status[];

  constructor(refusal: Refusal) {
    super(refusal.detail);
    this.status = refusal.status;
    this.title = refusal.title;
    this.allowed = refusal.allowed;
  }
}

/** A domain this caller does not administer (creating or listing there): 403. */
class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Input that passed the schema but not a rule that needs the clock or the policy (a leave date): 400. */
class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    this.errors = errors;
  }
}

export { ForbiddenError, InvalidInputError, RefusedError };
export type { FieldError, Refusal };
