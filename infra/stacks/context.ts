/**
 * The deployment's settings, read from CDK context (`cdk.json` or `-c key=value`) and checked at synth, so a
 * bad value fails `cdk synth` with the key's name instead of a function failing at run time.
 */
import type { Node } from 'constructs';
import { SCIM_CONNECTION_NAME } from '../../shared/auth/token-claims';
import { loadConfig } from '../../shared/config';

/** How administrators and the mail platform's clients sign in. */
type DeployAuth =
  /** The stack's own Cognito user pool (no `jwtIssuer`): hosted sign-in, groups, platform app clients. */
  | { readonly kind: 'cognito' }
  /** An external OIDC issuer (Okta, Entra ID) that API Gateway trusts for the audiences given. */
  | { readonly kind: 'external'; readonly issuer: string; readonly audience: readonly string[] };

interface DeployContext {
  /** The copy this deployment is (`-c stage=dev`): it names the stack and so every resource in it. */
  readonly stage: string;
  readonly auth: DeployAuth;
  /** Where on-call alerts and alarms are emailed (required: a deployment nobody hears from is broken). */
  readonly alertEmail: string;
  /** The mail platform's webhook (an https URL); the direct adapter when absent. */
  readonly mailPlatformUrl: string | undefined;
  /** The console's address, a callback of the Cognito sign-in (an https URL); none when absent. */
  readonly consoleUrl: string | undefined;
  /**
   * Concurrent executions reserved for the access function (`-c accessReservedConcurrency=none` for
   * none: an account whose Lambda quota is still the new-account default cannot reserve any).
   */
  readonly accessReservedConcurrency: number | undefined;
  /**
   * Settings for every function, by the environment variable names shared/config.ts reads
   * (`INACTIVITY_DAYS`, `MAX_FAILED_LOGINS`, …), from context `functionConfig`: an object in cdk.json or
   * a JSON object with `-c`.
   */
  readonly functionConfig: Readonly<Record<string, string>>;
  /**
   * The identity providers' SCIM connections to the stack's own user pool (`-c scimConnections=okta=a.org+b.org,entra=*`):
   * name → the domains each may provision (`*` for all). Each gets a client-credentials app client; none by
   * default. Only with the stack's own pool (an external issuer issues its own SCIM tokens).
   */
  readonly scimConnections: Readonly<Record<string, readonly string[]>>;
}

/** The stage when none is given. */
const DEFAULT_STAGE = 'prod';
const STAGE = /^[a-z][a-z0-9-]{0,15}$/;
/** Enough for the access path's peak (docs/deploy.md, "Capacity"), well inside a raised account quota. */
const DEFAULT_ACCESS_RESERVED_CONCURRENCY = 200;

/**
 * Every context key the app reads (docs/deploy.md names only these; a test checks it).
 */
const CONTEXT_KEYS = [
  'stage',
  'alertEmail',
  'jwtIssuer',
  'jwtAudience',
  'mailPlatformUrl',
  'consoleUrl',
  'accessReservedConcurrency',
  'functionConfig',
  'scimConnections',
] as const;

class ContextError extends Error {
  override readonly name = 'ContextError';
}

/**
 * Variables the stacks set themselves (names, ARNs, URLs, the sweep), that only make sense locally, or that
 * the cloud must never have (a clock override outside a dry run).
 */
const STACK_MANAGED_VARIABLES: ReadonlySet<string> = new Set([
  'TABLE_NAME',
  'DYNAMODB_ENDPOINT',
  'AWS_REGION',
  'ALERT_TOPIC_ARN',
  'ALERT_WEBHOOK_URL',
  'ALERT_FILE',
  'EVENT_BUS_NAME',
  'EVENT_FILE',
  'MAIL_PLATFORM',
  'MAIL_PLATFORM_URL',
  'MAIL_PLATFORM_SECRET',
  'MAIL_PLATFORM_SECRET_ARN',
  'RETRY_QUEUE_URL',
  'SWEEP',
  'SWEEP_TIME_BUDGET_MS',
  'CLOCK_OVERRIDE',
  'POWERTOOLS_METRICS_NAMESPACE',
]);

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A context value as a trimmed string; undefined when absent or empty. */
function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ContextError(`context ${key} must be a string`);
  return value.trim() === '' ? undefined : value.trim();
}

