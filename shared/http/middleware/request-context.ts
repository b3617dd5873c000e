/**
 * Each request's id (API Gateway's, or a new one), on every log line and as the `X-Request-Id` response
 * header, and one metric per response by status class.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ApiEvent, ApiResult } from '../event';
import { logger, metrics } from '../observability';

const REQUEST_ID_HEADER = 'X-Request-Id';

type Request = Parameters<NonNullable<MiddlewareObj<ApiEvent, ApiResult>['after']>>[0];

/** Stamps the response (success or problem) with the request id and counts it. */
function finish(request: Request): void {
  const { response } = request;
  if (response === undefined || response === null) return;
  response.headers = { ...response.headers, [REQUEST_ID_HEADER]: request.event.requestContext.requestId };
  metrics.addMetric(`http${Math.floor(response.statusCode / 100)}xx`, MetricUnit.Count, 1);
  logger.debug('request answered', { statusCode: response.statusCode });
}

/**
 * The request-context middleware; put it outside the error handler so that problems get the header too.
 *
 * @example
 * middy(router).use([...observability(), requestContext(), errorHandler()])
 */
function requestContext(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const { requestContext: context } = request.event;
      context.requestId ||= randomUUID();
      logger.appendKeys({ requestId: context.requestId, method: context.http?.method });
    },
    after: finish,
    onError: finish,
  };
}

export { requestContext, REQUEST_ID_HEADER };
