/**
 * The one configuration module: reads environment variables, with the defaults of SPEC §2 and §5. The CDK
 * stack sets them from its context; the local stack from the environment and flags. Invalid values fail
 * fast with the variable's name.
 */
import { DEFAULT_POLICY, DAY, HOUR, type Policy } from './domain/policy';
import { ConfigError } from './errors';
import { isStatus, type Status } from './domain/statuses';
import { DEFAULT_TABLE_NAME } from './store/table';

type Env = Readonly<Record<string, string | undefined>>;

interface Config {
  readonly tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); undefined in the cloud. */
  readonly dynamodbEndpoint: string | undefined;
  readonly region: string;
  readonly policy: Policy;
  /** Shards of the due-time indexes. */
  readonly dueShards: number;
  readonly historyRetentionDays: number;
  readonly idempotencyTtlSeconds: number;
  readonly loginEventTtlSeconds: number;
  readonly worker: {
    readonly adapter: 'direct' | 'webhook';
    readonly maxAttempts: number;
    readonly firstDelaySeconds: number;
    readonly timeoutMs: number;
    readonly platformUrl: string | undefined;
    /** The secret itself (local) or the Secrets Manager ARN that holds it (cloud). */
    readonly platformSecret: string | undefined;
    readonly platformSecretArn: string | undefined;
    readonly retryQueueUrl: string | undefined;
  };
  readonly sweeps: {
    readonly maxAffected: number;
    /** Whether an event may set `now` outside a dry run (the local stack). */
    readonly clockOverride: boolean;
    /** How long one invocation works before handing over to the next. */
    readonly timeBudgetMs: number;
  };
  readonly alerts: {
    readonly topicArn: string | undefined;
    readonly webhookUrl: string | undefined;
    /** Local: the file alerts are appended to. */
    readonly file: string | undefined;
  };
  readonly events: {
    readonly busName: string | undefined;
    /** Local: the file events are appended to. */
    readonly file: string | undefined;
  };
  /**
   * How a function that authenticates itself (the SCIM routes, SPEC §10) verifies tokens: the issuer and
   * audiences API Gateway's JWT authorizer trusts, and the keys — a JWKS document given inline (local), a
   * JWKS URL, or else the issuer's OpenID discovery document.
   */
  readonly auth: {
    readonly issuer: string | undefined;
    readonly audience: readonly string[];
    readonly jwks: string | undefined;
    readonly jwksUrl: string | undefined;
  };
}

/** Every environment variable loadConfig reads (the readers below take only these names). */
const CONFIG_VARIABLES = [
  'TABLE_NAME',
  'DYNAMODB_ENDPOINT',
  'AWS_REGION',
  'INACTIVITY_DAYS',
  'LEAVER_WINDOW_DAYS',
  'LEAVE_DATE_PAST_DAYS',
  'LEAVE_DATE_FUTURE_DAYS',
  'RETENTION_DAYS',
  'FAILURE_WINDOW_SECONDS',
  'MAX_FAILED_LOGINS',
  'LOCKOUT_SECONDS',
  'ACTIVITY_WRITE_INTERVAL_SECONDS',
  'STUCK_AFTER_HOURS',
  'STUCK_AFTER_HOURS_BY_STATUS',
  'STUCK_REMINDER_HOURS',
  'DUE_SHARDS',
  'HISTORY_RETENTION_DAYS',
  'IDEMPOTENCY_TTL_SECONDS',
  'LOGIN_EVENT_TTL_SECONDS',
  'MAIL_PLATFORM',
  'MAIL_PLATFORM_URL',
  'MAIL_PLATFORM_SECRET',
  'MAIL_PLATFORM_SECRET_ARN',
  'MAIL_PLATFORM_TIMEOUT_MS',
  'WORKER_MAX_ATTEMPTS',
  'WORKER_FIRST_DELAY_SECONDS',
  'RETRY_QUEUE_URL',
  'SWEEP_MAX_AFFECTED',
  'CLOCK_OVERRIDE',
  'SWEEP_TIME_BUDGET_MS',
  'ALERT_TOPIC_ARN',
  'ALERT_WEBHOOK_URL',
  'ALERT_FILE',
  'EVENT_BUS_NAME',
  'EVENT_FILE',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_JWKS',
  'JWT_JWKS_URL',
] as const;
type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

const isConfigVariable = (name: string): name is ConfigVariable =>
  (CONFIG_VARIABLES as readonly string[]).includes(name);

