import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/auth/pre-token';
import { accessTokenAdditions, scimConnectionsFrom } from '../../../shared/auth/token-claims';
import { parseClaims } from '../../../shared/http/claims';

const user = (groups: string[], domains?: string) => ({
  triggerSource: 'TokenGeneration_HostedAuth',
  request: {
    groupConfiguration: { groupsToOverride: groups },
    userAttributes: { sub: 'u-1', ...(domains === undefined ? {} : { 'custom:domains': domains }) },
  },
});

describe('accessTokenAdditions', () => {
  it('gives an administrator the scopes of their groups and the domains of their attribute', () => {
    // Act
    const additions = accessTokenAdditions(
      user(['accounts-write', 'unrelated', 'accounts-read'], ' A.org, b.org ,a.org'),
    );

    // Assess
    expect(additions).toEqual({
      scopesToAdd: ['accounts:write', 'accounts:read'],
      claimsToAddOrOverride: { domains: 'a.org,b.org' },
    });
  });

  it('gives no scope and no domain to a user in no group and without the attribute', () => {
    expect(accessTokenAdditions(user([]))).toEqual({ scopesToAdd: [], claimsToAddOrOverride: {} });
  });

  it('reads * as every domain', () => {
    expect(accessTokenAdditions(user(['accounts-admin'], 'a.org, *')).claimsToAddOrOverride).toEqual({ domains: '*' });
  });

  it("gives a platform client the resource server's scopes it was granted, unprefixed, for every domain", () => {
    // Prepare
    const event = {
      triggerSource: 'TokenGeneration_ClientCredentials',
      request: { scopes: ['mailbox-lifecycle/access:check', 'other/login:report'] },
    };

    // Act
    const additions = accessTokenAdditions(event);

    // Assess
    expect(additions).toEqual({ scopesToAdd: ['access:check'], claimsToAddOrOverride: { domains: '*' } });
  });

  it("gives a SCIM connection's client scim:provision and that connection's domains, and nothing else", () => {
    // Prepare
    const connections = { okta: 'a.org,b.org', entra: '*' };
    const okta = {
      triggerSource: 'TokenGeneration_ClientCredentials',
      request: { scopes: ['mailbox-lifecycle/scim:provision', 'mailbox-lifecycle/scim-connection:okta'] },
    };
    const entra = {
      ...okta,
      request: { scopes: ['mailbox-lifecycle/scim:provision', 'mailbox-lifecycle/scim-connection:entra'] },
    };

    // Act
    const [forOkta, forEntra] = [accessTokenAdditions(okta, connections), accessTokenAdditions(entra, connections)];

    // Assess
    expect(forOkta).toEqual({ scopesToAdd: ['scim:provision'], claimsToAddOrOverride: { domains: 'a.org,b.org' } });
    expect(forEntra).toEqual({ scopesToAdd: ['scim:provision'], claimsToAddOrOverride: { domains: '*' } });
  });

  it('refuses scim:provision without a known connection (removed from the stack, or its marker not requested)', () => {
    // Prepare
    const event = (scopes: string[]) => ({ triggerSource: 'TokenGeneration_ClientCredentials', request: { scopes } });
    const none = { scopesToAdd: [], claimsToAddOrOverride: {} };

    // Act and assess
    expect(accessTokenAdditions(event(['mailbox-lifecycle/scim:provision']), { okta: 'a.org' })).toEqual(none);
    expect(
      accessTokenAdditions(event(['mailbox-lifecycle/scim:provision', 'mailbox-lifecycle/scim-connection:okta']), {
        entra: 'a.org',
      }),
    ).toEqual(none);
    expect(
      accessTokenAdditions(event(['mailbox-lifecycle/scim:provision', 'mailbox-lifecycle/scim-connection:okta'])),
    ).toEqual(none);
  });

  it('reads the connections the stack gives the trigger', () => {
    expect(scimConnectionsFrom(undefined)).toEqual({});
    expect(scimConnectionsFrom('{"okta":"a.org,b.org","Bad Name":"c.org"}')).toEqual({ okta: 'a.org,b.org' });
    expect(() => scimConnectionsFrom('["okta"]')).toThrow(/SCIM_CONNECTIONS/);
  });

  it('produces claims the functions read back (the token as API Gateway hands it over)', async () => {
    // Prepare
    const event = { ...user(['accounts-read'], 'a.org,b.org'), response: {} };

    // Act
    const result = await handler(event);
    const { scopesToAdd, claimsToAddOrOverride } = (
      result.response as {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: { scopesToAdd: string[]; claimsToAddOrOverride: { domains: string } };
        };
      }
    ).claimsAndScopeOverrideDetails.accessTokenGeneration;
    const claims = parseClaims({
      sub: 'u-1',
      scope: ['openid', ...scopesToAdd].join(' '),
      domains: claimsToAddOrOverride.domains,
    });

    // Assess
    expect(claims).toEqual({ sub: 'u-1', scopes: ['openid', 'accounts:read'], domains: ['a.org', 'b.org'] });
  });
});
