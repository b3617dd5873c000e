/**
 * POST /login-events: the login service reports successes, failures and lockouts.
 */
import { loadConfig } from '../../shared/config';
import { loginEventEndpoints } from '../../shared/http/endpoints/login-events';
import { httpFunction } from '../../shared/http/http-function';
import { serviceDeps } from '../../shared/services/runtime';

export const handler = httpFunction('loginEvents', loginEventEndpoints(serviceDeps(loadConfig())));
