/**
 * 400 for invalid input: runs the route's parser over path parameters, query, headers and the JSON body,
 * and puts the parsed input on `event.input`. Every offending field is listed.
 */
import type { MiddlewareObj } from '@middy/core';
import { bodyText, hasBody } from '../body';
import type { ApiEvent, ApiResult } from '../event';
import type { FieldError } from '../../errors';
import type { Fields, InputParser } from '../input';
import { invalidInput, ProblemError } from '../problem';

/** Path parameters as the client meant them; a malformed escape is left as sent (and fails validation). */
function decodeParams(params: ApiEvent['pathParameters']): Fields {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([name, value]) => {
      try {
        return [name, value === undefined ? undefined : decodeURIComponent(value)];
      } catch {
        return [name, value];
      }
    }),
  );
}

const NOT_JSON: FieldError = { path: '/', message: 'is not valid JSON' };

/** The JSON body: undefined when none was sent, NOT_JSON when it does not parse. */
function parseBody(event: ApiEvent): { readonly body: unknown; readonly error?: FieldError } {
  if (!hasBody(event)) return { body: undefined };
  try {
    return { body: JSON.parse(bodyText(event)) as unknown };
  } catch {
    return { body: undefined, error: NOT_JSON };
  }
}

/**
 * The validation middleware of one route.
 *
 * @example
 * middy(handler).use(validate(schemaInput({ body: StatusBody })))
 */
function validate<T>(parser: InputParser<T>): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const { event } = request;
      const { body, error } = parseBody(event);
      const parsed = parser({
        params: decodeParams(event.pathParameters),
        query: event.queryStringParameters ?? {},
        headers: event.headers ?? {},
        body,
      });
      // A body that is not JSON is reported once, at `/`, with whatever else is wrong outside the body.
      const errors =
        error === undefined
          ? parsed.ok
            ? []
            : parsed.errors
          : [...(parsed.ok ? [] : parsed.errors.filter((e) => !e.path.startsWith('/'))), error];
      if (errors.length > 0 || !parsed.ok) throw new ProblemError(invalidInput(errors));
      event.input = parsed.value;
    },
  };
}

export { validate };
