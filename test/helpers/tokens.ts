/**
 * Token claims as API Gateway's JWT authorizer hands them to a function: strings, an array claim as one
 * bracketed string (`[a.org b.org]`). The local server hands them over in the same form. For the local
 * server, `signClaims` turns such claims back into the real signed token they came from.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { ALGORITHM, signToken, type LocalClaims, type SignOptions, type SigningKey } from '../../infra/local/jwt';
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

const reader = (domains: ClaimsInput['domains'], sub = 'reader'): Claims =>
  claims({ sub, scopes: ['accounts:read'], domains });
const writer = (domains: ClaimsInput['domains'], sub = 'writer'): Claims =>
  claims({ sub, scopes: ['accounts:write'], domains });
const admin = (domains: ClaimsInput['domains'], sub = 'admin'): Claims =>
  claims({ sub, scopes: ['accounts:admin'], domains });
/** The mail platform: access checks and login events, every domain. */
const platform = (sub = 'platform'): Claims => claims({ sub, scopes: ['access:check', 'login:report'], domains: '*' });

/** API Gateway's form of an array claim: `[a b]`, items without spaces, brackets, quotes or commas. */
const BRACKETED = /^\[(?:[^\s[\]",]+(?: [^\s[\]",]+)*)?\]$/;

/**
 * The token payload API Gateway would hand over as `raw`: a claim in the bracketed form becomes the array
 * claim it came from (`[a.org b.org]` → `["a.org", "b.org"]`); every other claim is carried as is (the
 * authorizer passes strings, `*` included, through unchanged), so the function sees exactly `raw`.
 *
 * @example
 * tokenPayload({ sub: 'alice', scope: 'accounts:read', domains: '[a.org b.org]' })
 * // { sub: 'alice', scope: 'accounts:read', domains: ['a.org', 'b.org'] }
 */
function tokenPayload(raw: Claims): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => [
      name,
      typeof value === 'string' && BRACKETED.test(value)
        ? value
            .slice(1, -1)
            .split(' ')
            .filter((item) => item !== '')
        : value,
    ]),
  );
}

/** A signing key that lives in memory only (the local stack's own key is a file under `.local/`). */
async function testSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM);
  return { kid: randomUUID(), privateKey, publicKey };
}

/**
 * A token signed with `key` (as `npm run token` signs) whose claims reach the function as `raw`. The claims
 * may be incomplete or garbage on purpose (no `sub`, a malformed `domains`): the authorizer checks the
 * signature, issuer, audience and expiry, not them.
 *
 * @example
 * const token = await signClaims(key, writer(['a.org']));
 */
function signClaims(key: SigningKey, raw: Claims, options?: SignOptions): Promise<string> {
  return signToken(key, tokenPayload(raw) as LocalClaims, options);
}

export { admin, claims, platform, reader, signClaims, testSigningKey, tokenPayload, writer };
export type { Claims, ClaimsInput };
