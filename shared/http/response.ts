/**
 * Successful JSON responses. Account data is personal: not cached unless a route says otherwise.
 */
import type { ApiResult } from './event';

/**
 * A JSON response.
 *
 * @example
 * json(201, resource, { Location: `/accounts/${resource.accountId}` })
 */
function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** The strong entity tag of an account version: `"<version>"`. */
function etag(version: number): string {
  return `"${version}"`;
}

export { etag, json };
