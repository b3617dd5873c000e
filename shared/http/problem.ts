/**
 * The one problem module: every error response is `application/problem+json` (RFC 9457) with `type`,
 * `title`, `status` and `detail`, plus `allowed` for a refused transition and `errors` for invalid input.
 * Typed errors are recognised by name, so this module imports none of the layers that raise them.
 */
import type { FieldError } from '../services/errors';
import type { Status } from '../domain/statuses';
import type { ApiResult } from './event';

const ProblemType = {
  UNAUTHORIZED: 'unauthorized',
  BODY_TOO_LARGE: 'body-too-large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  SCOPE_REQUIRED: 'scope-required',
  INVALID_INPUT: 'invalid-input',
  NOT_FOUND: 'not-found',
  DOMAIN_FORBIDDEN: 'domain-forbidden',
  PRECONDITION_FAILED: 'precondition-failed',
  TRANSITION_REFUSED: 'transition-refused',
  CONFLICT: 'conflict',
  DUPLICATE_EMAIL: 'duplicate-email',
  IDEMPOTENCY_IN_PROGRESS: 'idempotency-in-progress',
  IDEMPOTENCY_KEY_REUSED: 'idempotency-key-reused',
  UNAVAILABLE: 'temporarily-unavailable',
  INTERNAL: 'internal-error',
} as const;
type ProblemType = (typeof ProblemType)[keyof typeof ProblemType];

/** Where the problem types live: `urn:mailbox-lifecycle:problem:<type>`. */
const TYPE_PREFIX = 'urn:mailbox-lifecycle:problem:';

interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** A refused transition: the targets this caller may set on this account now. */
  readonly allowed?: readonly Status[];
  /** Invalid input: each offending field. */
  readonly errors?: readonly FieldError[];
}

/** An error that already is a problem response (the middlewares raise these), with extra headers. */
class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;

  constructor(problem: Problem, headers: Readonly<Record<string, string>> = {}) {
    super(problem.detail);
    this.problem = problem;
    this.headers = headers;
  }
}

/**
 * A problem object.
 *
 * @example
 * problem(404, ProblemType.NOT_FOUND, 'Not Found', 'No account has this id.')
 * // { type: 'urn:mailbox-lifecycle:problem:not-found', title: 'Not Found', status: 404, detail: 'No account has this id.' }
 */
function problem(
  status: number,
  type: ProblemType,
  title: string,
  detail: string,
  extra: Pick<Problem, 'allowed' | 'errors'> = {},
): Problem {
  return { type: `${TYPE_PREFIX}${type}`, title, status, detail, ...extra };
}

/** A 400 problem listing the offending fields. */
function invalidInput(errors: readonly FieldError[]): Problem {
  const detail = errors.length === 1 ? 'One field is invalid.' : `${errors.length} fields are invalid.`;
  return problem(400, ProblemType.INVALID_INPUT, 'Invalid input', detail, { errors });
}

/** The response carrying a problem. */
function problemResponse(body: Problem, headers: Readonly<Record<string, string>> = {}): ApiResult {
  return {
    statusCode: body.status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

type Mapper = (error: Error & Record<string, unknown>) => Problem;

const conflict =
  (type: ProblemType, title: string, detail: string): Mapper =>
  () =>
    problem(409, type, title, detail);

/** Typed errors of the services, the store port, apply and Powertools idempotency, by name. */
const BY_NAME: Readonly<Record<string, Mapper>> = {
  ProblemError: (e) => (e as unknown as ProblemError).problem,
  NotFoundError: () => problem(404, ProblemType.NOT_FOUND, 'Not Found', 'No such account.'),
  ForbiddenError: (e) => problem(403, ProblemType.DOMAIN_FORBIDDEN, 'Domain not administered', e.message),
  InvalidInputError: (e) => invalidInput(e.errors as readonly FieldError[]),
  InvalidCursorError: () => invalidInput([{ path: 'query.cursor', message: 'is not a cursor of this listing' }]),
  PreconditionFailedError: (e) =>
    problem(
      412,
      ProblemType.PRECONDITION_FAILED,
      'Precondition Failed',
      `If-Match is stale: ${e.message}. Read the account again.`,
    ),
  RefusedError: (e) =>
    problem(
      e.status as number,
      e.status === 403 ? ProblemType.SCOPE_REQUIRED : ProblemType.TRANSITION_REFUSED,
      e.title as string,
      e.message,
      { allowed: e.allowed as readonly Status[] },
    ),
  ConflictError: conflict(
    ProblemType.CONFLICT,
    'Conflict',
    'The account was changed by another request at the same time; read it again and retry.',
  ),
  DuplicateEmailError: conflict(
    ProblemType.DUPLICATE_EMAIL,
    'Email taken',
    'An account with this email address exists.',
  ),
  ClaimedError: conflict(ProblemType.CONFLICT, 'Already reported', 'This event was reported before.'),
  IdempotencyAlreadyInProgressError: conflict(
    ProblemType.IDEMPOTENCY_IN_PROGRESS,
    'Request in progress',
    'A request with this Idempotency-Key is still being processed; retry it later.',
  ),
  IdempotencyInconsistentStateError: conflict(
    ProblemType.IDEMPOTENCY_IN_PROGRESS,
    'Request in progress',
    'A request with this Idempotency-Key is changing state; retry it later.',
  ),
  IdempotencyValidationError: () =>
    problem(
      422,
      ProblemType.IDEMPOTENCY_KEY_REUSED,
      'Idempotency-Key reused',
      'This Idempotency-Key was used before with another request body.',
    ),
};

/** DynamoDB's throttling errors, left after the SDK's own retries: the client should come back shortly. */
const THROTTLED = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);
const unavailable = (): Problem =>
  problem(
    503,
    ProblemType.UNAVAILABLE,
    'Service Unavailable',
    'The service is busy right now and nothing was changed; retry after a second.',
  );

/** The problem for any error; unknown ones are a 500 without details (`known` false: log it). */
function toProblem(error: unknown): { problem: Problem; headers: Readonly<Record<string, string>>; known: boolean } {
  if (error instanceof Error && THROTTLED.has(error.name))
    return { problem: unavailable(), headers: { 'Retry-After': '1' }, known: true };
  const mapper = error instanceof Error ? BY_NAME[error.name] : undefined;
  if (mapper === undefined) {
    const body = problem(
      500,
      ProblemType.INTERNAL,
      'Internal Server Error',
      'The request failed on our side; quote the X-Request-Id header when reporting it.',
    );
    return { problem: body, headers: {}, known: false };
  }
  const typed = error as Error & Record<string, unknown>;
  return { problem: mapper(typed), headers: error instanceof ProblemError ? error.headers : {}, known: true };
}

export { invalidInput, problem, ProblemError, problemResponse, ProblemType, toProblem };
export type { Problem };
