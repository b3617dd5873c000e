/**
 * The inputs of the accounts function's routes, by operationId (validation and the OpenAPI document).
 */
import * as z from 'zod/mini';
import {
  AccountId,
  AccountParams,
  Cursor,
  DisplayName,
  Domain,
  Email,
  IdempotencyKey,
  IfMatch,
  LeaveDate,
  Instant,
  Limit,
  queryBoolean,
  Reason,
  ReasonBody,
  StatusList,
  SearchText,
  StatusSchema,
  SweepSchema,
  described,
} from './common';

const CreateAccountBody = described(
  z.strictObject({
    email: Email,
    displayName: z.optional(DisplayName),
    activate: described(z.optional(z.boolean()), {
      description: 'Provision to active now (default, 202); false leaves it pending (201).',
    }),
  }),
  {
    description: 'A new account.',
    id: 'CreateAccount',
    example: { email: 'Ann@Example.org', displayName: 'Ann Example' },
  },
);

const StatusBody = described(z.strictObject({ status: StatusSchema, reason: Reason }), {
  description: 'A status to set.',
  id: 'SetStatus',
  example: { status: 'locked', reason: 'Unusual activity' },
});

const BulkStatusBody = described(
  z.strictObject({
    accountIds: z.array(AccountId).check(
      z.minLength(1, 'must list 1 to 100 account ids'),
      z.maxLength(100, 'must list 1 to 100 account ids'),
      z.refine((ids: readonly string[]) => new Set(ids).size === ids.length, 'must not repeat an account id'),
    ),
    status: StatusSchema,
    reason: Reason,
  }),
  {
    description: 'One status for many accounts, each on its own.',
    id: 'BulkSetStatus',
    example: { accountIds: ['01JD3W6Q8M4T2V9X5Z7B1C3E5G'], status: 'maintenance', reason: 'Mailbox move' },
  },
);

const ListQuery = z.strictObject({
  domain: Domain,
  status: z.optional(StatusList),
  leaver: z.optional(queryBoolean('Only leavers (true) or only others (false).')),
  inProgress: z.optional(queryBoolean('Only accounts in progress (true) or resting (false).')),
  q: z.optional(SearchText),
  limit: z.optional(Limit),
  cursor: z.optional(Cursor),
});

const PreviewQuery = z.strictObject({
  domain: z.optional(Domain),
  until: z.optional(Instant),
  limit: z.optional(Limit),
  cursor: z.optional(Cursor),
});

const PageQuery = z.strictObject({ limit: z.optional(Limit), cursor: z.optional(Cursor) });

const ACCOUNT_INPUTS = {
  createAccount: { body: CreateAccountBody },
  listAccounts: { query: ListQuery },
  getAccount: { params: AccountParams },
  renameAccount: {
    params: AccountParams,
    headers: z.strictObject({ 'if-match': z.optional(IfMatch) }),
    body: described(z.strictObject({ displayName: DisplayName }), {
      description: 'A new display name.',
      id: 'RenameAccount',
      example: { displayName: 'Ann Example-Smith' },
    }),
  },
  setStatus: {
    params: AccountParams,
    headers: z.strictObject({ 'if-match': z.optional(IfMatch), 'idempotency-key': z.optional(IdempotencyKey) }),
    body: StatusBody,
  },
  bulkSetStatus: { body: BulkStatusBody },
  markLeaver: {
    params: AccountParams,
    body: z.optional(
      described(z.strictObject({ leaveDate: z.optional(z.nullable(LeaveDate)), reason: Reason }), {
        description: 'The leave date (default today, UTC).',
        id: 'MarkLeaver',
        example: { reason: 'Contract ends' },
      }),
    ),
  },
  unmarkLeaver: { params: AccountParams, body: ReasonBody },
  deleteAccount: { params: AccountParams, body: ReasonBody },
  retryOperation: { params: AccountParams, body: z.optional(z.strictObject({})) },
  cancelOperation: { params: AccountParams, body: ReasonBody },
  listHistory: { params: AccountParams, query: PageQuery },
  listDomains: { query: z.strictObject({}) },
  getDomainSummary: { params: z.strictObject({ domain: Domain }), query: z.strictObject({}) },
  previewSweep: { params: z.strictObject({ sweep: SweepSchema }), query: PreviewQuery },
} as const;

export { ACCOUNT_INPUTS };
