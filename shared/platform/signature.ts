/**
 * The webhook signature (SPEC §5): `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with the secret shared with the platform. The timestamp bounds replays; the platform verifies
 * with `verifySignature`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_HEADER = 'X-Signature';

/** How far (seconds) a signature's timestamp may be from the verifier's clock by default. */
const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * The `X-Signature` value for `body` at `now`.
 *
 * @example
 * signatureHeader('s3cret', '{"a":1}', new Date(1_700_000_000_000))
 * // 't=1700000000,v1=…64 hex digits…'
 */
function signatureHeader(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Whether `header` is a valid signature of `body` with `secret`, made within `toleranceSeconds` of `now`.
 * Constant-time comparison; any malformed header is simply invalid.
 *
 * @example
 * verifySignature(secret, request.headers['x-signature'], rawBody, 300) // true or false
 */
function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: Date = new Date(),
): boolean {
  const parsed = header ? parseHeader(header) : null;
  if (parsed === null) return false;
  if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, parsed.timestamp, body), 'hex');
  return parsed.signatures.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
}

export { SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS, signatureHeader, verifySignature };
