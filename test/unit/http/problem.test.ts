import { describe, expect, it } from 'vitest';
import {
  invalidInput,
  problem,
  ProblemError,
  problemResponse,
  ProblemType,
  toProblem,
} from '../../../shared/http/problem';
import {
  ClaimedError,
  ConflictError,
  DuplicateEmailError,
  ForbiddenError,
  InvalidCursorError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  RefusedError,
} from '../../../shared/errors';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyInconsistentStateError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { refusalError } from '../../../shared/idempotency/middleware';
import { refusalOf, type Refusal } from '../../../shared/idempotency/powertools';

/** A Powertools refusal as the middleware raises it. */
const fromPowertools = (error: Error): Error => refusalError(refusalOf(error) as Refusal, error);

const TYPE = 'urn:mailbox-lifecycle:problem:';

describe('problem', () => {
  it('builds an RFC 9457 object', () => {
    expect(problem(404, ProblemType.NOT_FOUND, 'Not Found', 'No such account.')).toEqual({
      type: `${TYPE}not-found`,
      title: 'Not Found',
      status: 404,
      detail: 'No such account.',
    });
  });

  it('answers application/problem+json with the status', () => {
    const res = problemResponse(problem(409, ProblemType.CONFLICT, 'Conflict', 'x'), { 'X-Extra': '1' });
    expect(res).toEqual({
      statusCode: 409,
      headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', 'X-Extra': '1' },
      body: JSON.stringify({ type: `${TYPE}conflict`, title: 'Conflict', status: 409, detail: 'x' }),
    });
  });

  it('lists invalid fields', () => {
    expect(invalidInput([{ path: '/status', message: 'bad' }])).toEqual({
      type: `${TYPE}invalid-input`,
      title: 'Invalid input',
      status: 400,
      detail: 'One field is invalid.',
      errors: [{ path: '/status', message: 'bad' }],
    });
  });
});

describe('toProblem', () => {
  it.each([
    [new NotFoundError('no account X'), 404, 'not-found'],
    [new PreconditionFailedError('the account is at version 3, not 2'), 412, 'precondition-failed'],
    [new ConflictError('ConditionalCheckFailed on ACCOUNT#...'), 409, 'conflict'],
    [new DuplicateEmailError('taken'), 409, 'duplicate-email'],
    [new ClaimedError('claimed'), 409, 'conflict'],
    [new ForbiddenError('You do not administer the domain b.org.'), 403, 'domain-forbidden'],
    [fromPowertools(new IdempotencyAlreadyInProgressError('in progress')), 409, 'idempotency-in-progress'],
    [fromPowertools(new IdempotencyInconsistentStateError('changing')), 409, 'idempotency-in-progress'],
    [fromPowertools(new IdempotencyValidationError('mismatch')), 422, 'idempotency-key-reused'],
  ])('maps %s', (error, status, type) => {
    const { problem: body, known } = toProblem(error);
    expect(known).toBe(true);
    expect(body).toMatchObject({ status, type: `${TYPE}${type}` });
  });

  it("never leaks a store error's message", () => {
    const { problem: body } = toProblem(new ConflictError('ConditionalCheckFailed on ACCOUNT#01AB'));
    expect(JSON.stringify(body)).not.toContain('ACCOUNT#');
  });

  it('maps a refusal with its allowed targets (403 for a scope, 409 otherwise)', () => {
    const refusal = {
      title: 'Transition not allowed',
      detail: 'No.',
      allowed: ['active'],
    } as const;
    expect(toProblem(new RefusedError({ ...refusal, reason: 'not_allowed' })).problem).toEqual({
      type: `${TYPE}transition-refused`,
      title: 'Transition not allowed',
      status: 409,
      detail: 'No.',
      allowed: ['active'],
    });
    expect(toProblem(new RefusedError({ ...refusal, reason: 'needs_scope' })).problem).toMatchObject({
      status: 403,
      type: `${TYPE}scope-required`,
    });
  });

  it('maps invalid input and forged cursors to 400 with errors', () => {
    expect(toProblem(new InvalidInputError([{ path: '/leaveDate', message: 'too late' }])).problem.errors).toEqual([
      { path: '/leaveDate', message: 'too late' },
    ]);
    expect(toProblem(new InvalidCursorError('bad hmac')).problem).toMatchObject({
      status: 400,
      errors: [{ path: 'query.cursor' }],
    });
  });

  it('passes a ProblemError through with its headers', () => {
    const error = new ProblemError(problem(401, ProblemType.UNAUTHORIZED, 'Unauthorized', 'x'), {
      'WWW-Authenticate': 'Bearer',
    });
    expect(toProblem(error)).toEqual({
      problem: error.problem,
      headers: { 'WWW-Authenticate': 'Bearer' },
      known: true,
    });
  });

  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded'])(
    'answers DynamoDB throttling left after the SDK retries (%s) with a 503 and Retry-After',
    (name) => {
      const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name });

      const { problem: body, headers, known } = toProblem(throttled);

      expect(known).toBe(true);
      expect(headers).toEqual({ 'Retry-After': '1' });
      expect(body).toMatchObject({ type: `${TYPE}temporarily-unavailable`, status: 503 });
      expect(body.detail).not.toContain('throughput');
    },
  );

  it('answers anything else with a 500 without details', () => {
    const { problem: body, known } = toProblem(new TypeError('Cannot read properties of undefined (reading "secret")'));
    expect(known).toBe(false);
    expect(body).toEqual({
      type: `${TYPE}internal-error`,
      title: 'Internal Server Error',
      status: 500,
      detail: 'The request failed on our side; quote the X-Request-Id header when reporting it.',
    });
    expect(toProblem('a string').problem.status).toBe(500);
  });
});
