/**
 * The public routes (no token): GET /status-model and GET /openapi.json.
 */
import { loadConfig } from '../../shared/config';
import { publicEndpoints } from '../../shared/http/endpoints/public';
import { httpFunction } from '../../shared/http/http-function';

export const handler = httpFunction('public', publicEndpoints(loadConfig().policy));
