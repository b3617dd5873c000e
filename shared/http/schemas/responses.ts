/**
 * What the routes answer, for the OpenAPI document: the account resource, pages, bulk results, access
 * decisions, problems — and which statuses each route answers. Objects are strict: an answer carries
 * exactly the documented fields (`additionalProperties: false`), which the integration tests hold every
 * answer to.
 */
import * as v from 'valibot';
import { DATE_TIME } from '../../domain/instant';
import { LoginPolicy, MailPolicy, STATUSES } from '../../domain/statuses';
import { OPERATIONS } from '../../domain/transitions';
import { StatusSchema } from './common';
import { described, type Schema } from './meta';

/**
 * An instant in an answer: RFC 3339, the JSON Schema `date-time` format, and its pattern spelled out (the
 * tests' response validator checks the pattern; it knows no formats).
 */
const Time = v.pipe(v.string(), v.regex(DATE_TIME), v.isoTimestamp());
const NullableTime = v.nullable(Time);
const Login = v.picklist(Object.values(LoginPolicy));
const Mail = v.picklist(Object.values(MailPolicy));
const Access = described(v.strictObject({ login: Login, mail: Mail }), {
  description: 'What the login service and the MTA do.',
  id: 'Access',
});

const Account = described(
  v.strictObject({
    accountId: v.string(),
    email: v.nullable(v.string()),
    domain: v.string(),
    displayName: v.nullable(v.string()),
    status: StatusSchema,
    statusLabel: v.string(),
    statusSince: Time,
    statusReason: v.nullable(v.string()),
    updatedBy: v.string(),
    updatedAt: Time,
    version: v.number(),
    inProgress: v.nullable(
      v.strictObject({
        operation: v.picklist(OPERATIONS as [string, ...string[]]),
        target: StatusSchema,
        startedAt: Time,
        attempts: v.number(),
        lastError: v.nullable(v.string()),
        stuck: described(v.boolean(), {
          description:
            'On-call has been paged about this operation (the stuck detector) and it is still outstanding: what the summary counts as stuck.',
        }),
      }),
    ),
    leaver: v.nullable(v.strictObject({ leaveDate: v.string(), windowEndsAt: Time })),
    lock: v.nullable(
      v.strictObject({
        reason: v.picklist(['admin', 'failed_logins']),
        until: NullableTime,
        previousStatus: StatusSchema,
      }),
    ),
    lastActivityAt: NullableTime,
    deletedAt: NullableTime,
    purgeAfter: NullableTime,
    access: Access,
    createdAt: Time,
  }),
  { description: 'A mailbox account.', id: 'Account' },
);

const HistoryEntry = described(
  v.strictObject({
    id: v.string(),
    accountId: v.string(),
    domain: v.string(),
    at: Time,
    from: v.nullable(StatusSchema),
    to: StatusSchema,
    action: v.string(),
    actor: v.string(),
    reason: v.nullable(v.string()),
    requestId: v.nullable(v.string()),
  }),
  { description: 'One recorded change.', id: 'HistoryEntry' },
);

const Problem = described(
  v.strictObject({
    type: v.string(),
    title: v.string(),
    status: v.number(),
    detail: v.string(),
    allowed: v.optional(v.array(StatusSchema)),
    errors: v.optional(v.array(v.strictObject({ path: v.string(), message: v.string() }))),
  }),
  { description: 'An RFC 9457 problem.', id: 'Problem' },
);

const GatewayMessage = described(v.strictObject({ message: v.string() }), {
  description: "API Gateway's own answer, given before any function runs (application/json, not a problem).",
  id: 'GatewayMessage',
  example: { message: 'Unauthorized' },
});

const page = (item: Schema) => v.strictObject({ items: v.array(item), nextCursor: v.nullable(v.string()) });

const BulkResults = v.strictObject({
  results: v.array(
    v.strictObject({
      accountId: v.string(),
      outcome: v.picklist(['changed', 'accepted', 'unchanged', 'refused', 'not_found']),
      status: v.optional(StatusSchema),
      error: v.optional(Problem),
    }),
  ),
});

const AccessAnswer = v.strictObject({
  accountId: v.string(),
  email: v.string(),
  status: StatusSchema,
  login: Login,
  mail: Mail,
});

const LoginAnswer = v.strictObject({ status: StatusSchema, access: Access });

const StatusModel = described(
  v.looseObject({ statuses: v.array(v.looseObject({})), transitions: v.array(v.looseObject({})) }),
  {
    description: 'The statuses, their login and mail policies, the transition table and the durations.',
    id: 'StatusModel',
  },
);

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

const DomainList = described(
  v.strictObject({ items: v.array(v.strictObject({ domain: v.string(), accounts: count })) }),
  {
    description: 'Domains with their number of accounts (purged tombstones included).',
    id: 'DomainList',
  },
);

