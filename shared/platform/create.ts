/**
 * Picks the mail platform adapter the configuration names (MAIL_PLATFORM, or webhook when
 * MAIL_PLATFORM_URL is set; direct otherwise).
 */
import type { Config } from '../config';
import { createDirectPlatform } from './direct';
import type { MailPlatform } from './port';
import { platformSecret } from './secret';
import { createWebhookPlatform } from './webhook';

/**
 * The configured platform adapter.
 *
 * @example
 * const platform = createMailPlatform(loadConfig());
 */
function createMailPlatform(config: Pick<Config, 'region' | 'worker'>): MailPlatform {
  const { adapter, platformUrl, timeoutMs } = config.worker;
  if (adapter === 'direct' || platformUrl === undefined) return createDirectPlatform();
  return createWebhookPlatform({ url: platformUrl, secret: platformSecret(config), timeoutMs });
}

export { createMailPlatform };
