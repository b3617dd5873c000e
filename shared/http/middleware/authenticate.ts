/**
 * 401 when a protected route has no usable claims; otherwise the caller (sub, scopes, domains, request id)
 * on `event.caller`. The token itself was verified before the function (API Gateway's JWT authorizer, or
 * the local server) and is never seen or logged here.
 */
import type { MiddlewareObj } from '@middy/core';
import { BadClaimsError } from '../../errors';
import { parseClaims } from '../claims';
import type { ApiEvent, ApiResult } from '../event';

/**
 * The authentication middleware.
 *
 * @example
 * middy(handler).use(authenticate())
 */
function authenticate(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const { requestContext } = request.event;
      let claims;
      try {
        claims = parseClaims(requestContext.authorizer?.jwt?.claims);
      } catch (error) {
        // The same 401 (shared/http/problem.ts) for a missing and a malformed token, so claims cannot be probed.
        throw error instanceof BadClaimsError ? error : new BadClaimsError('unusable claims', { cause: error });
      }
      request.event.caller = { ...claims, requestId: requestContext.requestId ?? null };
    },
  };
}

export { authenticate };
