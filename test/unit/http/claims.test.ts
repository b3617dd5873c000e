import { describe, expect, it } from 'vitest';
import { BadClaimsError } from '../../../shared/errors';
import { parseClaims } from '../../../shared/http/claims';

describe('parseClaims', () => {
  it("reads sub, the space-separated scope and API Gateway's bracketed array", () => {
    expect(parseClaims({ sub: 'alice', scope: 'accounts:read accounts:write', domains: '[a.org b.org]' })).toEqual({
      sub: 'alice',
      scopes: ['accounts:read', 'accounts:write'],
      domains: ['a.org', 'b.org'],
    });
  });

  it.each([
    ['*', '*'],
    ['a.org', ['a.org']],
    ['a.org,b.org', ['a.org', 'b.org']],
    ['a.org, b.org', ['a.org', 'b.org']],
    ['[a.org b.org]', ['a.org', 'b.org']],
    ['[a.org]', ['a.org']],
    ['[]', []],
    ['["a.org","b.org"]', ['a.org', 'b.org']],
    ['["*"]', '*'],
    ['[*]', '*'],
    [' A.Org ', ['a.org']],
    ['a.org,a.org', ['a.org']],
  ])('reads domains %j', (raw, domains) => {
    expect(parseClaims({ sub: 's', domains: raw }).domains).toEqual(domains);
  });

  it('reads domains handed over as a real array', () => {
    expect(parseClaims({ sub: 's', domains: ['a.org', 'B.org'] }).domains).toEqual(['a.org', 'b.org']);
  });

  it.each([
    ['Okta: scp as a real array', { scp: ['accounts:read', 'access:check'] }],
    ['Okta through API Gateway: scp as its bracketed array', { scp: '[accounts:read access:check]' }],
    ['Entra ID: scp space-separated', { scp: 'accounts:read access:check' }],
    ['scope as a real array', { scope: ['accounts:read', 'access:check'] }],
    ['both, overlapping', { scope: 'accounts:read', scp: ['access:check', 'accounts:read'] }],
  ])('reads the scopes from scope or scp, string or array (%s)', (_, claims) => {
    expect(parseClaims({ sub: 's', ...claims }).scopes).toEqual(['accounts:read', 'access:check']);
  });

  it('refuses an scp claim that is not a list of scopes', () => {
    expect(() => parseClaims({ sub: 's', scp: 42 })).toThrow(BadClaimsError);
    expect(() => parseClaims({ sub: 's', scp: 'accounts:read "quoted"' })).toThrow(BadClaimsError);
  });

  it('treats absent scope and domains as none', () => {
    expect(parseClaims({ sub: 's' })).toEqual({ sub: 's', scopes: [], domains: [] });
  });

  it('reads a bracketed scope claim too', () => {
    expect(parseClaims({ sub: 's', scope: '[accounts:read login:report]' }).scopes).toEqual([
      'accounts:read',
      'login:report',
    ]);
  });

  it.each([
    ['no claims', undefined],
    ['null claims', null],
    ['no sub', { scope: 'accounts:read' }],
    ['a blank sub', { sub: '  ' }],
    ['a numeric sub', { sub: 42 }],
    ['an overlong sub', { sub: 's'.repeat(257) }],
    ['an unclosed bracket', { sub: 's', domains: '[a.org' }],
    ['a JSON object', { sub: 's', domains: '{"a":"b"}' }],
    ['a JSON array of numbers', { sub: 's', domains: '[1,2]' }],
    ['a domain with a path', { sub: 's', domains: 'a.org/x' }],
    ['a domain with a space inside a JSON string', { sub: 's', domains: '["a org"]' }],
    ['a numeric domains claim', { sub: 's', domains: 7 }],
    ['a boolean scope claim', { sub: 's', scope: true }],
    ['a scope with a quote', { sub: 's', scope: 'accounts:read "x"' }],
  ])('rejects %s', (_name, raw) => {
    expect(() => parseClaims(raw as never)).toThrow(BadClaimsError);
  });
});
