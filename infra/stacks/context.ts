/**
 * The deployment's settings, read from CDK context (`cdk.json` or `-c key=value`) and checked at synth, so a
 * bad value fails `cdk synth` with the key's name instead of a function failing at run time.
 */
import type { Node } from 'constructs';
import { loadConfig } from '../../shared/config';

interface DeployContext {
  /** The JWT issuer API Gateway trusts (an https URL). */
  readonly jwtIssuer: string;
  /** The audiences API Gateway accepts (`-c jwtAudience=a,b` for several). */
  readonly jwtAudience: readonly string[];
  /** Where on-call alerts are emailed; none subscribes when absent. */
  readonly alertEmail: string | undefined;
  /** The mail platform's webhook (an https URL); the direct adapter when absent. */
  readonly mailPlatformUrl: string | undefined;
  /**
   * Settings for every function, by the environment variable names shared/config.ts reads
   * (`INACTIVITY_DAYS`, `MAX_FAILED_LOGINS`, …), from context `functionConfig`: an object in cdk.json or
   * a JSON object with `-c`.
   */
  readonly functionConfig: Readonly<Record<string, string>>;
}

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
 * Reads and checks the deployment context.
 *
 * @example
 * const app = new App({ context: { jwtIssuer: 'https://id.example.org/', jwtAudience: 'mailbox-lifecycle' } });
 * readDeployContext(app.node).jwtAudience // ['mailbox-lifecycle']
 */
function readDeployContext(node: Node): DeployContext {
  const issuer = text(node, 'jwtIssuer');
  const audience = text(node, 'jwtAudience');
  if (issuer === undefined) throw new ContextError('context jwtIssuer is required (-c jwtIssuer=https://…)');
  if (audience === undefined) throw new ContextError('context jwtAudience is required (-c jwtAudience=…)');
  const alertEmail = text(node, 'alertEmail');
  if (alertEmail !== undefined && !EMAIL.test(alertEmail)) {
    throw new ContextError(`context alertEmail must be an email address, got "${alertEmail}"`);
  }
  const mailPlatformUrl = text(node, 'mailPlatformUrl');
  return {
    jwtIssuer: httpsUrl('jwtIssuer', issuer),
    jwtAudience: audience
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    alertEmail,
    mailPlatformUrl: mailPlatformUrl === undefined ? undefined : httpsUrl('mailPlatformUrl', mailPlatformUrl),
    functionConfig: functionConfig(node),
  };
}

export { readDeployContext, ContextError, STACK_MANAGED_VARIABLES };
export type { DeployContext };
