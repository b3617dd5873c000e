/**
 * The last error handler: maps typed errors to their problem response and anything else to a 500 problem
 * without details (logged with the request id). A response another middleware already set is left alone.
 */
import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResult } from '../event';
import { logger } from '../observability';
import { problemResponse, toProblem } from '../problem';

/**
 * The error-handling middleware; register it so that its onError runs last among those that answer.
 *
 * @example
 * middy(router).use([requestContext(), errorHandler(), httpHeaderNormalizer()])
 */
function errorHandler(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      if (request.response !== undefined && request.response !== null) return;
      const { problem, headers, known } = toProblem(request.error);
      if (!known) logger.error('request failed', { error: request.error as Error });
      else logger.debug('request refused', { statusCode: problem.status, problem: problem.type });
      request.response = problemResponse(problem, headers);
    },
  };
}

export { errorHandler };
