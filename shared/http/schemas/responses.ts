/**
 * What the routes answer, for the OpenAPI document: the account resource, pages, bulk results, access
 * decisions, problems — and which statuses each route answers.
 */
import * as z from 'zod/mini';
import { LoginPolicy, MailPolicy, STATUSES } from '../../domain/statuses';
import { OPERATIONS } from '../../domain/transitions';
import { described, StatusSchema } from './common';

const Time = z.iso.datetime();
const NullableTime = z.nullable(Time);
const Login = z.enum(Object.values(LoginPolicy));
const Mail = z.enum(Object.values(MailPolicy));
const Access = described(z.object({ login: Login, mail: Mail }), {
  description: 'What the login service and the MTA do.',
  id: 'Access',
});

const Account = described(
  z.object({
    accountId: z.string(),
    email: z.nullable(z.string()),
    domain: z.string(),
    displayName: z.nullable(z.string()),
    status: StatusSchema,
    statusLabel: z.string(),
    statusSince: Time,
    statusReason: z.nullable(z.string()),
    updatedBy: z.string(),
    updatedAt: Time,
    version: z.number(),
    inProgress: z.nullable(
      z.object({
        operation: z.enum(OPERATIONS as [string, ...string[]]),
        target: StatusSchema,
        startedAt: Time,
        attempts: z.number(),
        lastError: z.nullable(z.string()),
        stuck: described(z.boolean(), {
          description:
            'On-call has been paged about this operation (the stuck detector) and it is still outstanding: what the summary counts as stuck.',
        }),
      }),
    ),
    leaver: z.nullable(z.object({ leaveDate: z.string(), windowEndsAt: Time })),
    lock: z.nullable(
      z.object({ reason: z.enum(['admin', 'failed_logins']), until: NullableTime, previousStatus: StatusSchema }),
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
  z.object({
    id: z.string(),
    accountId: z.string(),
    domain: z.string(),
    at: Time,
    from: z.nullable(StatusSchema),
    to: StatusSchema,
    action: z.string(),
    actor: z.string(),
    reason: z.nullable(z.string()),
    requestId: z.nullable(z.string()),
  }),
  { description: 'One recorded change.', id: 'HistoryEntry' },
);

const Problem = described(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    allowed: z.optional(z.array(StatusSchema)),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  { description: 'An RFC 9457 problem.', id: 'Problem' },
);

const GatewayMessage = described(z.object({ message: z.string() }), {
  description: "API Gateway's own answer, given before any function runs (application/json, not a problem).",
  id: 'GatewayMessage',
  example: { message: 'Unauthorized' },
});

const page = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

const BulkResults = z.object({
  results: z.array(
    z.object({
      accountId: z.string(),
      outcome: z.enum(['changed', 'accepted', 'unchanged', 'refused', 'not_found']),
      status: z.optional(StatusSchema),
      error: z.optional(Problem),
    }),
  ),
});

const AccessAnswer = z.object({
  accountId: z.string(),
  email: z.string(),
  status: StatusSchema,
  login: Login,
  mail: Mail,
});

const LoginAnswer = z.object({ status: StatusSchema, access: Access });

const StatusModel = described(
  z.looseObject({ statuses: z.array(z.looseObject({})), transitions: z.array(z.looseObject({})) }),
  {
    description: 'The statuses, their login and mail policies, the transition table and the durations.',
    id: 'StatusModel',
  },
);

const count = z.int().check(z.minimum(0));

const DomainList = described(z.object({ items: z.array(z.object({ domain: z.string(), accounts: count })) }), {
  description: 'Domains with their number of accounts (purged tombstones included).',
  id: 'DomainList',
});

const DomainSummary = described(
  z.object({
    domain: z.string(),
    accounts: count,
    byStatus: z.object(Object.fromEntries(STATUSES.map((status) => [status, count]))),
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
  z.object({
    accountId: z.string(),
    email: z.nullable(z.string()),
    displayName: z.nullable(z.string()),
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
  readonly schema: z.ZodMiniType;
  readonly headers?: readonly ('Location' | 'ETag')[];
}

const ok = (description: string, schema: z.ZodMiniType, headers?: Success['headers']): Success => ({
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
  getOpenApi: [ok('This document.', z.looseObject({}))],
};

const PROBLEM_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid input (a public route: a body sent to it); `errors` lists the offending fields.',
  401: 'No or bad token: API Gateway\'s JWT authorizer answers `{"message": "Unauthorized"}` itself (application/json).',
  403: "The route's scope is missing, or a target or domain this caller may not use.",
  404: "No such account (or one outside the caller's domains).",
  409: 'Not allowed now (`allowed` lists the targets), duplicate email, lost race, or the same Idempotency-Key still running.',
  412: 'If-Match is stale.',
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
  markLeaver: [404, 409],
  unmarkLeaver: [404, 409],
  deleteAccount: [404, 409],
  retryOperation: [404, 409],
  cancelOperation: [404, 409],
  listHistory: [404],
  reportLoginEvent: [404],
  checkAccess: [404],
};

export { GatewayMessage, PROBLEM_TEXT, PROBLEMS, Problem, SUCCESSES };
export type { Success };
