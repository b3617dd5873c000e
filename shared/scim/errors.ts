/**
 * SCIM errors (RFC 7644 §3.12): `{schemas, status (a string), scimType?, detail}` as
 * `application/scim+json`. Every error of the SCIM routes has this body — the service's typed errors and
 * the shared middlewares' problems (413, 415) are mapped here — so an identity provider always reads one.
 */
import type { ApiResult } from '../http/event';
import { toProblem } from '../http/problem';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_CONTENT_TYPE = 'application/scim+json';

/** The `scimType`s of RFC 7644 §3.12 this service answers with. */
const ScimType = {
  INVALID_FILTER: 'invalidFilter',
  INVALID_SYNTAX: 'invalidSyntax',
  INVALID_PATH: 'invalidPath',
  INVALID_VALUE: 'invalidValue',
  NO_TARGET: 'noTarget',
  MUTABILITY: 'mutability',
  UNIQUENESS: 'uniqueness',
  TOO_MANY: 'tooMany',
} as const;
type ScimType = (typeof ScimType)[keyof typeof ScimType];

interface ScimErrorBody {
  readonly schemas: readonly [typeof ERROR_SCHEMA];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/** An error the SCIM routes answer as is. */
class ScimError extends Error {
  override readonly name = 'ScimError';
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, scimType?: ScimType, headers: Readonly<Record<string, string>> = {}) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }
}

/**
 * A 400 with its scimType.
 *
 * @example
 * throw badRequest(ScimType.INVALID_FILTER, 'filter: only eq of userName, externalId and id is supported');
 */
const badRequest = (scimType: ScimType, detail: string): ScimError => new ScimError(400, detail, scimType);

/** The SCIM error response. */
function scimErrorResponse(error: ScimError): ApiResult {
  const body: ScimErrorBody = {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
    detail: error.message,
  };
  return {
    statusCode: error.status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...error.headers },
    body: JSON.stringify(body),
  };
}

/** SCIM details of the service's typed errors where the problem's own would mislead an identity provider. */
const DETAILS: Readonly<Record<string, readonly [string, ScimType?]>> = {
  NotFoundError: ['No such user.'],
  DuplicateEmailError: ['A user with this userName exists.', ScimType.UNIQUENESS],
  ConflictError: ['The user was changed by another request at the same time; read it again and retry.'],
};

/**
 * Any error as a SCIM error: a ScimError as it is; a typed error of the services, the store or the shared
 * middlewares with the status its problem has; anything else a 500 without details (`known` false: log it).
 */
function toScimError(error: unknown): { error: ScimError; known: boolean } {
  if (error instanceof ScimError) return { error, known: true };
  const { problem, headers, known } = toProblem(error);
  const [detail, scimType] = (error instanceof Error ? DETAILS[error.name] : undefined) ?? [problem.detail];
  return { error: new ScimError(problem.status, detail, scimType, headers), known };
}

export { badRequest, ERROR_SCHEMA, SCIM_CONTENT_TYPE, ScimError, scimErrorResponse, ScimType, toScimError };
export type { ScimErrorBody };
