/**
 * The local token issuer and the local stand-in for API Gateway's JWT authorizer. The key pair is created
 * on the stack's first start under `.local/` (mode 0600); `npm run token` signs with it and the local
 * server verifies with it, checking what API Gateway checks: the algorithm (pinned to RS256 — API Gateway
 * accepts only RSA keys), the key id, the signature, `iss`, `aud`, `exp` (required), `nbf` and `iat`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SignJWT, errors, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';

/** The issuer of local tokens: fixed, so a token outlives a restart on another port. */
const LOCAL_ISSUER = 'http://127.0.0.1/mailbox-lifecycle/local';
const LOCAL_AUDIENCE = 'mailbox-lifecycle-local';
const ALGORITHM = 'RS256';
/** Default lifetime of a local token: one working day. */
const DEFAULT_TTL_SECONDS = 8 * 3600;

const PRIVATE_JWK_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** The claims a local token carries (SPEC §4): `domains` a string, `*`, or an array of domains. */
interface LocalClaims {
  readonly sub: string;
  readonly scope: string;
  readonly domains: string | readonly string[];
  readonly [claim: string]: unknown;
}

interface SignOptions {
  readonly ttlSeconds?: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** Issue time in epoch seconds (tests make expired tokens with it). */
  readonly now?: number;
  /** Not-before in epoch seconds. */
  readonly notBefore?: number;
}

interface TokenVerifier {
  /** The verified payload; UnauthorizedError when API Gateway would answer 401. */
  verify(token: string): Promise<JWTPayload>;
}

class NoSigningKeyError extends Error {
  override readonly name = 'NoSigningKeyError';
}

/** A token API Gateway's JWT authorizer would refuse; `description` goes to `www-authenticate`. */
class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function importKey(jwk: JWK): Promise<SigningKey> {
  if (typeof jwk.kid !== 'string') throw new Error('the local signing key has no kid');
  const publicJwk = Object.fromEntries(
    Object.entries(jwk).filter(([field]) => !(PRIVATE_JWK_FIELDS as readonly string[]).includes(field)),
  );
  return {
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
  };
}

/**
 * Reads the signing key written by the local stack.
 *
 * @throws NoSigningKeyError when the stack has never started with this local directory.
 */
async function readSigningKey(path: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) {
      throw new NoSigningKeyError(`no signing key at ${path}: start the local stack once first (npm start)`);
    }
    throw error;
  }
  return importKey(JSON.parse(text) as JWK);
}

/**
 * The signing key at `path`, created (RSA 2048, mode 0600) when there is none yet.
 *
 * @example
 * const key = await ensureSigningKey(localPaths().signingKey);
 */
async function ensureSigningKey(path: string): Promise<SigningKey> {
  try {
    return await readSigningKey(path);
  } catch (error) {
    if (!(error instanceof NoSigningKeyError)) throw error;
  }
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: ALGORITHM, use: 'sig' };
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSigningKey(path);
}

/**
 * Signs a local access token.
 *
 * @example
 * await signToken(key, { sub: 'alice', scope: 'accounts:read', domains: ['a.org', 'b.org'] }, { ttlSeconds: 600 });
 */
async function signToken(key: SigningKey, claims: LocalClaims, options: SignOptions = {}): Promise<string> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS))
    .setJti(randomUUID());
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(key.privateKey);
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'aud') return 'the token does not have a valid audience';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token has an invalid ${error.claim} claim`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof UnauthorizedError) return error.message;
  return 'the token is malformed';
}

/**
 * The local JWT authorizer.
 *
 * @example
 * const verifier = createVerifier(key);
 * const claims = await verifier.verify(token); // or UnauthorizedError
 */
function createVerifier(
  key: SigningKey,
  { issuer = LOCAL_ISSUER, audience = LOCAL_AUDIENCE }: { issuer?: string; audience?: string } = {},
): TokenVerifier {
  const keyFor = (header: { kid?: string }): CryptoKey => {
    if (header.kid !== key.kid) throw new UnauthorizedError('the token is not signed by a known key');
    return key.publicKey;
  };
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keyFor, {
          algorithms: [ALGORITHM],
          issuer,
          audience,
          requiredClaims: ['exp'],
        });
        if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000)) {
          throw new UnauthorizedError('the token was issued in the future');
        }
        return payload;
      } catch (error) {
        throw new UnauthorizedError(describe(error), { cause: error });
      }
    },
  };
}

export {
  ALGORITHM,
  DEFAULT_TTL_SECONDS,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  NoSigningKeyError,
  UnauthorizedError,
  createVerifier,
  ensureSigningKey,
  readSigningKey,
  signToken,
};
export type { LocalClaims, SignOptions, SigningKey, TokenVerifier };
