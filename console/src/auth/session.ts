/**
 * The signed-in administrator: the access token and what its claims allow. The token lives in this tab's
 * sessionStorage only (never a cookie, never the URL); the claims are read to shape the screens, and the
 * API checks them again on every call.
 */

const STORAGE_KEY = 'mailbox-lifecycle.session';

interface Session {
  readonly token: string;
  readonly sub: string;
  readonly scopes: readonly string[];
  /** The domains the caller administers; '*' for all. */
  readonly domains: readonly string[] | '*';
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

class TokenError extends Error {
  override readonly name = 'TokenError';
}

function base64UrlJson(part: string): unknown {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** A claim that may be a space-separated string, an array, or API Gateway's bracketed string. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(/[\s,]+/).filter((s) => s !== '');
}

/**
 * Reads the claims of an access token (without verifying it: the API does that).
 *
 * @example
 * sessionFromToken(token).scopes // ['accounts:admin']
 */
function sessionFromToken(token: string): Session {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new TokenError('not a JWT');
  let claims: Record<string, unknown>;
  try {
    claims = base64UrlJson(payload) as Record<string, unknown>;
  } catch {
    throw new TokenError('the token cannot be read');
  }
  const scopes = listClaim(claims.scope ?? claims.scp);
  const domainList = listClaim(claims.domains);
  return {
    token,
    sub: typeof claims.sub === 'string' ? claims.sub : 'unknown',
    scopes,
    domains: domainList.includes('*') ? '*' : domainList,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3600_000,
  };
}

/** Whether the caller holds `scope` (admin includes write, write includes read). */
function hasScope(session: Session, scope: 'accounts:read' | 'accounts:write' | 'accounts:admin'): boolean {
  const order = ['accounts:read', 'accounts:write', 'accounts:admin'];
  const needed = order.indexOf(scope);
  return session.scopes.some((s) => order.indexOf(s) >= needed && order.includes(s));
}

function storedSession(): Session | null {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (token === null) return null;
  try {
    const session = sessionFromToken(token);
    if (session.expiresAt > Date.now()) return session;
  } catch {
    // fall through: an unreadable token is forgotten
  }
  sessionStorage.removeItem(STORAGE_KEY);
  return null;
}

function storeSession(token: string): Session {
  const session = sessionFromToken(token);
  sessionStorage.setItem(STORAGE_KEY, token);
  return session;
}

function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export { sessionFromToken, hasScope, storedSession, storeSession, clearSession, TokenError };
export type { Session };