const DomainSummary = described(
  v.strictObject({
    domain: v.string(),
    accounts: count,
    byStatus: v.strictObject(Object.fromEntries(STATUSES.map((status) => [status, count]))),
    leavers: count,
    inProgress: count,
    stuck: count,
  }),
  {
    description:
      "A domain's accounts counted by status (every status present, purged tombstones as deleted_permanent), plus leavers, accounts in progress, and those stuck (on-call paged, the operation still outstanding). Exact at the moment it was read.",
    id: 'DomainSummary',
  },
);

const PreviewItem = described(
  v.strictObject({
    accountId: v.string(),
    email: v.nullable(v.string()),
    displayName: v.nullable(v.string()),
    status: StatusSchema,
    dueAt: Time,
    to: StatusSchema,
  }),
  {
    description: 'An account the sweep would change: when it became due, and the status it would end in.',
    id: 'PreviewItem',
  },
);

interface Success {
  readonly status: number;
  readonly description: string;
  readonly schema: Schema;
  readonly headers?: readonly ('Location' | 'ETag')[];
}

const ok = (description: string, schema: Schema, headers?: Success['headers']): Success => ({
  status: 200,
  description,
  schema,
  ...(headers ? { headers } : {}),
});
const accepted: Success = {
  status: 202,
  description: 'An operation is under way; the account is in progress.',
  schema: Account,
  headers: ['ETag'],
};

/** The successful answers of each route. */
const SUCCESSES: Readonly<Record<string, readonly Success[]>> = {
  createAccount: [
    { status: 201, description: 'Created, resting in pending.', schema: Account, headers: ['Location', 'ETag'] },
    { ...accepted, description: 'Created; provisioning to active.', headers: ['Location', 'ETag'] },
  ],
  listAccounts: [ok("One page of the domain's accounts, by email.", page(Account))],
  getAccount: [ok('The account.', Account, ['ETag'])],
  renameAccount: [ok('Renamed.', Account, ['ETag'])],
  setStatus: [ok('Changed (or already so).', Account, ['ETag']), accepted],
  bulkSetStatus: [ok("Each account's outcome, in the order asked.", BulkResults)],
  markLeaver: [ok('Marked.', Account, ['ETag'])],
  unmarkLeaver: [ok('Unmarked.', Account, ['ETag'])],
  deleteAccount: [ok('Already deleted.', Account, ['ETag']), accepted],
  retryOperation: [accepted],
  cancelOperation: [ok('Cancelled; back in the status before the operation.', Account, ['ETag'])],
  listHistory: [ok('History entries, newest first.', page(HistoryEntry))],
  listDomains: [ok("The caller's domains.", DomainList)],
  getDomainSummary: [ok("The domain's counts.", DomainSummary)],
  previewSweep: [ok('One page of the accounts the sweep would change.', page(PreviewItem))],
  reportLoginEvent: [ok('The access decision after the event.', LoginAnswer)],
  checkAccess: [ok('The access decision.', AccessAnswer)],
  getStatusModel: [ok('The status model.', StatusModel)],
  getOpenApi: [ok('This document.', v.looseObject({}))],
};

const PROBLEM_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid input (a public route: a body sent to it); `errors` lists the offending fields.',
  401: 'No or bad token: API Gateway\'s JWT authorizer answers `{"message": "Unauthorized"}` itself (application/json).',
  403: "The route's scope is missing, the token has no domains claim, or a target or domain this caller may not use.",
  404: "No such account (or one outside the caller's domains).",
  409: 'Not allowed now (`allowed` lists the targets), duplicate email, lost race, or the same Idempotency-Key still running.',
  412: 'If-Match names no version the account is at (a weak tag never matches).',
  413: 'The body is over 16 KiB (a problem); over 10 MB API Gateway answers `{"message": "Request Entity Too Large"}` itself.',
  415: 'The body is not JSON.',
  422: 'The Idempotency-Key was used with another body.',
  500: 'Failed on our side.',
  503: 'The database is throttling; nothing was changed. Retry after the `Retry-After` seconds.',
};

/** The problem statuses of each route beyond those every protected route has (400, 401, 403, 413, 415). */
const PROBLEMS: Readonly<Record<string, readonly number[]>> = {
  createAccount: [409],
  getAccount: [404],
  renameAccount: [404, 409, 412],
  setStatus: [404, 409, 412, 422],
  markLeaver: [404, 409, 412],
  unmarkLeaver: [404, 409, 412],
  deleteAccount: [404, 409, 412],
  retryOperation: [404, 409, 412],
  cancelOperation: [404, 409, 412],
  listHistory: [404],
  reportLoginEvent: [404],
  checkAccess: [404],
};

export { GatewayMessage, PROBLEM_TEXT, PROBLEMS, Problem, SUCCESSES };
export type { Success };
