/**
 * The public routes (no token): GET /status-model and GET /openapi.json.
 */
import { loadConfig } from '../../shared/config';
import { publicHandler } from '../../shared/http/endpoints/public';

export const handler = publicHandler(loadConfig().policy);
