/**
 * The request body as sent: API Gateway base64-encodes bodies it takes for binary.
 */
import type { ApiEvent } from './event';

/** Whether a body was sent. */
function hasBody(event: Pick<ApiEvent, 'body'>): boolean {
  return event.body !== undefined && event.body !== null && event.body !== '';
}

/** The body's size in bytes once decoded. */
function bodyBytes(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): number {
  if (!hasBody(event)) return 0;
  return Buffer.byteLength(event.body as string, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** The body as text (UTF-8), decoded from base64 when API Gateway encoded it. */
function bodyText(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

export { bodyBytes, bodyText, hasBody };
