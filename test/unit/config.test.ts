/**
 * The configuration module: a webhook mail platform without its signing secret is refused at load, with
 * the variables to set, rather than failing (or not) at the first attempt.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config';

describe('loadConfig: the mail platform', () => {
  it('is the direct adapter without a platform URL, and needs no secret', () => {
    expect(loadConfig({}).worker).toMatchObject({
      adapter: 'direct',
      platformSecret: undefined,
      platformSecretArn: undefined,
    });
  });

  it.each([
    ['a platform URL', { MAIL_PLATFORM_URL: 'https://platform.example/ops' }],
    ['MAIL_PLATFORM=webhook', { MAIL_PLATFORM: 'webhook', MAIL_PLATFORM_URL: 'https://platform.example/ops' }],
    ['an empty secret', { MAIL_PLATFORM_URL: 'https://platform.example/ops', MAIL_PLATFORM_SECRET: '' }],
  ])('refuses the webhook adapter without a signing secret: %s', (_name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      /needs its signing secret: set MAIL_PLATFORM_SECRET .* or MAIL_PLATFORM_SECRET_ARN/,
    );
  });

  it('takes the secret itself (locally) or its Secrets Manager ARN (in the cloud)', () => {
    const url = 'https://platform.example/ops';
    const arn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:platform-AbCdEf';

    expect(loadConfig({ MAIL_PLATFORM_URL: url, MAIL_PLATFORM_SECRET: 's3cret' }).worker).toMatchObject({
      adapter: 'webhook',
      platformUrl: url,
      platformSecret: 's3cret',
    });
    expect(
      loadConfig({ MAIL_PLATFORM: 'webhook', MAIL_PLATFORM_URL: url, MAIL_PLATFORM_SECRET_ARN: arn }).worker,
    ).toMatchObject({ adapter: 'webhook', platformUrl: url, platformSecretArn: arn });
  });
});
