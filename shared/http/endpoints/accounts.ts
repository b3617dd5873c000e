/**
 * The accounts function's endpoints: parse (schemas), call a service, shape the response — the account
 * resource with its `ETag`, 201/202 with `Location` on create, 202 while an operation is under way.
 */
import type { Account, HistoryEntry } from '../../domain/account';
import type { Done } from '../../domain/requests';
import { toResource } from '../../domain/resource';
import { accountHistory, createAccount, deleteAccount, getAccount, renameAccount } from '../../services/accounts';
import { domainSummary, findAccounts, listDomains, previewSweep, type AdminDeps } from '../../services/admin';
import { nowOf } from '../../services/deps';
import { markLeaver, unmarkLeaver } from '../../services/leaver';
import { cancelOperation, retryOperation } from '../../services/operations';
import { bulkSetStatus, setStatus } from '../../services/status';
import { endpoint, type Endpoints } from '../http-function';
import { toProblem } from '../problem';
import { etag, json } from '../response';
import { ACCOUNT_INPUTS as inputs } from '../schemas/accounts';
import { schemaInput } from '../schema-input';

/** SPEC §4: the default page size. */
const DEFAULT_LIMIT = 50;

/**
 * The endpoints of every accounts route, bound to `deps`.
 *
 * @example
 * httpFunction('accounts', accountEndpoints({ store, policy, loginEventTtlSeconds }))
 */
function accountEndpoints(deps: AdminDeps): Endpoints {
  const resource = (account: Account, statusCode: number, headers: Record<string, string> = {}) =>
    json(statusCode, toResource(account, nowOf(deps)), { ETag: etag(account.version), ...headers });
  /** 202 while an operation is under way, else 200. */
  const answer = ({ account, underway }: Done<HistoryEntry>) => resource(account, underway ? 202 : 200);

  return {
    createAccount: endpoint(schemaInput(inputs.createAccount), async ({ input: { body }, caller }) => {
      const { account, underway } = await createAccount(deps, caller, body);
      return resource(account, underway ? 202 : 201, { Location: `/accounts/${account.accountId}` });
    }),
    listAccounts: endpoint(schemaInput(inputs.listAccounts), async ({ input: { query }, caller }) => {
      const page = await findAccounts(deps, caller, {
        domain: query.domain,
        ...(query.q !== undefined ? { q: query.q } : {}),
        statuses: query.status,
        leaver: query.leaver,
        inProgress: query.inProgress,
        limit: query.limit ?? DEFAULT_LIMIT,
        cursor: query.cursor ?? null,
      });
      const now = nowOf(deps);
      return json(200, { items: page.items.map((account) => toResource(account, now)), nextCursor: page.nextCursor });
    }),
    getAccount: endpoint(schemaInput(inputs.getAccount), async ({ input: { params }, caller }) =>
      resource(await getAccount(deps, caller, params.accountId), 200),
    ),
    renameAccount: endpoint(schemaInput(inputs.renameAccount), async ({ input: { params, headers, body }, caller }) =>
      answer(await renameAccount(deps, caller, params.accountId, body.displayName, headers['if-match'])),
    ),
    setStatus: endpoint(schemaInput(inputs.setStatus), async ({ input: { params, headers, body }, caller }) =>
      answer(await setStatus(deps, caller, params.accountId, body, headers['if-match'])),
    ),
    bulkSetStatus: endpoint(schemaInput(inputs.bulkSetStatus), async ({ input: { body }, caller }) => {
      const results = await bulkSetStatus(deps, caller, body.accountIds, body);
      return json(200, {
        results: results.map(({ error, ...result }) =>
          error ? { ...result, error: toProblem(error).problem } : result,
        ),
      });
    }),
    markLeaver: endpoint(schemaInput(inputs.markLeaver), async ({ input: { params, headers, body }, caller }) =>
      answer(await markLeaver(deps, caller, params.accountId, body ?? {}, headers['if-match'])),
    ),
    unmarkLeaver: endpoint(schemaInput(inputs.unmarkLeaver), async ({ input: { params, headers, body }, caller }) =>
      answer(await unmarkLeaver(deps, caller, params.accountId, body?.reason ?? null, headers['if-match'])),
    ),
    deleteAccount: endpoint(schemaInput(inputs.deleteAccount), async ({ input: { params, headers, body }, caller }) =>
      answer(await deleteAccount(deps, caller, params.accountId, body?.reason ?? null, headers['if-match'])),
    ),
    retryOperation: endpoint(schemaInput(inputs.retryOperation), async ({ input: { params, headers }, caller }) =>
      answer(await retryOperation(deps, caller, params.accountId, headers['if-match'])),
    ),
    cancelOperation: endpoint(
      schemaInput(inputs.cancelOperation),
      async ({ input: { params, headers, body }, caller }) =>
        answer(await cancelOperation(deps, caller, params.accountId, body?.reason ?? null, headers['if-match'])),
    ),
    listHistory: endpoint(schemaInput(inputs.listHistory), async ({ input: { params, query }, caller }) =>
      json(
        200,
        await accountHistory(deps, caller, params.accountId, query.limit ?? DEFAULT_LIMIT, query.cursor ?? null),
      ),
    ),
    listDomains: endpoint(schemaInput(inputs.listDomains), async ({ caller }) =>
      json(200, { items: await listDomains(deps, caller) }),
    ),
    getDomainSummary: endpoint(schemaInput(inputs.getDomainSummary), async ({ input: { params }, caller }) =>
      json(200, await domainSummary(deps, caller, params.domain)),
    ),
    previewSweep: endpoint(schemaInput(inputs.previewSweep), async ({ input: { params, query }, caller }) =>
      json(
        200,
        await previewSweep(deps, caller, {
          sweep: params.sweep,
          ...(query.domain !== undefined ? { domain: query.domain } : {}),
          ...(query.until !== undefined ? { until: query.until } : {}),
          limit: query.limit ?? DEFAULT_LIMIT,
          cursor: query.cursor ?? null,
        }),
      ),
    ),
  };
}

export { accountEndpoints, DEFAULT_LIMIT };
