/**
 * Who calls the API: the token's `sub` and scopes (the domain's Caller) plus the domains it administers.
 * An account outside those domains does not exist for the caller (NotFoundError, never ForbiddenError).
 */
import type { Caller } from '../domain/requests';

/** `*` for every domain, or the domains the caller administers (lower-case). */
type DomainGrant = '*' | readonly string[];

interface ApiCaller extends Caller {
  readonly domains: DomainGrant;
}

/**
 * Whether the caller administers `domain`.
 *
 * @example
 * administers({ sub: 'alice', scopes: [], requestId: null, domains: ['a.org'] }, 'a.org') // true
 */
function administers(caller: ApiCaller, domain: string): boolean {
  return caller.domains === '*' || caller.domains.includes(domain);
}

export { administers };
export type { ApiCaller, DomainGrant };
