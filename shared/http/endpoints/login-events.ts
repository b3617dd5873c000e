/**
 * POST /login-events: the login service reports successes, failures and lockouts.
 */
import type { ServiceDeps } from '../../services/deps';
import { reportLoginEvent } from '../../services/login-events';
import { endpoint, type Endpoints } from '../http-function';
import { json } from '../response';
import { LOGIN_EVENT_INPUTS } from '../schemas/login-events';
import { schemaInput } from '../schema-input';

/**
 * 200 `{status, access}`; 404 for an unknown address.
 *
 * @example
 * httpFunction('loginEvents', loginEventEndpoints(deps))
 */
function loginEventEndpoints(deps: ServiceDeps): Endpoints {
  return {
    reportLoginEvent: endpoint(schemaInput(LOGIN_EVENT_INPUTS.reportLoginEvent), async ({ input: { body }, caller }) =>
      json(200, await reportLoginEvent(deps, caller, body)),
    ),
  };
}

export { loginEventEndpoints };