function httpsUrl(key: string, value: string): string {
  if (PLACEHOLDER.test(value)) {
    throw new ContextError(`context ${key} is a placeholder ("${value}"): give the real value (docs/deploy.md)`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContextError(`context ${key} must be an https URL, got "${value}"`);
  }
  if (url.protocol !== 'https:') throw new ContextError(`context ${key} must be an https URL, got "${value}"`);
  return value;
}

function functionConfig(node: Node): Record<string, string> {
  const raw: unknown = node.tryGetContext('functionConfig');
  if (raw === undefined || raw === null || raw === '') return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ContextError('context functionConfig must be a JSON object');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContextError('context functionConfig must be an object of environment variables');
  }
  const env: Record<string, string> = {};
  for (const [name, setting] of Object.entries(value)) {
    if (!VARIABLE_NAME.test(name)) throw new ContextError(`functionConfig: "${name}" is not a variable name`);
    if (STACK_MANAGED_VARIABLES.has(name)) throw new ContextError(`functionConfig: ${name} is set by the stack`);
    if (!['string', 'number', 'boolean'].includes(typeof setting)) {
      throw new ContextError(`functionConfig: ${name} must be a string, number or boolean`);
    }
    env[name] = String(setting);
  }
  // The functions read these with loadConfig: let it reject a bad value now, at synth.
  loadConfig(env);
  return env;
}

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): a value naming one is an example
 * copied into a deployment, never a real issuer, address or platform.
 */
const EXAMPLE_DOMAIN = /(^|\.)(example(\.(com|net|org))?|invalid|test|localhost)$/i;
/** What a value copied from a template still says instead of the real one. */
const PLACEHOLDER = /[<>…]|\.\.\.|placeholder|changeme|change-me|your[-_]|todo|xxx/i;

/** Refuses a placeholder or a domain reserved for examples in `value` (whose host is `host`). */
function notExample(key: string, value: string, host: string): string {
  if (PLACEHOLDER.test(value)) {
    throw new ContextError(`context ${key} is a placeholder ("${value}"): give the real value (docs/deploy.md)`);
  }
  if (EXAMPLE_DOMAIN.test(host)) {
    throw new ContextError(
      `context ${key} names an example domain (${host}), which nothing real can use: give the real value (docs/deploy.md)`,
    );
  }
  return value;
}

function email(key: string, value: string): string {
  if (PLACEHOLDER.test(value)) {
    throw new ContextError(`context ${key} is a placeholder ("${value}"): give the real value (docs/deploy.md)`);
  }
  if (!EMAIL.test(value)) throw new ContextError(`context ${key} must be an email address, got "${value}"`);
  return notExample(key, value, value.slice(value.lastIndexOf('@') + 1));
}

function stage(node: Node): string {
  const value = text(node, 'stage') ?? DEFAULT_STAGE;
  if (!STAGE.test(value)) {
    throw new ContextError(
      `context stage must be 1 to 16 lowercase letters, digits or hyphens starting with a letter, got "${value}"`,
    );
  }
  return value;
}

function auth(node: Node): DeployAuth {
  const issuer = text(node, 'jwtIssuer');
  const audience = text(node, 'jwtAudience');
  if (issuer === undefined) {
    if (audience !== undefined) {
      throw new ContextError('context jwtAudience needs jwtIssuer (without both, the stack makes its own user pool)');
    }
    return { kind: 'cognito' };
  }
  if (audience === undefined)
    throw new ContextError('context jwtAudience is required with jwtIssuer (-c jwtAudience=…)');
  const url = httpsUrl('jwtIssuer', issuer);
  notExample('jwtIssuer', url, new URL(url).hostname);
  const audiences = audience
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const a of audiences) notExample('jwtAudience', a, '');
  return { kind: 'external', issuer: url, audience: audiences };
}

