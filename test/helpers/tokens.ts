/**
 * Token claims as API Gateway's JWT authorizer hands them to a function: strings, an array claim as one
 * bracketed string (`[a.org b.org]`). The local server hands them over in the same form.
 */
import type { RawClaim } from '../../shared/http/event';

interface ClaimsInput {
  readonly sub?: string;
  readonly scopes?: readonly string[];
  /** `*` for all domains. */
  readonly domains?: '*' | readonly string[];
}

type Claims = Readonly<Record<string, RawClaim>>;

/**
 * Claims in API Gateway's string form.
 *
 * @example
 * claims({ sub: 'alice', scopes: ['accounts:write'], domains: ['a.org', 'b.org'] })
 * // { sub: 'alice', scope: 'accounts:write', domains: '[a.org b.org]' }
 */
function claims({ sub = 'alice', scopes = [], domains = [] }: ClaimsInput = {}): Claims {
  return { sub, scope: scopes.join(' '), domains: domains === '*' ? '*' : `[${domains.join(' ')}]` };
}

const reader = (domains: ClaimsInput['domains'], sub = 'reader'): Claims => claims({ sub, scopes: ['accounts:read'], domains });
const writer = (domains: ClaimsInput['domains'], sub = 'writer'): Claims => claims({ sub, scopes: ['accounts:write'], domains });
const admin = (domains: ClaimsInput['domains'], sub = 'admin'): Claims => claims({ sub, scopes: ['accounts:admin'], domains });
/** The mail platform: access checks and login events, every domain. */
const platform = (sub = 'platform'): Claims => claims({ sub, scopes: ['access:check', 'login:report'], domains: '*' });

export { admin, claims, platform, reader, writer };
export type { Claims, ClaimsInput };
