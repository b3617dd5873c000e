/**
 * 403 when the caller lacks the route's scope (accounts:admin includes write, write includes read), or
 * when its token has no `domains` claim at all (SPEC §4: a platform token set up by mistake is told so,
 * rather than answered 404 for every address).
 */
import type { MiddlewareObj } from '@middy/core';
import { hasScope, type Scope } from '../../domain/transitions';
import type { ApiEvent, ApiResult } from '../event';
import { problem, ProblemError, ProblemType } from '../problem';

/**
 * The scope check of one route; runs after authentication.
 *
 * @example
 * middy(handler).use([authenticate(), requireScope('accounts:write')])
 */
function requireScope(scope: Scope): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const scopes = request.event.caller?.scopes ?? [];
      if (!hasScope(scopes, scope)) {
        throw new ProblemError(
          problem(403, ProblemType.SCOPE_REQUIRED, 'Forbidden', `This request needs the ${scope} scope.`),
          { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
        );
      }
      if (request.event.requestContext.authorizer?.jwt?.claims?.domains === undefined) {
        throw new ProblemError(
          problem(
            403,
            ProblemType.CLAIM_REQUIRED,
            'Forbidden',
            'The token has no domains claim: it must name the domains the caller administers (or * for all).',
          ),
        );
      }
    },
  };
}

export { requireScope };
