/**
 * The use-cases' dependencies for a process, from its configuration: the DynamoDB store on the
 * process-wide client, the policy, and the login-event memory. Function entries call it once at load.
 */
import type { Config } from '../config';
import { createStore } from '../store/dynamo-store';
import type { AdminDeps } from './admin';

/**
 * @example
 * const deps = serviceDeps(loadConfig());
 */
function serviceDeps(config: Config): AdminDeps {
  return { store: createStore(config), policy: config.policy, loginEventTtlSeconds: config.loginEventTtlSeconds };
}

export { serviceDeps };
