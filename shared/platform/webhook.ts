/**
 * The `webhook` adapter: POSTs `{operationId, operation, accountId, email, target}` to the platform's URL,
 * signed (./signature.ts). A 2xx completes the operation; any other answer, a timeout, a network error or
 * a signing secret that cannot be read is a failed attempt with a short message.
 */
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import type { MailPlatform, PlatformRequest, PlatformResult } from './port';

interface WebhookOptions {
  readonly url: string;
  /** The shared secret; called per attempt (a cached Secrets Manager read in the cloud). */
  readonly secret: () => Promise<string>;
  readonly timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  readonly clock?: () => Date;
}

/** How much of a failed response's body goes into the error message. */
const BODY_EXCERPT_LENGTH = 200;

/** Anything shaped like an email address (a platform may echo them back, dozens at a time). */
const ADDRESS = /[^\s@<>()[\]\\,;:"']+@[^\s@<>()[\]\\,;:"']+/gu;

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * A platform's text fit for logs and `lastError` (SPEC §5): one line, every address masked, at most
 * BODY_EXCERPT_LENGTH characters.
 *
 * @example
 * bodyExcerpt('unknown user ana@example.org') // 'unknown user [address]'
 */
function bodyExcerpt(text: string): string {
  return oneLine(text.replace(ADDRESS, '[address]')).slice(0, BODY_EXCERPT_LENGTH);
}

/** The JSON body, fields in the documented order (the signature covers these exact bytes). */
function webhookBody(request: PlatformRequest): string {
  const { operationId, operation, accountId, email, target } = request;
  return JSON.stringify({ operationId, operation, accountId, email, target });
}

async function failureOf(response: Response): Promise<string> {
  // Masked before it is cut, so no half address survives the cut.
  const body = bodyExcerpt(await response.text().catch(() => ''));
  const status = oneLine(`HTTP ${response.status} ${response.statusText}`);
  return body === '' ? status : `${status}: ${body}`;
}

/** Why the signing secret could not be read (Secrets Manager unreachable, access denied, …). */
function secretFailure(error: unknown): string {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return oneLine(`signing secret unavailable: ${detail}`);
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return oneLine(`network error: ${detail}`);
}

/**
 * A platform reached over a signed HTTP webhook.
 *
 * @example
 * const platform = createWebhookPlatform({ url, secret: async () => 's3cret', timeoutMs: 10_000 });
 * await platform.perform(request) // { ok: true } on a 2xx
 */
function createWebhookPlatform(options: WebhookOptions): MailPlatform {
  const send = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  return {
    async perform(request: PlatformRequest): Promise<PlatformResult> {
      const body = webhookBody(request);
      let secret: string;
      try {
        secret = await options.secret();
      } catch (error) {
        return { ok: false, error: secretFailure(error) };
      }
      const signature = signatureHeader(secret, body, clock());
      try {
        const response = await send(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (response.ok) {
          await response.body?.cancel();
          return { ok: true };
        }
        return { ok: false, error: await failureOf(response) };
      } catch (error) {
        return { ok: false, error: describeError(error, options.timeoutMs) };
      }
    },
  };
}

export { bodyExcerpt, createWebhookPlatform, webhookBody };
export type { WebhookOptions };
