import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../../shared/platform/signature';

const secret = 'shared-secret';
const body =
  '{"operationId":"a1.2","operation":"disable","accountId":"a1","email":"a@example.org","target":"disabled"}';
const now = new Date('2025-03-01T12:00:00.000Z');

describe('signatureHeader', () => {
  it('has the documented shape: t=<unix seconds>,v1=<64 hex digits>', () => {
    expect(signatureHeader(secret, body, now)).toMatch(/^t=1740830400,v1=[0-9a-f]{64}$/);
  });

  it('is the HMAC-SHA256 of "<t>.<body>"', async () => {
    // Prepare: an independent HMAC through Web Crypto
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`1740830400.${body}`));

    // Act
    const header = signatureHeader(secret, body, now);

    // Assess
    expect(header).toBe(`t=1740830400,v1=${Buffer.from(mac).toString('hex')}`);
  });
});

describe('verifySignature', () => {
  const header = signatureHeader(secret, body, now);

  it('accepts the signature with the shared secret', () => {
    expect(verifySignature(secret, header, body, 300, now)).toBe(true);
  });

  it('refuses a tampered body', () => {
    expect(verifySignature(secret, header, body.replace('disable', 'delete'), 300, now)).toBe(false);
  });

  it('refuses another secret', () => {
    expect(verifySignature('other-secret', header, body, 300, now)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance', () => {
    expect(verifySignature(secret, header, body, 300, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifySignature(secret, header, body, 300, new Date(now.getTime() + 299_000))).toBe(true);
  });

  it('refuses a changed timestamp (the signature covers it)', () => {
    expect(verifySignature(secret, header.replace('t=1740830400', 't=1740830401'), body, 300, now)).toBe(false);
  });

  it.each([undefined, null, '', 'v1=abc', 't=1740830400', 't=abc,v1=00', 'garbage'])(
    'refuses the malformed header %s',
    (bad) => {
      expect(verifySignature(secret, bad, body, 300, now)).toBe(false);
    },
  );

  it('accepts any one matching v1 among several (secret rotation)', () => {
    const other = signatureHeader('old-secret', body, now).split(',')[1];
    expect(verifySignature(secret, `${header},${other}`, body, 300, now)).toBe(true);
  });
});
