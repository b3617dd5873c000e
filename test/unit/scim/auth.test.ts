/**
 * The SCIM function's own token check (shared/scim/auth.ts): the checks of API Gateway's JWT authorizer —
 * RS256, signature, issuer, expiry, and the audience in `aud` or, for Cognito's access tokens, `client_id`.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenVerifier, type TokenVerifier } from '../../../shared/scim/auth';

const ISSUER = 'https://issuer.example/pool';
const now = () => Math.floor(Date.now() / 1000);

describe('tokenVerifier', () => {
  let sign: (claims: Record<string, unknown>, options?: { issuer?: string; exp?: number }) => Promise<string>;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    verifier = tokenVerifier({
      issuer: ISSUER,
      audience: ['scim-okta', 'scim-entra'],
      jwks: JSON.stringify({ keys: [jwk] }),
      jwksUrl: undefined,
    });
    sign = (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(options.issuer ?? ISSUER)
        .setIssuedAt()
        .setExpirationTime(options.exp ?? now() + 600)
        .sign(privateKey);
  });

  it.each([
    ['aud as a string', { aud: 'scim-okta' }],
    ['aud as an array', { aud: ['other', 'scim-entra'] }],
    ["Cognito's client_id without aud", { client_id: 'scim-entra' }],
  ])('accepts the audience in %s', async (_how, claims) => {
    const payload = await verifier.verify(await sign({ sub: 'c', ...claims }));

    expect(payload.sub).toBe('c');
  });

  it.each([
    ['another aud', async () => sign({ aud: 'admin-console' })],
    ['a client_id beside another aud', async () => sign({ aud: 'admin-console', client_id: 'scim-okta' })],
    ['neither aud nor client_id', async () => sign({})],
    ['another issuer', async () => sign({ aud: 'scim-okta' }, { issuer: 'https://elsewhere.example' })],
    ['an expired token', async () => sign({ aud: 'scim-okta' }, { exp: now() - 60 })],
  ])('refuses %s', async (_what, token) => {
    await expect(verifier.verify(await token())).rejects.toThrow();
  });

  it('refuses to start without an issuer or an audience', () => {
    expect(() => tokenVerifier({ issuer: undefined, audience: ['a'], jwks: undefined, jwksUrl: undefined })).toThrow(
      /JWT_ISSUER/,
    );
  });
});
