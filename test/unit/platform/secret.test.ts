import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { createMailPlatform } from '../../../shared/platform/create';
import { platformSecret, SecretUnavailableError } from '../../../shared/platform/secret';

const arn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:platform-AbCdEf';

/** A Secrets Manager client whose answers the test lists (an Error is thrown). */
function secretsClient(answers: (string | Error)[]) {
  const asked: string[] = [];
  return {
    asked,
    send: async (command: GetSecretValueCommand) => {
      asked.push(command.input.SecretId ?? '');
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return { SecretString: answer };
    },
  };
}

describe('platformSecret', () => {
  it('uses MAIL_PLATFORM_SECRET as it is', async () => {
    const secret = platformSecret(
      loadConfig({ MAIL_PLATFORM_URL: 'https://p.example', MAIL_PLATFORM_SECRET: 'local-secret' }),
    );
    expect(await secret()).toBe('local-secret');
  });

  it('reads the Secrets Manager secret once and caches it', async () => {
    // Prepare
    const client = secretsClient(['cloud-secret', 'rotated']);
    const secret = platformSecret(
      loadConfig({ MAIL_PLATFORM_URL: 'https://p.example', MAIL_PLATFORM_SECRET_ARN: arn }),
      client as never,
    );

    // Act
    const values = [await secret(), await secret(), await secret()];

    // Assess
    expect(values).toEqual(['cloud-secret', 'cloud-secret', 'cloud-secret']);
    expect(client.asked).toEqual([arn]);
  });

  it('does not cache a failed read', async () => {
    // Prepare
    const client = secretsClient([new Error('AccessDenied'), 'cloud-secret']);
    const secret = platformSecret(
      loadConfig({ MAIL_PLATFORM_URL: 'https://p.example', MAIL_PLATFORM_SECRET_ARN: arn }),
      client as never,
    );

    // Act
    const first = secret();

    // Assess
    await expect(first).rejects.toThrow('AccessDenied');
    expect(await secret()).toBe('cloud-secret');
    expect(client.asked).toHaveLength(2);
  });

  it('fails clearly when the webhook has no secret configured (a configuration loadConfig already refuses)', async () => {
    const config = loadConfig({});
    const secret = platformSecret({
      ...config,
      worker: { ...config.worker, adapter: 'webhook', platformUrl: 'https://p.example' },
    });
    await expect(secret()).rejects.toThrow(SecretUnavailableError);
  });
});

describe('createMailPlatform', () => {
  const request = {
    operationId: 'a1.1',
    operation: 'provision',
    accountId: 'a1',
    email: 'a@example.org',
    target: 'active',
  } as const;

  it('is the direct adapter by default: every operation completes at once', async () => {
    expect(await createMailPlatform(loadConfig({})).perform(request)).toEqual({ ok: true });
  });

  it('is the webhook adapter when MAIL_PLATFORM_URL is set', async () => {
    // Prepare: nothing listens on port 9 (discard), so the webhook fails — proving it was called
    const platform = createMailPlatform(
      loadConfig({ MAIL_PLATFORM_URL: 'http://127.0.0.1:9/ops', MAIL_PLATFORM_SECRET: 's' }),
    );

    // Act
    const result = await platform.perform(request);

    // Assess
    expect(result.ok).toBe(false);
  });
});
