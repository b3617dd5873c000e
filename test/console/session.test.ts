import { describe, expect, it } from 'vitest';
import { hasScope, sessionFromToken, storeSession, storedSession } from '../../console/src/auth/session';
import { token } from './fixtures';

describe('sessionFromToken', () => {
  it('reads scope, domains and sub as the API does: space-separated, scp arrays, bracketed strings', () => {
    // Prepare
    const okta = token({ sub: 'a', scp: ['accounts:read', 'accounts:write'], domains: ['a.org', 'b.org'] });
    const gateway = token({ sub: 'b', scope: 'accounts:admin', domains: '[a.org b.org]' });
    const all = token({ sub: 'c', scope: 'accounts:read', domains: '*' });

    // Act
    const [s1, s2, s3] = [okta, gateway, all].map(sessionFromToken);

    // Assess
    expect(s1!.scopes).toEqual(['accounts:read', 'accounts:write']);
    expect(s1!.domains).toEqual(['a.org', 'b.org']);
    expect(s2!.domains).toEqual(['a.org', 'b.org']);
    expect(s3!.domains).toBe('*');
  });

  it('ranks scopes: admin includes write, write includes read, read is not write', () => {
    const admin = sessionFromToken(token({ scope: 'accounts:admin' }));
    const reader = sessionFromToken(token({ scope: 'accounts:read login:report' }));
    expect(hasScope(admin, 'accounts:write')).toBe(true);
    expect(hasScope(reader, 'accounts:read')).toBe(true);
    expect(hasScope(reader, 'accounts:write')).toBe(false);
  });

  it('refuses something that is not a JWT', () => {
    expect(() => sessionFromToken('not-a-token')).toThrow(/JWT/);
  });
});

describe('stored session', () => {
  it('keeps the token in this tab only and forgets an expired one', () => {
    // Prepare
    const expired = token({ sub: 'a', scope: 'accounts:read', exp: Math.floor(Date.now() / 1000) - 10 });

    // Act
    storeSession(token({ sub: 'a', scope: 'accounts:read' }));
    const live = storedSession();
    sessionStorage.setItem('mailbox-lifecycle.session', expired);
    const gone = storedSession();

    // Assess
    expect(live?.sub).toBe('a');
    expect(gone).toBeNull();
    expect(document.cookie).toBe('');
  });
});
