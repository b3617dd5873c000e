/**
 * The `direct` adapter (the default): this service is the source of truth, so every operation completes
 * at once.
 */
import type { MailPlatform } from './port';

/**
 * A platform that accepts every operation immediately.
 *
 * @example
 * await createDirectPlatform().perform(request) // { ok: true }
 */
function createDirectPlatform(): MailPlatform {
  return { perform: async () => ({ ok: true }) };
}

export { createDirectPlatform };