function reservedConcurrency(node: Node): number | undefined {
  const raw: unknown = node.tryGetContext('accessReservedConcurrency');
  if (raw === undefined || raw === null || raw === '') return DEFAULT_ACCESS_RESERVED_CONCURRENCY;
  if (raw === 'none') return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ContextError(
      `context accessReservedConcurrency must be a positive integer or "none", got "${String(raw)}"`,
    );
  }
  return value;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Context scimConnections: `name=domain+domain,name=*` (or that string's entries as a cdk.json object). */
function scimConnections(node: Node, kind: DeployAuth['kind']): Record<string, readonly string[]> {
  const raw: unknown = node.tryGetContext('scimConnections');
  if (raw === undefined || raw === null || raw === '') return {};
  const entries =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== '')
          .map((entry) => {
            const at = entry.indexOf('=');
            return at < 0 ? [entry, ''] : [entry.slice(0, at).trim(), entry.slice(at + 1)];
          })
      : typeof raw === 'object' && !Array.isArray(raw)
        ? Object.entries(raw as Record<string, unknown>).map(([name, value]) => [name, String(value)])
        : undefined;
  if (entries === undefined) throw new ContextError('context scimConnections must be name=domain+domain,…');
  if (kind === 'external' && entries.length > 0) {
    throw new ContextError(
      "context scimConnections needs the stack's own user pool: with jwtIssuer, the issuer makes the SCIM tokens (docs/deploy.md)",
    );
  }
  const connections: Record<string, readonly string[]> = {};
  for (const [name = '', list = ''] of entries) {
    if (!SCIM_CONNECTION_NAME.test(name)) {
      throw new ContextError(
        `context scimConnections: "${name}" must be 1 to 32 lowercase letters, digits or hyphens starting with a letter`,
      );
    }
    const domains = list
      .split(/[+\s]+/)
      .map((d) => d.trim().toLowerCase())
      .filter((d) => d !== '');
    if (domains.length === 0) {
      throw new ContextError(`context scimConnections: ${name} names no domains (${name}=a.org+b.org, or ${name}=*)`);
    }
    for (const domain of domains) {
      if (domain !== '*' && !DOMAIN.test(domain)) {
        throw new ContextError(`context scimConnections: ${name} has "${domain}", which is not a domain`);
      }
      if (domain !== '*') notExample('scimConnections', domain, domain);
    }
    if (Object.hasOwn(connections, name)) throw new ContextError(`context scimConnections names ${name} twice`);
    connections[name] = domains.includes('*') ? ['*'] : [...new Set(domains)];
  }
  return connections;
}

/**
 * Reads and checks the deployment context. A placeholder, an example domain or a missing alert address
 * stops the synth with a message naming the key: a deploy never succeeds into a broken state.
 *
 * @example
 * const app = new App({ context: { alertEmail: 'oncall@mail.acme-corp.net' } });
 * readDeployContext(app.node).auth // { kind: 'cognito' }
 */
function readDeployContext(node: Node): DeployContext {
  const alertEmail = text(node, 'alertEmail');
  if (alertEmail === undefined) {
    throw new ContextError(
      'context alertEmail is required (-c alertEmail=oncall@…): without it alarms and alerts page nobody',
    );
  }
  const mailPlatformUrl = text(node, 'mailPlatformUrl');
  const consoleUrl = text(node, 'consoleUrl');
  const url = (key: string, value: string): string => notExample(key, httpsUrl(key, value), new URL(value).hostname);
  const deployAuth = auth(node);
  return {
    stage: stage(node),
    auth: deployAuth,
    alertEmail: email('alertEmail', alertEmail),
    mailPlatformUrl: mailPlatformUrl === undefined ? undefined : url('mailPlatformUrl', mailPlatformUrl),
    consoleUrl: consoleUrl === undefined ? undefined : url('consoleUrl', consoleUrl),
    accessReservedConcurrency: reservedConcurrency(node),
    functionConfig: functionConfig(node),
    scimConnections: scimConnections(node, deployAuth.kind),
  };
}

export {
  readDeployContext,
  ContextError,
  STACK_MANAGED_VARIABLES,
  CONTEXT_KEYS,
  DEFAULT_STAGE,
  DEFAULT_ACCESS_RESERVED_CONCURRENCY,
};
export type { DeployContext, DeployAuth };
