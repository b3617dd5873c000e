/**
 * The HTTP routes of SPEC §4, declared once. The CDK service stack makes one API Gateway route per entry
 * (pointing at the entry's function) and the local server routes requests with the same list.
 */
import { Scope } from '../domain/transitions';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The Lambda function that serves a route: each is one entry under functions/http/. */
type HttpFunction = 'accounts' | 'access' | 'loginEvents' | 'public' | 'scim';

interface Route {
  readonly method: Method;
  /** API Gateway syntax: `{name}` for a path parameter. */
  readonly path: string;
  readonly function: HttpFunction;
  /** The scope the route needs; null for the public routes (no token). */
  readonly scope: Scope | null;
  /** An operation id for the OpenAPI document. */
  readonly operationId: string;
  /**
   * `function`: the function verifies the token itself, and API Gateway's JWT authorizer is not attached —
   * the SCIM routes (SPEC §10), whose 401 must have the SCIM error body. Absent: the authorizer verifies it.
   */
  readonly authenticatedBy?: 'function';
}

const route = (method: Method, path: string, fn: HttpFunction, scope: Scope | null, operationId: string): Route => ({
  method,
  path,
  function: fn,
  scope,
  operationId,
});

/** A SCIM route (SPEC §10): served by the scim function, which authenticates the token itself. */
const scim = (method: Method, path: string, operationId: string): Route => ({
  ...route(method, path, 'scim', Scope.SCIM, operationId),
  authenticatedBy: 'function',
});

const ROUTES: readonly Route[] = [
  route('POST', '/accounts', 'accounts', Scope.WRITE, 'createAccount'),
  route('GET', '/accounts', 'accounts', Scope.READ, 'listAccounts'),
  route('GET', '/accounts/{accountId}', 'accounts', Scope.READ, 'getAccount'),
  route('PATCH', '/accounts/{accountId}', 'accounts', Scope.WRITE, 'renameAccount'),
  route('PUT', '/accounts/{accountId}/status', 'accounts', Scope.WRITE, 'setStatus'),
  route('POST', '/accounts/bulk-status', 'accounts', Scope.WRITE, 'bulkSetStatus'),
  route('PUT', '/accounts/{accountId}/leaver', 'accounts', Scope.WRITE, 'markLeaver'),
  route('DELETE', '/accounts/{accountId}/leaver', 'accounts', Scope.WRITE, 'unmarkLeaver'),
  route('DELETE', '/accounts/{accountId}', 'accounts', Scope.WRITE, 'deleteAccount'),
  route('POST', '/accounts/{accountId}/in-progress/retry', 'accounts', Scope.WRITE, 'retryOperation'),
  route('POST', '/accounts/{accountId}/in-progress/cancel', 'accounts', Scope.ADMIN, 'cancelOperation'),
  route('GET', '/accounts/{accountId}/history', 'accounts', Scope.READ, 'listHistory'),
  route('GET', '/domains', 'accounts', Scope.READ, 'listDomains'),
  route('GET', '/domains/{domain}/summary', 'accounts', Scope.READ, 'getDomainSummary'),
  route('GET', '/sweeps/{sweep}/preview', 'accounts', Scope.READ, 'previewSweep'),
  route('POST', '/login-events', 'loginEvents', Scope.LOGIN_REPORT, 'reportLoginEvent'),
  route('GET', '/access', 'access', Scope.ACCESS_CHECK, 'checkAccess'),
  route('GET', '/status-model', 'public', null, 'getStatusModel'),
  route('GET', '/openapi.json', 'public', null, 'getOpenApi'),
  scim('GET', '/scim/v2/ServiceProviderConfig', 'scimServiceProviderConfig'),
  scim('GET', '/scim/v2/ResourceTypes', 'scimResourceTypes'),
  scim('GET', '/scim/v2/Schemas', 'scimSchemas'),
  scim('GET', '/scim/v2/Users', 'scimListUsers'),
  scim('POST', '/scim/v2/Users', 'scimCreateUser'),
  scim('GET', '/scim/v2/Users/{userId}', 'scimGetUser'),
  scim('PUT', '/scim/v2/Users/{userId}', 'scimReplaceUser'),
  scim('PATCH', '/scim/v2/Users/{userId}', 'scimPatchUser'),
  scim('DELETE', '/scim/v2/Users/{userId}', 'scimDeleteUser'),
];

/** The entry file of each HTTP function, relative to the repository root. */
const HTTP_FUNCTION_ENTRIES: Readonly<Record<HttpFunction, string>> = {
  accounts: 'functions/http/accounts.ts',
  access: 'functions/http/access.ts',
  loginEvents: 'functions/http/login-events.ts',
  public: 'functions/http/public.ts',
  scim: 'functions/http/scim.ts',
};

const HTTP_FUNCTIONS = Object.keys(HTTP_FUNCTION_ENTRIES) as readonly HttpFunction[];

export { ROUTES, HTTP_FUNCTIONS, HTTP_FUNCTION_ENTRIES };
export type { Route, Method, HttpFunction };
