/**
 * The one problem module: every error response is `application/problem+json` (RFC 9457) with `type`,
 * `title`, `status` and `detail`, plus `allowed` for a refused transition and `errors` for invalid input.
 * Errors of the one family (shared/errors.ts) are mapped here, by class, and nowhere else; so are a
 * refusal's reasons (to 403 or 409).
 */
import { RefusalReason } from '../domain/requests';
import type { Status } from '../domain/statuses';
import {
  AppError,
  BadClaimsError,
  ClaimedError,
  ConflictError,
  DuplicateEmailError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  RefusedError,
  RequestInProgressError,
  UnavailableError,
  type FieldError,
} from '../errors';
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
class ProblemError extends AppError {
  override readonly name = 'ProblemError';
  readonly code = 'problem';
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

/** The 401 answer: the same for a missing and a malformed token, so claims cannot be probed. */
const UNAUTHORIZED: Problem = problem(
  401,
  ProblemType.UNAUTHORIZED,
  'Unauthorized',
  'A valid bearer token is required.',
);

/** What each refusal reason answers: a missing scope is 403, every other refusal a 409. */
const REFUSAL: Readonly<Record<RefusalReason, readonly [403 | 409, ProblemType]>> = {
  [RefusalReason.NEEDS_SCOPE]: [403, ProblemType.SCOPE_REQUIRED],
  [RefusalReason.NOT_ALLOWED]: [409, ProblemType.TRANSITION_REFUSED],
  [RefusalReason.IN_PROGRESS]: [409, ProblemType.TRANSITION_REFUSED],
  [RefusalReason.NOT_IN_PROGRESS]: [409, ProblemType.TRANSITION_REFUSED],
  [RefusalReason.PURGE_WINDOW_PASSED]: [409, ProblemType.TRANSITION_REFUSED],
  [RefusalReason.PURGED]: [409, ProblemType.TRANSITION_REFUSED],
  [RefusalReason.INVALID_LEAVE_DATE]: [409, ProblemType.TRANSITION_REFUSED],
};

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

/** DynamoDB's throttling errors, left after the SDK's own retries (the SDK tells its errors apart by name). */
const THROTTLED = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);

/** A library's error as one of the family's, where it has a meaning of ours; anything else as it is. */
function adopt(error: unknown): unknown {
  if (error instanceof Error && !(error instanceof AppError) && THROTTLED.has(error.name)) {
    return new UnavailableError(error.message, { cause: error });
  }
  return error;
}

const conflict = (type: ProblemType, title: string, detail: string): Problem => problem(409, type, title, detail);

/** The problem of each error of the family, most specific class first. */
function problemOf(error: AppError): Problem | null {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof BadClaimsError) return UNAUTHORIZED;
  if (error instanceof NotFoundError) return problem(404, ProblemType.NOT_FOUND, 'Not Found', 'No such account.');
  if (error instanceof ForbiddenError)
    return problem(403, ProblemType.DOMAIN_FORBIDDEN, 'Domain not administered', error.message);
  if (error instanceof InvalidInputError) return invalidInput(error.errors);
  if (error instanceof PreconditionFailedError) {
    const detail = `If-Match is stale: ${error.message}. Read the account again.`;
    return problem(412, ProblemType.PRECONDITION_FAILED, 'Precondition Failed', detail);
  }
  if (error instanceof RefusedError) {
    const [status, type] = REFUSAL[error.reason];
    return problem(status, type, error.title, error.message, { allowed: error.allowed });
  }
  if (error instanceof ConflictError) {
    const detail = 'The account was changed by another request at the same time; read it again and retry.';
    return conflict(ProblemType.CONFLICT, 'Conflict', detail);
  }
  if (error instanceof DuplicateEmailError)
    return conflict(ProblemType.DUPLICATE_EMAIL, 'Email taken', 'An account with this email address exists.');
  if (error instanceof ClaimedError)
    return conflict(ProblemType.CONFLICT, 'Already reported', 'This event was reported before.');
  if (error instanceof RequestInProgressError)
    return conflict(ProblemType.IDEMPOTENCY_IN_PROGRESS, 'Request in progress', error.message);
  if (error instanceof IdempotencyKeyReusedError) {
    const detail = 'This Idempotency-Key was used before with another request body.';
    return problem(422, ProblemType.IDEMPOTENCY_KEY_REUSED, 'Idempotency-Key reused', detail);
  }
  if (error instanceof UnavailableError) {
    const detail = 'The service is busy right now and nothing was changed; retry after a second.';
    return problem(503, ProblemType.UNAVAILABLE, 'Service Unavailable', detail);
  }
  return null;
}

/** The headers that go with an error's problem. */
function headersOf(error: AppError): Readonly<Record<string, string>> {
  if (error instanceof ProblemError) return error.headers;
  if (error instanceof BadClaimsError) return { 'WWW-Authenticate': 'Bearer' };
  if (error instanceof UnavailableError) return { 'Retry-After': '1' };
  return {};
}

const INTERNAL = (): Problem =>
  problem(
    500,
    ProblemType.INTERNAL,
    'Internal Server Error',
    'The request failed on our side; quote the X-Request-Id header when reporting it.',
  );

/**
 * The problem for any error: the one place where the error family meets HTTP. Unknown errors are a 500
 * without details (`known` false: log it).
 *
 * @example
 * toProblem(new NotFoundError('no account 01J…')).problem.status // 404
 */
function toProblem(error: unknown): { problem: Problem; headers: Readonly<Record<string, string>>; known: boolean } {
  const adopted = adopt(error);
  const body = adopted instanceof AppError ? problemOf(adopted) : null;
  if (body === null || !(adopted instanceof AppError)) return { problem: INTERNAL(), headers: {}, known: false };
  return { problem: body, headers: headersOf(adopted), known: true };
}

export { invalidInput, problem, ProblemError, problemResponse, ProblemType, toProblem };
export type { Problem };
