/**
 * Getting an access token. In the cloud: OpenID Connect Authorization Code with PKCE against the issuer
 * config.json names, with oidc-client-ts (loaded only when needed, so the local console does not carry
 * it). Locally: the local issuer's development endpoint mints a token for the User, Scopes and Domains
 * typed into the sign-in form.
 */
import type { OidcClientSettings } from 'oidc-client-ts';
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

/**
 * How Sign out ends the identity provider's session, as oidc-client-ts settings and the query it adds.
 * Cognito's user pool publishes no end_session_endpoint: its hosted `/logout` takes `client_id` and
 * `logout_uri` (a sign-out URL of the console client: the console's own address), and no id token hint.
 * Any other issuer: its discovery document's end_session_endpoint, with `post_logout_redirect_uri` (and the
 * id token as a hint, as oidc-client-ts sends it).
 *
 * @example
 * signOutSettings({ …, cognitoDomain: 'https://auth.example' }, 'https://console.example').settings.metadata
 * // { issuer: …, end_session_endpoint: 'https://auth.example/logout' }
 */
function signOutSettings(
  config: ConsoleConfig,
  origin: string,
): { settings: OidcClientSettings; extraQueryParams: Record<string, string>; cognito: boolean } {
  const back = `${origin}/`;
  const common = { authority: config.issuer, client_id: config.clientId, redirect_uri: back };
  if (config.cognitoDomain === undefined)
    return { settings: { ...common, post_logout_redirect_uri: back }, extraQueryParams: {}, cognito: false };
  return {
    // The logout endpoint is known: no discovery needed.
    settings: {
      ...common,
      metadata: { issuer: config.issuer, end_session_endpoint: `${config.cognitoDomain}/logout` },
    },
    extraQueryParams: { client_id: config.clientId, logout_uri: back },
    cognito: true,
  };
}

/**
 * Ends the identity provider's session with oidc-client-ts's signoutRedirect: the browser leaves for the
 * issuer's logout, which sends it back to the console's address, where the signed-out page shows.
 */
async function endOidcSession(config: ConsoleConfig): Promise<void> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const { settings, extraQueryParams, cognito } = signOutSettings(config, window.location.origin);
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  const manager = new UserManager({ ...settings, stateStore: store, userStore: store });
  // Cognito's logout takes no id_token_hint: forget the user first so none is sent.
  if (cognito) await manager.removeUser();
  await manager.signoutRedirect({ extraQueryParams });
}

const SIGNED_OUT_KEY = 'mailbox-lifecycle.signed-out';

/** Remembers, across the issuer's logout redirect, that this tab signed out (the sign-in page says so). */
function markSignedOut(): void {
  sessionStorage.setItem(SIGNED_OUT_KEY, '1');
}

/** Whether this tab signed out (and forgets it once a sign-in starts). */
function signedOut(): boolean {
  return sessionStorage.getItem(SIGNED_OUT_KEY) === '1';
}

function clearSignedOut(): void {
  sessionStorage.removeItem(SIGNED_OUT_KEY);
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

export {
  startOidcSignIn,
  isOidcCallback,
  completeOidcSignIn,
  localSignIn,
  signOutSettings,
  endOidcSession,
  markSignedOut,
  signedOut,
  clearSignedOut,
};
export type { LocalSignIn };
