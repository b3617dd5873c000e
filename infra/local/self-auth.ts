/**
 * What a function that verifies tokens itself (the SCIM routes, SPEC §10) needs locally: the issuer and
 * audience of local tokens and the public half of the local signing key as an inline JWKS — the same
 * checks, against the same key, as the local server's JWT authorizer.
 */
import { exportJWK } from 'jose';
import { ALGORITHM, LOCAL_AUDIENCE, LOCAL_ISSUER, type SigningKey } from './jwt';

/**
 * The JWT_* variables for the local handlers.
 *
 * @example
 * Object.assign(env, await selfAuthenticationEnv(key)); // { JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS }
 */
async function selfAuthenticationEnv(key: SigningKey): Promise<Record<string, string>> {
  const jwk = { ...(await exportJWK(key.publicKey)), kid: key.kid, alg: ALGORITHM, use: 'sig' };
  return { JWT_ISSUER: LOCAL_ISSUER, JWT_AUDIENCE: LOCAL_AUDIENCE, JWT_JWKS: JSON.stringify({ keys: [jwk] }) };
}

export { selfAuthenticationEnv };
