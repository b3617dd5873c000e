/**
 * Authentication of the SCIM routes in their function (SPEC §10): API Gateway's JWT authorizer answers
 * 401 with a body that cannot be shaped, so these routes verify the bearer token themselves — the same
 * checks as the authorizer (and the local server): RS256 only, signature, `iss`, `aud` and `exp` required —
 * with the issuer and audiences the API's authorizer is configured with. The claims are then read by the
 * one claims parser (shared/http/claims.ts) in API Gateway's string form, as every other route reads them.
 */
import type { MiddlewareObj } from '@middy/core';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import { parseClaims } from '../http/claims';
import type { ApiEvent, ApiResult } from '../http/event';
import { Scope, hasScope } from '../domain/transitions';
import { ScimError } from './errors';

const ALGORITHMS = ['RS256'];

interface TokenVerifier {
  /** The verified payload; throws when the token is not valid. */
  verify(token: string): Promise<JWTPayload>;
}

/** The 401: the same for a missing and a bad token, so tokens cannot be probed. */
const unauthorized = (): ScimError =>
  new ScimError(401, 'A valid bearer token is required.', undefined, { 'WWW-Authenticate': 'Bearer' });

/** The issuer's keys: inline JWKS, a JWKS URL, or the `jwks_uri` of its OpenID discovery document. */
function keySource(auth: Config['auth'], issuer: string): JWTVerifyGetKey {
  if (auth.jwks !== undefined)
    return createLocalJWKSet(JSON.parse(auth.jwks) as Parameters<typeof createLocalJWKSet>[0]);
  if (auth.jwksUrl !== undefined) return createRemoteJWKSet(new URL(auth.jwksUrl));
  let discovered: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
    if (typeof jwksUri !== 'string') throw new Error(`${url} names no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri));
  };
  return async (header, token) => {
    discovered ??= discover().catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return (await discovered)(header, token);
  };
}

/**
 * The verifier for `auth`; throws at load when the issuer or audience is missing (a misdeployed function
 * must not answer 401 to everyone silently).
 *
 * @example
 * const verifier = tokenVerifier(loadConfig().auth);
 */
function tokenVerifier(auth: Config['auth']): TokenVerifier {
  const { issuer, audience } = auth;
  if (issuer === undefined || audience.length === 0)
    throw new Error('JWT_ISSUER and JWT_AUDIENCE are required where a function verifies tokens itself');
  const keys = keySource(auth, issuer);
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, keys, { algorithms: ALGORITHMS, issuer, requiredClaims: ['exp'] });
      if (!forAudience(payload, audience)) throw new Error('the token is for another audience');
      return payload;
    },
  };
}

/**
 * Whether the token is for one of `audience`, as API Gateway's JWT authorizer decides: its `aud` (a string
 * or an array), or else its `client_id` (Cognito's access tokens carry no `aud`).
 */
function forAudience(payload: JWTPayload, audience: readonly string[]): boolean {
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (aud.length > 0) return aud.some((a) => audience.includes(a));
  return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
}

/** The token of `Authorization: Bearer <token>`; null without one. */
function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header?.trim() ?? '');
  return match?.[1] ?? null;
}

/** A claim in API Gateway's string form (an array as `[a b]`), as the one claims parser reads claims. */
const gatewayForm = (value: unknown): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? `[${value.join(' ')}]` : String(value);

/** The scopes of `scope` and `scp` together (each space-separated or an array), in the gateway's form. */
function scopesOf(payload: JWTPayload): string | undefined {
  const items = [payload.scope, payload.scp].flatMap((claim) =>
    Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(' ') : [],
  );
  const scopes = items.filter((item) => item !== '');
  return scopes.length === 0 ? undefined : scopes.join(' ');
}

/**
 * The SCIM authentication middleware: 401 without a valid token, 403 without the `scim:provision` scope
 * (in `scope` or `scp`) or without a `domains` claim; otherwise the caller on `event.caller`.
 *
 * @example
 * middy(handler).use(scimAuthenticate(tokenVerifier(config.auth)))
 */
function scimAuthenticate(verifier: () => TokenVerifier): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: async (request) => {
      const { event } = request;
      const token = bearerToken(event.headers?.authorization);
      if (token === null) throw unauthorized();
      let payload: JWTPayload;
      try {
        payload = await verifier().verify(token);
      } catch {
        throw unauthorized();
      }
      const raw = Object.fromEntries(
        [
          ['sub', payload.sub],
          ['scope', scopesOf(payload)],
          ['domains', gatewayForm(payload.domains)],
        ].filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      let claims;
      try {
        claims = parseClaims(raw);
      } catch {
        throw unauthorized();
      }
      if (!hasScope(claims.scopes, Scope.SCIM)) throw new ScimError(403, `The token lacks the ${Scope.SCIM} scope.`);
      if (payload.domains === undefined)
        throw new ScimError(403, 'The token has no domains claim: it must name the domains it may provision.');
      event.caller = { ...claims, requestId: event.requestContext.requestId ?? null };
    },
  };
}

export { bearerToken, forAudience, scimAuthenticate, tokenVerifier };
export type { TokenVerifier };
