/**
 * The public routes (no token): the status model and the OpenAPI document, each built once per process.
 */
import type { Policy } from '../../domain/policy';
import { endpoint, type Endpoints } from '../http-function';
import { openApiDocument } from '../openapi';
import { json } from '../response';
import { PUBLIC_INPUTS } from '../schemas/public';
import { statusModel } from '../status-model';
import { zodInput } from '../zod-input';

const CACHEABLE = { 'Cache-Control': 'public, max-age=300' };

/**
 * GET /status-model and GET /openapi.json.
 *
 * @example
 * httpFunction('public', publicEndpoints(config.policy))
 */
function publicEndpoints(policy: Policy): Endpoints {
  let document: unknown;
  const model = statusModel(policy);
  return {
    getStatusModel: endpoint(zodInput(PUBLIC_INPUTS.getStatusModel), async () => json(200, model, CACHEABLE)),
    getOpenApi: endpoint(zodInput(PUBLIC_INPUTS.getOpenApi), async () => {
      document ??= openApiDocument();
      return json(200, document, CACHEABLE);
    }),
  };
}

export { publicEndpoints };
