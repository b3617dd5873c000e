/**
 * What the console learns at run time from `/config.json`, served beside it: where the API is and who
 * signs people in. The same build runs locally and in every deployed stage.
 */

interface ConsoleConfig {
  /** The API's base URL; '' for the console's own origin. */
  readonly apiUrl: string;
  /** The OpenID Connect issuer whose access tokens the API accepts. */
  readonly issuer: string;
  /** The console's OAuth client id at that issuer. */
  readonly clientId: string;
  /** The scopes to ask for (space-separated). */
  readonly scope: string;
  /**
   * Locally only: the local issuer's endpoint that mints a token for the sign-in form. Absent in the
   * cloud, where Authorization Code with PKCE is used.
   */
  readonly localSignIn?: string;
  /**
   * When the issuer is the stack's Cognito user pool: its hosted domain (`https://…auth….amazoncognito.com`),
   * whose `/logout` ends the user pool's session on Sign out (Cognito publishes no end_session_endpoint).
   */
  readonly cognitoDomain?: string;
}

class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const text = (value: unknown, name: string, allowEmpty = false): string => {
  if (typeof value !== 'string' || (!allowEmpty && value === ''))
    throw new ConfigError(`config.json: "${name}" must be a string`);
  return value;
};

/**
 * Checks the fields of a parsed config.json.
 *
 * @example
 * parseConfig({ apiUrl: '', issuer: 'https://id.example', clientId: 'abc' }).scope // 'openid accounts:admin'
 */
function parseConfig(raw: unknown): ConsoleConfig {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('config.json must hold a JSON object');
  const fields = raw as Record<string, unknown>;
  const config: ConsoleConfig = {
    apiUrl: text(fields.apiUrl ?? '', 'apiUrl', true).replace(/\/+$/, ''),
    issuer: text(fields.issuer, 'issuer'),
    clientId: text(fields.clientId, 'clientId'),
    scope: text(fields.scope ?? 'openid accounts:admin', 'scope'),
  };
  return {
    ...config,
    ...(fields.localSignIn === undefined ? {} : { localSignIn: text(fields.localSignIn, 'localSignIn') }),
    ...(fields.cognitoDomain === undefined
      ? {}
      : { cognitoDomain: text(fields.cognitoDomain, 'cognitoDomain').replace(/\/+$/, '') }),
  };
}

/** Fetches and checks `/config.json` (never cached: a deploy may change it). */
async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`config.json could not be read (HTTP ${response.status})`);
  return parseConfig(await response.json());
}

export { loadConfig, parseConfig, ConfigError };
export type { ConsoleConfig };
