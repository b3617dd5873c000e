/**
 * What a body must be before it is read: at most 16 KiB (413), and JSON when one is sent (415).
 */
import type { MiddlewareObj } from '@middy/core';
import { bodyBytes, hasBody } from '../body';
import type { ApiEvent, ApiResult } from '../event';
import { problem, ProblemError, ProblemType } from '../problem';

/** SPEC §4: a body over 16 KiB is 413. */
const MAX_BODY_BYTES = 16 * 1024;

/** `application/json` or a `+json` type, with at most a UTF-8 charset. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type = '', ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) return false;
  return params.every((param) => !param.startsWith('charset=') || /^charset="?utf-8"?$/.test(param));
}

/**
 * 413 for a body over `maxBytes` (decoded size).
 *
 * @example
 * middy(handler).use(bodyLimit())
 */
function bodyLimit(maxBytes: number = MAX_BODY_BYTES): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const size = bodyBytes(request.event);
      if (size > maxBytes) {
        throw new ProblemError(
          problem(
            413,
            ProblemType.BODY_TOO_LARGE,
            'Content Too Large',
            `The body has ${size} bytes; at most ${maxBytes} are accepted.`,
          ),
        );
      }
    },
  };
}

/** 415 when a body is sent that is not declared JSON. */
function jsonContentType(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const { event } = request;
      if (hasBody(event) && !isJson(event.headers?.['content-type'])) {
        throw new ProblemError(
          problem(
            415,
            ProblemType.UNSUPPORTED_MEDIA_TYPE,
            'Unsupported Media Type',
            'Send the body as application/json (UTF-8).',
          ),
        );
      }
    },
  };
}

export { bodyLimit, isJson, jsonContentType, MAX_BODY_BYTES };