function int(env: Env, name: ConfigVariable, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function bool(env: Env, name: ConfigVariable, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

const str = (env: Env, name: ConfigVariable): string | undefined => (env[name] === '' ? undefined : env[name]);

/** `STUCK_AFTER_HOURS_BY_STATUS="migration_pending=12,deleting=48"`. */
function stuckThresholds(env: Env, defaultHours: number): Policy['stuckAfterMs'] {
  const thresholds: Partial<Record<Status, number>> & { default: number } = { default: defaultHours * HOUR };
  const raw = str(env, 'STUCK_AFTER_HOURS_BY_STATUS');
  for (const pair of raw?.split(',') ?? []) {
    const [status, hours] = pair.split('=').map((p) => p.trim());
    const value = Number(hours);
    if (!isStatus(status) || !Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`STUCK_AFTER_HOURS_BY_STATUS has a bad entry "${pair}" (want status=hours)`);
    }
    thresholds[status] = value * HOUR;
  }
  return thresholds;
}

/**
 * Reads the configuration from an environment (process.env by default).
 *
 * @example
 * const config = loadConfig({ MAX_FAILED_LOGINS: '5' });
 * config.policy.maxFailures // 5
 */
function loadConfig(env: Env = process.env): Config {
  const d = DEFAULT_POLICY;
  const policy: Policy = {
    inactivityMs: int(env, 'INACTIVITY_DAYS', d.inactivityMs / DAY, 1) * DAY,
    leaverWindowMs: int(env, 'LEAVER_WINDOW_DAYS', d.leaverWindowMs / DAY) * DAY,
    leaveDatePastDays: int(env, 'LEAVE_DATE_PAST_DAYS', d.leaveDatePastDays),
    leaveDateFutureDays: int(env, 'LEAVE_DATE_FUTURE_DAYS', d.leaveDateFutureDays),
    retentionMs: int(env, 'RETENTION_DAYS', d.retentionMs / DAY) * DAY,
    failureWindowMs: int(env, 'FAILURE_WINDOW_SECONDS', d.failureWindowMs / 1000, 1) * 1000,
    maxFailures: int(env, 'MAX_FAILED_LOGINS', d.maxFailures, 1),
    lockoutMs: int(env, 'LOCKOUT_SECONDS', d.lockoutMs / 1000) * 1000,
    activityWriteIntervalMs: int(env, 'ACTIVITY_WRITE_INTERVAL_SECONDS', d.activityWriteIntervalMs / 1000) * 1000,
    stuckAfterMs: stuckThresholds(env, int(env, 'STUCK_AFTER_HOURS', d.stuckAfterMs.default / HOUR, 1)),
    stuckReminderMs: int(env, 'STUCK_REMINDER_HOURS', d.stuckReminderMs / HOUR, 1) * HOUR,
  };
  const adapter = str(env, 'MAIL_PLATFORM') ?? (str(env, 'MAIL_PLATFORM_URL') ? 'webhook' : 'direct');
  if (adapter !== 'direct' && adapter !== 'webhook')
    throw new ConfigError(`MAIL_PLATFORM must be direct or webhook, got "${adapter}"`);
  if (adapter === 'webhook' && !str(env, 'MAIL_PLATFORM_URL'))
    throw new ConfigError('MAIL_PLATFORM=webhook needs MAIL_PLATFORM_URL');
  if (adapter === 'webhook' && !str(env, 'MAIL_PLATFORM_SECRET') && !str(env, 'MAIL_PLATFORM_SECRET_ARN')) {
    throw new ConfigError(
      'the webhook mail platform (MAIL_PLATFORM_URL) needs its signing secret: set MAIL_PLATFORM_SECRET ' +
        '(the secret itself, locally) or MAIL_PLATFORM_SECRET_ARN (a Secrets Manager secret, in the cloud)',
    );
  }
  return {
    tableName: str(env, 'TABLE_NAME') ?? DEFAULT_TABLE_NAME,
    dynamodbEndpoint: str(env, 'DYNAMODB_ENDPOINT'),
    region: str(env, 'AWS_REGION') ?? 'eu-west-2',
    policy,
    dueShards: int(env, 'DUE_SHARDS', 16, 1),
    historyRetentionDays: int(env, 'HISTORY_RETENTION_DAYS', 730, 1),
    idempotencyTtlSeconds: int(env, 'IDEMPOTENCY_TTL_SECONDS', 86_400, 1),
    loginEventTtlSeconds: int(env, 'LOGIN_EVENT_TTL_SECONDS', 86_400, 1),
    worker: {
      adapter,
      maxAttempts: int(env, 'WORKER_MAX_ATTEMPTS', 5, 1),
      firstDelaySeconds: int(env, 'WORKER_FIRST_DELAY_SECONDS', 30),
      timeoutMs: int(env, 'MAIL_PLATFORM_TIMEOUT_MS', 10_000, 1),
      platformUrl: str(env, 'MAIL_PLATFORM_URL'),
      platformSecret: str(env, 'MAIL_PLATFORM_SECRET'),
      platformSecretArn: str(env, 'MAIL_PLATFORM_SECRET_ARN'),
      retryQueueUrl: str(env, 'RETRY_QUEUE_URL'),
    },
    sweeps: {
      maxAffected: int(env, 'SWEEP_MAX_AFFECTED', 1000, 0),
      clockOverride: bool(env, 'CLOCK_OVERRIDE', false),
      timeBudgetMs: int(env, 'SWEEP_TIME_BUDGET_MS', 600_000, 1),
    },
    alerts: {
      topicArn: str(env, 'ALERT_TOPIC_ARN'),
      webhookUrl: str(env, 'ALERT_WEBHOOK_URL'),
      file: str(env, 'ALERT_FILE'),
    },
    events: {
      busName: str(env, 'EVENT_BUS_NAME'),
      file: str(env, 'EVENT_FILE'),
    },
    auth: {
      issuer: str(env, 'JWT_ISSUER'),
      audience: (str(env, 'JWT_AUDIENCE') ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
      jwks: str(env, 'JWT_JWKS'),
      jwksUrl: str(env, 'JWT_JWKS_URL'),
    },
  };
}

export { loadConfig, ConfigError, CONFIG_VARIABLES, isConfigVariable };
export type { Config, ConfigVariable, Env };
