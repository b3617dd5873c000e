/**
 * The one parser of the token's claims as API Gateway's JWT authorizer hands them to a function (and the
 * local server, in exactly the same form): every claim a string, an array claim one bracketed string.
 * `sub` is the actor; the scopes are in `scope` (OAuth's space-separated string: Cognito, most issuers) or
 * `scp` (Okta's array, Entra ID's space-separated string), either as a string or an array — the same two
 * claims API Gateway's route scopes check; `domains` is `*`, one domain, a comma-separated list, API
 * Gateway's `[a.org b.org]`, or a JSON array string.
 */
import { BadClaimsError } from '../errors';
import type { DomainGrant } from '../services/caller';
import { DOMAIN_PATTERN } from '../domain/email';
import type { RawClaim } from './event';

interface Claims {
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly domains: DomainGrant;
}

const ALL = '*';
const SUB_MAX = 256;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The items of a list claim in any of its string forms; null when it is not a list at all. */
function listItems(raw: RawClaim): readonly string[] | null {
  if (Array.isArray(raw)) return raw.every((item) => typeof item === 'string') ? raw : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.every((item) => typeof item === 'string') ? parsed : null;
    } catch {
      // Not JSON: API Gateway's `[a b]` form.
    }
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter((item) => item !== '');
  }
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

/** The domains claim: absent means none; `*` anywhere means all; anything that is not a host name is invalid. */
function parseDomains(raw: RawClaim | undefined): DomainGrant {
  if (raw === undefined) return [];
  const items = listItems(raw);
  if (items === null) throw new BadClaimsError('the domains claim is not a list of domains');
  const domains = items.map((item) => item.trim().toLowerCase()).filter((item) => item !== '');
  if (domains.includes(ALL)) return ALL;
  const bad = domains.find((domain) => !DOMAIN_PATTERN.test(domain));
  if (bad !== undefined) throw new BadClaimsError('the domains claim holds something that is not a domain');
  return [...new Set(domains)];
}

/** One scope claim: space-separated, or an array claim in any of its forms; absent means none. */
function parseScopes(raw: RawClaim | undefined): readonly string[] {
  if (raw === undefined) return [];
  const items = listItems(raw);
  if (items === null || !items.every((item) => SCOPE_TOKEN.test(item))) {
    throw new BadClaimsError('the scope claim is not a list of scopes');
  }
  return items;
}

/**
 * Reads the claims; BadClaimsError (answered 401 without echoing the claims) when there are none or they are unusable (no `sub`, garbage).
 *
 * @example
 * parseClaims({ sub: 'alice', scope: 'accounts:read accounts:write', domains: '[a.org b.org]' })
 * // { sub: 'alice', scopes: ['accounts:read', 'accounts:write'], domains: ['a.org', 'b.org'] }
 * parseClaims({ sub: 'bob', scp: ['accounts:read'] }).scopes // ['accounts:read'] (Okta)
 */
function parseClaims(raw: Readonly<Record<string, RawClaim>> | undefined | null): Claims {
  if (raw === undefined || raw === null) throw new BadClaimsError('no token');
  const { sub } = raw;
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > SUB_MAX) {
    throw new BadClaimsError('the token has no usable sub claim');
  }
  // An issuer sends one of the two; a token carrying both is granted what either says.
  const scopes = [...new Set([...parseScopes(raw.scope), ...parseScopes(raw.scp)])];
  return { sub, scopes, domains: parseDomains(raw.domains) };
}

export { parseClaims };
export type { Claims };
