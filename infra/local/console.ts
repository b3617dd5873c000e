/**
 * The admin console on the local stack (SPEC §6, §9): the built single-page app (console/dist) at `/`
 * beside the API, its `/config.json`, and the local issuer's sign-in endpoint `POST /local/token`, which
 * mints a token for the sign-in form's User, Scopes and Domains. That endpoint exists only here, on
 * loopback: the cloud serves the console from S3 and signs people in with OpenID Connect.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, resolve } from 'node:path';
import type { HttpResponse } from './apigw';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from './jwt';
import type { LocalClaims } from './jwt';
import { REPO_ROOT } from './paths';

/** Where `npm run console:build` (and `npm start`, when it is missing) puts the console. */
const CONSOLE_DIST = resolve(REPO_ROOT, 'console/dist');
const TOKEN_PATH = '/local/token';
const MAX_TOKEN_REQUEST_BYTES = 4096;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The headers every console response carries: the same strict policy CloudFront sends in the cloud
 * (only this origin, no inline script or style, no framing).
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
    "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

type Signer = (claims: LocalClaims) => Promise<string>;

interface ConsoleSiteOptions {
  /** Signs a local token (the stack's own key). */
  readonly sign: Signer;
  /** Default console/dist. */
  readonly distDir?: string;
}

/** Answers a request the API's routes did not match, or null to leave it to the API's 404. */
type ConsoleSite = (request: IncomingMessage, body: () => Promise<Buffer>) => Promise<HttpResponse | null>;

const reply = (statusCode: number, type: string, body: string | Buffer, cache = 'no-store'): HttpResponse => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': cache },
  body: typeof body === 'string' ? Buffer.from(body) : body,
});

const problem = (status: number, detail: string): HttpResponse =>
  reply(
    status,
    'application/problem+json',
    JSON.stringify({ type: 'about:blank', title: 'Sign-in refused', status, detail }),
  );

/** The config.json of the local console: the API on the same origin, the local issuer and its sign-in. */
function localConfig(): Record<string, string> {
  return {
    apiUrl: '',
    issuer: LOCAL_ISSUER,
    clientId: LOCAL_AUDIENCE,
    scope: 'accounts:admin',
    localSignIn: TOKEN_PATH,
  };
}

/** The sign-in form's fields, checked: a bad one is a 400, never a token. */
function claimsFrom(body: Buffer): LocalClaims | string {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'the body must be JSON';
  }
  const text = (name: string): string | null =>
    typeof fields[name] === 'string' && (fields[name] as string).trim() !== '' ? (fields[name] as string).trim() : null;
  const sub = text('sub');
  const scope = text('scope');
  const domains = text('domains');
  if (sub === null || sub.length > 128 || /[\p{Cc}\p{Cf}]/u.test(sub))
    return 'User must be 1 to 128 visible characters';
  if (scope === null) return 'Scopes must name at least one scope, e.g. accounts:admin';
  if (domains === null) return "Domains must name at least one domain, or '*'";
  const list = domains
    .split(/[\s,]+/)
    .map((d) => d.toLowerCase())
    .filter((d) => d !== '');
  return { sub, scope: scope.split(/\s+/).join(' '), domains: list.length === 1 ? list[0]! : list };
}

async function mintToken(request: IncomingMessage, body: () => Promise<Buffer>, sign: Signer): Promise<HttpResponse> {
  // JSON only (so another site's page cannot post a simple form here), and from this origin when the
  // browser says where it comes from.
  if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
    return problem(415, 'send the sign-in fields as application/json');
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}`)
    return problem(403, 'sign-in is accepted only from the console on this address');
  if (Number(request.headers['content-length'] ?? 0) > MAX_TOKEN_REQUEST_BYTES) return problem(413, 'too large');
  const claims = claimsFrom(await body());
  if (typeof claims === 'string') return problem(400, claims);
  return reply(200, 'application/json', JSON.stringify({ token: await sign(claims) }));
}

async function file(distDir: string, name: string, cache: string): Promise<HttpResponse | null> {
  try {
    const content = await readFile(resolve(distDir, name));
    return reply(200, TYPES[extname(name)] ?? 'application/octet-stream', content, cache);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><h1>The admin console is not built</h1><p>Run <code>npm run console:build</code> (or restart <code>npm start</code>, which builds it).</p></body></html>`;

/**
 * The console's part of the local server. Files are read from disk on each request, so a rebuild
 * (`npm run console:watch`) shows on the next reload.
 *
 * @example
 * const site = consoleSite({ sign: (claims) => signToken(key, claims) });
 */
function consoleSite(options: ConsoleSiteOptions): ConsoleSite {
  const distDir = options.distDir ?? CONSOLE_DIST;
  return async (request, body) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    if (path === TOKEN_PATH) {
      return method === 'POST' ? mintToken(request, body, options.sign) : problem(405, 'use POST');
    }
    if (method !== 'GET' && method !== 'HEAD') return null;
    if (path === '/config.json') return reply(200, 'application/json', JSON.stringify(localConfig()));
    if (path === '/' || path === '/index.html') {
      return (await file(distDir, 'index.html', 'no-cache')) ?? reply(503, 'text/html; charset=utf-8', NOT_BUILT);
    }
    const asset = /^\/assets\/([A-Za-z0-9._-]+)$/.exec(path);
    if (asset && !asset[1]!.startsWith('.')) {
      return file(distDir, `assets/${asset[1]}`, 'public, max-age=31536000, immutable');
    }
    return null;
  };
}

export { consoleSite, localConfig, CONSOLE_DIST, SECURITY_HEADERS, TOKEN_PATH };
export type { ConsoleSite, ConsoleSiteOptions };
