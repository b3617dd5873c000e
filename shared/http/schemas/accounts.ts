/**
 * The inputs of the accounts function's routes, by operationId (validation and the OpenAPI document).
 */
import * as v from 'valibot';
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
  v.strictObject({
    email: Email,
    displayName: v.optional(DisplayName),
    activate: described(v.optional(v.boolean()), {
      description: 'Provision to active now (default, 202); false leaves it pending (201).',
    }),
  }),
  {
    description: 'A new account.',
    id: 'CreateAccount',
    example: { email: 'Ann@Example.org', displayName: 'Ann Example' },
  },
);

const StatusBody = described(v.strictObject({ status: StatusSchema, reason: Reason }), {
  description: 'A status to set.',
  id: 'SetStatus',
  example: { status: 'locked', reason: 'Unusual activity' },
});

const BulkStatusBody = described(
  v.strictObject({
    accountIds: v.pipe(
      v.array(AccountId),
      v.minLength(1, 'must list 1 to 100 account ids'),
      v.maxLength(100, 'must list 1 to 100 account ids'),
      v.check((ids: string[]) => new Set(ids).size === ids.length, 'must not repeat an account id'),
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

const ListQuery = v.strictObject({
  domain: Domain,
  status: v.optional(StatusList),
  leaver: v.optional(queryBoolean('Only leavers (true) or only others (false).')),
  inProgress: v.optional(queryBoolean('Only accounts in progress (true) or resting (false).')),
  q: v.optional(SearchText),
  limit: v.optional(Limit),
  cursor: v.optional(Cursor),
});

const PreviewQuery = v.strictObject({
  domain: v.optional(Domain),
  until: v.optional(Instant),
  limit: v.optional(Limit),
  cursor: v.optional(Cursor),
});

const PageQuery = v.strictObject({ limit: v.optional(Limit), cursor: v.optional(Cursor) });

/** The headers of a route that changes one account: If-Match (SPEC §4: every such route honours it). */
const IfMatchHeaders = v.strictObject({ 'if-match': v.optional(IfMatch) });

const ACCOUNT_INPUTS = {
  createAccount: { body: CreateAccountBody },
  listAccounts: { query: ListQuery },
  getAccount: { params: AccountParams },
  renameAccount: {
    params: AccountParams,
    headers: IfMatchHeaders,
    body: described(v.strictObject({ displayName: DisplayName }), {
      description: 'A new display name.',
      id: 'RenameAccount',
      example: { displayName: 'Ann Example-Smith' },
    }),
  },
  setStatus: {
    params: AccountParams,
    headers: v.strictObject({ 'if-match': v.optional(IfMatch), 'idempotency-key': v.optional(IdempotencyKey) }),
    body: StatusBody,
  },
  bulkSetStatus: { body: BulkStatusBody },
  markLeaver: {
    params: AccountParams,
    headers: IfMatchHeaders,
    body: v.optional(
      described(v.strictObject({ leaveDate: v.optional(v.nullable(LeaveDate)), reason: Reason }), {
        description: 'The leave date (default today, UTC).',
        id: 'MarkLeaver',
        example: { reason: 'Contract ends' },
      }),
    ),
  },
  unmarkLeaver: { params: AccountParams, headers: IfMatchHeaders, body: ReasonBody },
  deleteAccount: { params: AccountParams, headers: IfMatchHeaders, body: ReasonBody },
  retryOperation: { params: AccountParams, headers: IfMatchHeaders, body: v.optional(v.strictObject({})) },
  cancelOperation: { params: AccountParams, headers: IfMatchHeaders, body: ReasonBody },
  listHistory: { params: AccountParams, query: PageQuery },
  listDomains: { query: v.strictObject({}) },
  getDomainSummary: { params: v.strictObject({ domain: Domain }), query: v.strictObject({}) },
  previewSweep: { params: v.strictObject({ sweep: SweepSchema }), query: PreviewQuery },
} as const;

export { ACCOUNT_INPUTS };
