import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../console/src/config';

describe('parseConfig', () => {
  it('reads the API URL, issuer and client id, trimming a trailing slash', () => {
    const config = parseConfig({ apiUrl: 'https://api.example/', issuer: 'https://id.example', clientId: 'abc' });
    expect(config).toEqual({
      apiUrl: 'https://api.example',
      issuer: 'https://id.example',
      clientId: 'abc',
      scope: 'openid accounts:admin',
    });
  });

  it('refuses a config without an issuer', () => {
    expect(() => parseConfig({ apiUrl: '', clientId: 'abc' })).toThrow(/issuer/);
  });
});
