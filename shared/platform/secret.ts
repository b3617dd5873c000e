/**
 * The webhook secret: MAIL_PLATFORM_SECRET itself locally, or read once from Secrets Manager
 * (MAIL_PLATFORM_SECRET_ARN) in the cloud and cached for the life of the process.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from '../aws/clients';
import type { Config } from '../config';
import { errorKind } from '../errors';

/** The mail platform's webhook secret is not configured or cannot be read. */
class SecretUnavailableError extends errorKind('SecretUnavailableError', 'secret_unavailable') {}

type SecretsClient = Pick<SecretsManagerClient, 'send'>;

/** The Secrets Manager SDK, loaded at the first read (once per process, and only with the webhook adapter). */
const loadSecretsManager = () => import('../aws/secrets-manager');

/**
 * A function returning the platform secret; a failed Secrets Manager read is not cached (the next call
 * tries again).
 *
 * @example
 * const secret = platformSecret(loadConfig());
 * const value = await secret();
 */
function platformSecret(config: Pick<Config, 'region' | 'worker'>, client?: SecretsClient): () => Promise<string> {
  const { platformSecret: value, platformSecretArn: arn } = config.worker;
  if (value !== undefined) return async () => value;
  if (arn === undefined) {
    return async () => {
      throw new SecretUnavailableError('the webhook adapter needs MAIL_PLATFORM_SECRET or MAIL_PLATFORM_SECRET_ARN');
    };
  }
  let cached: Promise<string> | null = null;
  const read = async (): Promise<string> => {
    const { GetSecretValueCommand, SecretsManagerClient } = await loadSecretsManager();
    const secrets = client ?? new SecretsManagerClient(awsClientConfig(config));
    const result = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!result.SecretString) throw new SecretUnavailableError(`secret ${arn} has no string value`);
    return result.SecretString;
  };
  return () => {
    cached ??= read().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}

export { platformSecret, SecretUnavailableError };
