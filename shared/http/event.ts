/**
 * The API Gateway HTTP API (payload 2.0) event and result as the HTTP functions see them. The cloud's
 * JWT authorizer and the local server both hand the token's claims over as strings under
 * `requestContext.authorizer.jwt.claims`. Middlewares add what they parsed: `caller` and `input`.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiCaller } from '../services/caller';

/** A claim as API Gateway hands it over: a string (an array claim arrives as one bracketed string). */
type RawClaim = string | number | boolean | readonly string[];

interface ApiEvent extends Omit<APIGatewayProxyEventV2, 'requestContext'> {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, RawClaim>; scopes?: readonly string[] | null } };
  };
  /** Set by the authentication middleware on routes that need a token. */
  caller?: ApiCaller;
  /** Set by the validation middleware: the route's parsed path parameters, query, headers and body. */
  input?: unknown;
}

/** What every HTTP function answers: always a status, headers and a (JSON) body. */
interface ApiResult extends APIGatewayProxyStructuredResultV2 {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type { ApiEvent, ApiResult, RawClaim };
