import { OidcClient } from 'oidc-client-ts';
import { describe, expect, it } from 'vitest';
import { signOutSettings } from '../../console/src/auth/sign-in';
import { parseConfig } from '../../console/src/config';

const ORIGIN = 'https://d111.cloudfront.net';

/** The address oidc-client-ts sends the browser to on Sign out, with these settings. */
async function logoutUrl(config: ReturnType<typeof parseConfig>, metadata?: object): Promise<URL> {
  const { settings, extraQueryParams } = signOutSettings(config, ORIGIN);
  const client = new OidcClient({ ...settings, ...(metadata === undefined ? {} : { metadata }) });
  return new URL((await client.createSignoutRequest({ extraQueryParams })).url);
}

describe('signOutSettings', () => {
  it("sends the browser to the user pool's /logout with client_id and logout_uri when config.json names its domain", async () => {
    // Prepare
    const config = parseConfig({
      apiUrl: '',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC',
      clientId: 'console-client',
      cognitoDomain: 'https://mailbox-admin.auth.eu-west-1.amazoncognito.com/',
    });

    // Act
    const url = await logoutUrl(config);

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe('https://mailbox-admin.auth.eu-west-1.amazoncognito.com/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'console-client', logout_uri: `${ORIGIN}/` });
  });

  it("uses another issuer's end_session_endpoint with post_logout_redirect_uri", async () => {
    // Prepare
    const config = parseConfig({ apiUrl: '', issuer: 'https://id.example', clientId: 'console-client' });
    const discovered = { issuer: 'https://id.example', end_session_endpoint: 'https://id.example/oidc/logout' };

    // Act
    const url = await logoutUrl(config, discovered);

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe('https://id.example/oidc/logout');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${ORIGIN}/`);
    expect(url.searchParams.get('client_id')).toBe('console-client');
    expect(url.searchParams.has('logout_uri')).toBe(false);
  });

  it('refuses a cognitoDomain that is not a string', () => {
    expect(() => parseConfig({ issuer: 'https://id.example', clientId: 'c', cognitoDomain: 7 })).toThrow(
      /cognitoDomain/,
    );
  });
});
