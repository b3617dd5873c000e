/**
 * Getting an access token. In the cloud: OpenID Connect Authorization Code with PKCE against the issuer
 * config.json names, with oidc-client-ts (loaded only when needed, so the local console does not carry
 * it). Locally: the local issuer's development endpoint mints a token for the User, Scopes and Domains
 * typed into the sign-in form.
 */
import type { ConsoleConfig } from '../config';

interface LocalSignIn {
  readonly user: string;
  readonly scopes: string;
  readonly domains: string;
}

async function userManager(config: ConsoleConfig) {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const redirect = `${window.location.origin}/`;
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: redirect,
    post_logout_redirect_uri: redirect,
    response_type: 'code',
    scope: config.scope,
    // PKCE is the library's default for the code flow; state and verifier stay in this tab.
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/** Sends the browser to the issuer's sign-in page. */
async function startOidcSignIn(config: ConsoleConfig): Promise<void> {
  await (await userManager(config)).signinRedirect();
}

/** True when the page was opened by the issuer's redirect (`?code=…&state=…`). */
function isOidcCallback(location: Location = window.location): boolean {
  const query = new URLSearchParams(location.search);
  return query.has('state') && (query.has('code') || query.has('error'));
}

/** Completes the code exchange after the redirect and removes `code` and `state` from the address bar. */
async function completeOidcSignIn(config: ConsoleConfig): Promise<string> {
  const user = await (await userManager(config)).signinCallback();
  window.history.replaceState(null, '', '/');
  if (!user?.access_token) throw new Error('the issuer returned no access token');
  return user.access_token;
}

/** Asks the local issuer for a token (local stack only). */
async function localSignIn(config: ConsoleConfig, form: LocalSignIn): Promise<string> {
  if (!config.localSignIn) throw new Error('this console has no local sign-in');
  const response = await fetch(config.localSignIn, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: form.user, scope: form.scopes, domains: form.domains }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; detail?: string };
  if (!response.ok || !body.token) throw new Error(body.detail ?? `sign-in failed (HTTP ${response.status})`);
  return body.token;
}

export { startOidcSignIn, isOidcCallback, completeOidcSignIn, localSignIn };
export type { LocalSignIn };
