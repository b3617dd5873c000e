/**
 * GET /access: the access decision for the MTA and the login service. Tiny and fast — one GetItem, no
 * idempotency, nothing else loaded.
 */
import { loadConfig } from '../../shared/config';
import { accessEndpoints } from '../../shared/http/endpoints/access';
import { httpFunction } from '../../shared/http/http-function';
import { createStore } from '../../shared/store/dynamo-store';

export const handler = httpFunction('access', accessEndpoints(createStore(loadConfig())));
