/**
 * The console on the local API server: its files at `/` with the strict security headers, config.json
 * naming the local issuer, query strings ignored, nothing outside console/dist served, and the local
 * sign-in endpoint minting a token the API accepts only for a well-formed JSON request from its own origin.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSite } from '../../../infra/local/console';
import { LOCAL_ISSUER, createVerifier, ensureSigningKey, signToken } from '../../../infra/local/jwt';
import type { SigningKey } from '../../../infra/local/jwt';
import { startLocalApi } from '../../../infra/local/server';
import type { LocalApi } from '../../../infra/local/server';

let dir: string;
let api: LocalApi;
let key: SigningKey;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-site-'));
  await mkdir(join(dir, 'dist/assets'), { recursive: true });
  await writeFile(join(dir, 'dist/index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(dir, 'dist/assets/index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'not for the browser');
  key = await ensureSigningKey(join(dir, 'signing-key.json'));
  api = await startLocalApi({
    port: 0,
    handlers: {},
    verifier: createVerifier(key),
    site: consoleSite({ sign: (claims) => signToken(key, claims), distDir: join(dir, 'dist') }),
    log: () => undefined,
  });
});

afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
});

const mint = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${api.url}/local/token`, { method: 'POST', headers, body });

describe('the console files', () => {
  it('serves index.html at / with a strict CSP, whatever the query string', async () => {
    // Act
    const response = await fetch(`${api.url}/?v=123`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>console</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves built assets with a long cache, and nothing else from disk', async () => {
    // Act
    const asset = await fetch(`${api.url}/assets/index-abc.js`);
    const escape = await fetch(`${api.url}/assets/..%2F..%2Fsecret.txt`);
    const dotdot = await fetch(`${api.url}/assets/../../secret.txt`);
    const missing = await fetch(`${api.url}/assets/nothing.js`);

    // Assess
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const response of [escape, dotdot, missing]) {
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('not for the browser');
    }
  });

  it('names the local issuer and its sign-in endpoint in config.json, the API on the same origin', async () => {
    const config = (await (await fetch(`${api.url}/config.json`)).json()) as Record<string, string>;
    expect(config).toMatchObject({ apiUrl: '', issuer: LOCAL_ISSUER, localSignIn: '/local/token' });
  });
});

describe('the local sign-in endpoint', () => {
  it('mints a token with the form fields that the local authorizer accepts', async () => {
    // Act
    const response = await mint(
      JSON.stringify({ sub: 'alice', scope: 'accounts:read  accounts:write', domains: 'a.org, b.org' }),
    );

    // Assess
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const claims = await createVerifier(key).verify(token);
    expect(claims).toMatchObject({ sub: 'alice', scope: 'accounts:read accounts:write', domains: ['a.org', 'b.org'] });
  });

  it('refuses what is not JSON, another origin, and missing fields, with a problem and no token', async () => {
    // Act
    const responses = await Promise.all([
      mint('sub=alice', { 'content-type': 'application/x-www-form-urlencoded' }),
      mint(JSON.stringify({ sub: 'a', scope: 'accounts:admin', domains: '*' }), {
        'content-type': 'application/json',
        origin: 'https://evil.example',
      }),
      mint(JSON.stringify({ sub: '', scope: 'accounts:admin', domains: '*' })),
      mint(JSON.stringify({ sub: 'a', scope: 'accounts:admin' })),
      mint('{not json'),
      fetch(`${api.url}/local/token`),
    ]);

    // Assess
    expect(responses.map((r) => r.status)).toEqual([415, 403, 400, 400, 400, 405]);
    for (const response of responses) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.text()).not.toMatch(/eyJ/);
    }
  });
});
