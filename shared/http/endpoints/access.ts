/**
 * GET /access: the access decision for the MTA and the login service — one GetItem, nothing else.
 */
import { checkAccess } from '../../services/access';
import type { AccountStore } from '../../store/port';
import { endpoint, type Endpoints } from '../http-function';
import { problem, ProblemError, ProblemType } from '../problem';
import { json } from '../response';
import { ACCESS_INPUTS } from '../schemas/access';
import { schemaInput } from '../schema-input';

/**
 * 200 `{accountId, email, status, login, mail}`; 404 for an unknown address.
 *
 * @example
 * httpFunction('access', accessEndpoints(store))
 */
function accessEndpoints(store: Pick<AccountStore, 'access'>, clock: () => Date = () => new Date()): Endpoints {
  return {
    checkAccess: endpoint(schemaInput(ACCESS_INPUTS.checkAccess), async ({ input: { query }, caller }) => {
      const answer = await checkAccess(store, caller, query.email, clock());
      if (answer === null)
        throw new ProblemError(problem(404, ProblemType.NOT_FOUND, 'Not Found', 'No account has this address.'));
      return json(200, answer);
    }),
  };
}

export { accessEndpoints };
