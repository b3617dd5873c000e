/**
 * The one top-level stack, deployed by a plain `cdk deploy`. What runs lives here, stateless: the HTTP API
 * and its functions, the worker, the event publisher, the sweeps, alerts and alarms — it may be changed and
 * redeployed at will. What is kept lives in its nested stack `Data` (the table, the event bus), which takes
 * nothing from this stack, so changing what runs never updates it.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
  type Alarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { HTTP_FUNCTION_ENTRIES, HTTP_FUNCTIONS, ROUTES, type HttpFunction } from '../../shared/http/routes';
import { SCHEDULES, type Schedule } from '../../shared/schedules';
import { Index } from '../../shared/store/table';
import { METRICS_NAMESPACE } from '../../shared/observability';
import { SweepMetric, sweepDimensions } from '../../shared/sweeps/metrics';
import { AlertTopic } from '../constructs/alert-topic';
import { ConsoleSite } from '../constructs/console-site';
import { ALARM_PERIOD, onCallAlarm, queueDepth, ratePercent } from '../constructs/alerting';
import { EventPublisher } from '../constructs/event-publisher';
import { ServiceApi } from '../constructs/http-api';
import { Rollouts } from '../constructs/rollout';
import { AdminUserPool, scimClientId } from '../constructs/user-pool';
import { LambdaFunction } from '../constructs/lambda-function';
import { pascal } from '../constructs/names';
import { OperationWorker } from '../constructs/operation-worker';
import { Sweeps } from '../constructs/sweeps';
import { allowTable, TableAction, type TableAccess } from '../constructs/table-access';
import type { DeployContext } from './context';
import { DataStack } from './data-stack';
import { periodMinutes } from '../../shared/schedule-expression';

/** What each HTTP function does to the table, and nothing more (SPEC §7). */
const HTTP_TABLE_ACCESS: Readonly<Record<HttpFunction, TableAccess | null>> = {
  // Accounts and history pages (Get, Query; list by domain on its index), changes (Puts in a transaction),
  // idempotency records (Put to claim, Update to complete, Delete to release a failed request).
  // Counts (TransactGetItems), searches (token Query, BatchGetItem of the accounts found) and sweep previews
  // (the per-domain due indexes; every domain's through the sweeps' own).
  accounts: {
    actions: [
      TableAction.GET,
      TableAction.BATCH_GET,
      TableAction.QUERY,
      TableAction.PUT,
      TableAction.UPDATE,
      TableAction.DELETE,
    ],
    indexes: [Index.BY_DOMAIN, Index.DOMAIN_DUE, Index.DOMAIN_LEAVER, Index.DUE, Index.LEAVER],
  },
  // The access decision is one GetItem.
  access: { actions: [TableAction.GET] },
  // Read the email item and the account; count a failure, lock or unlock, claim the event id (Puts); the
  // domain's counter item (Update).
  loginEvents: { actions: [TableAction.GET, TableAction.PUT, TableAction.UPDATE] },
  // The status model and the OpenAPI document are built from code.
  public: null,
  // SCIM (SPEC §10): users by id and address (Get), listed by domain on its index and by externalId on
  // their lookup items (Query), the domains' counts for totalResults (TransactGetItems), changes in
  // transactions (Puts; the domain's counter item, Update; a Delete of an externalId's old lookup item).
  scim: {
    actions: [TableAction.GET, TableAction.QUERY, TableAction.PUT, TableAction.UPDATE, TableAction.DELETE],
    indexes: [Index.BY_DOMAIN],
  },
};

/**
 * The functions that verify tokens themselves (routes with `authenticatedBy: 'function'`, the SCIM ones)
 * get the issuer and audiences of the API's JWT authorizer: one configuration for both.
 */
const selfAuthentication = (
  fn: HttpFunction,
  jwt: { jwtIssuer: string; jwtAudience: readonly string[] },
): Record<string, string> =>
  ROUTES.some((route) => route.function === fn && route.authenticatedBy === 'function')
    ? { JWT_ISSUER: jwt.jwtIssuer, JWT_AUDIENCE: jwt.jwtAudience.join(',') }
    : {};

/**
 * The thresholds of the alarms that page on-call (SPEC §7). Rates are percentages over one alarm period
 * (five minutes) and count only from a minimum number of requests: at thousands of requests a second a
 * count would be noise, and at a handful one failure would be a rate.
 */
const THRESHOLDS = {
  /** The API's 5xx among all its answers (it never answers 5xx for bad input). */
  api5xxPercent: 1,
  /** `GET /access` 4xx among its answers: unknown addresses answer 404 (a few %); tokens refused are 401/403. */
  access4xxPercent: 20,
  /** `GET /access` p99 latency, milliseconds, for three periods in a row. */
  accessP99Ms: 250,
  /** Requests (or invocations) a period before a rate counts. */
  minimumRequests: 100,
  /** A function's errors among its invocations. */
  functionErrorPercent: 1,
  /** A function's throttles among its invocations and throttles. */
  functionThrottlePercent: 1,
  /** How far behind a stream consumer may run (its oldest record's age), milliseconds, for two periods. */
  iteratorAgeMs: 10 * 60 * 1000,
  /** DynamoDB read and write throttle events a period, for two periods in a row. */
  tableThrottleEvents: 10,
} as const;

/** The metrics namespace of a stage: two stages in one account must not alarm on each other's metrics. */
const metricsNamespace = (stage: string): string => `${METRICS_NAMESPACE}/${stage}`;

interface ServiceStackProps extends StackProps {
  readonly context: DeployContext;
}

/** A function description naming its routes (or their number, where the list would pass Lambda's 256). */
function httpDescription(fn: HttpFunction): string {
  const routes = ROUTES.filter((r) => r.function === fn);
  const listed = `mailbox-lifecycle HTTP ${fn}: ${routes.map((r) => `${r.method} ${r.path}`).join(', ')}`;
  return listed.length <= 256
    ? listed
    : `mailbox-lifecycle HTTP ${fn}: ${routes.length} routes of shared/http/routes.ts`;
}

/** What a sweep logs for each account it could not handle (shared/sweeps/sweep.ts, stuck.ts). */
const FAILED_ACCOUNT_LOG = {
  sweep: 'sweep could not change an account',
  stuck: 'stuck detector could not handle an account',
} as const;

/**
 * A metric the sweep functions emit (shared/sweeps/metrics.ts), with the dimensions they emit it with, over
 * one period of the sweep's schedule (a day for the daily sweeps).
 */
const sweepMetric = (namespace: string, schedule: Schedule, metricName: SweepMetric, statistic: string): Metric =>
  new Metric({
    namespace,
    metricName,
    dimensionsMap: { ...sweepDimensions(schedule.sweep) },
    statistic,
    period: Duration.minutes(periodMinutes(schedule.expression)),
  });

/** A function the stack runs, by the name its alarms and rollout carry. */
interface NamedFunction {
  readonly name: string;
  readonly fn: LambdaFunction;
}

/**
 * Everything that runs (API, functions, queues, schedules, sign-in, alerts, alarms, dashboard, rollouts)
 * and, nested, the data.
 *
 * @example
 * const service = new ServiceStack(app, 'MailboxLifecycle-prod', { context: readDeployContext(app.node) });
 * service.data.table // the table, in the nested stack
 */
class ServiceStack extends Stack {
  /** The nested stack holding the table and the event bus. */
  readonly data: DataStack;
  readonly api: ServiceApi;
  readonly httpFunctions: Readonly<Record<HttpFunction, LambdaFunction>>;
  readonly worker: OperationWorker;
  readonly events: EventPublisher;
  readonly sweeps: Sweeps;
  readonly alerts: AlertTopic;
  readonly platformSecret: Secret | undefined;
  /** The admin console (S3 + CloudFront), with the API on its origin. */
  readonly console: ConsoleSite;
  /** The stack's own user pool; undefined when an external issuer (`jwtIssuer`) signs the tokens. */
  readonly userPool: AdminUserPool | undefined;
  readonly rollouts: Rollouts;
  readonly dashboard: Dashboard;
  /** The namespace of this stage's own metrics (sweeps, worker, HTTP). */
  readonly metricsNamespace: string;
  /** Every alarm, by construct id. */
  readonly alarms = new Map<string, Alarm>();

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    // The id `Data` (with `Table` inside) makes the table's logical ids: renaming either would deploy a new,
    // empty table and orphan the old one (docs/deploy.md, "Removing it"; a test pins them).
    this.data = new DataStack(this, 'Data', {
      description: 'Mailbox lifecycle data: the account table (retained, deletion-protected, PITR) and the event bus',
    });
    const { table, eventBus } = this.data;
    const { context } = props;
    this.metricsNamespace = metricsNamespace(context.stage);
    const observability = { POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace };
    const common = { TABLE_NAME: table.tableName, ...observability, ...context.functionConfig };

    this.alerts = new AlertTopic(this, 'Alerts', { email: context.alertEmail });
    const alertTopic = this.alerts.topic;

    this.userPool =
      context.auth.kind === 'cognito'
        ? new AdminUserPool(this, 'SignIn', {
            stage: context.stage,
            consoleUrl: context.consoleUrl,
            environment: observability,
            scimConnections: context.scimConnections,
          })
        : undefined;
    const jwt =
      context.auth.kind === 'external'
        ? { jwtIssuer: context.auth.issuer, jwtAudience: context.auth.audience }
        : { jwtIssuer: this.userPool!.issuer, jwtAudience: this.userPool!.audiences };

    this.httpFunctions = this.makeHttpFunctions(table, common, context.accessReservedConcurrency, jwt);
    this.api = new ServiceApi(this, 'Api', {
      ...jwt,
      functions: Object.fromEntries(Object.entries(this.httpFunctions).map(([name, fn]) => [name, fn.live])) as Record<
        HttpFunction,
        LambdaFunction['live']
      >,
    });

    const platform = this.makePlatform(context.mailPlatformUrl);
    this.platformSecret = platform.secret;
    this.worker = new OperationWorker(this, 'Worker', {
      table,
      alertTopic,
      platformSecret: this.platformSecret,
      environment: { ...common, ...platform.environment, ALERT_TOPIC_ARN: alertTopic.topicArn },
    });
    this.events = new EventPublisher(this, 'Events', { table, eventBus, environment: common });
    this.sweeps = new Sweeps(this, 'Sweeps', {
      table,
      alertTopic,
      environment: { ...common, ALERT_TOPIC_ARN: alertTopic.topicArn },
    });

    this.rollouts = new Rollouts(this, 'Rollouts');
    this.makeAlarms();
    this.dashboard = this.makeDashboard();

    this.console = this.makeConsole(context);
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The admin console' });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'AlertTopicArn', { value: alertTopic.topicArn, description: 'On-call alerts (SNS)' });
    new CfnOutput(this, 'EventBusName', {
      value: eventBus.eventBusName,
      description: 'AccountStatusChanged events (EventBridge)',
    });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'DeploymentApplication', {
      value: this.rollouts.application.applicationName,
      description: 'CodeDeploy application of the canary rollouts (one deployment group per function)',
    });
    if (this.platformSecret !== undefined) {
      new CfnOutput(this, 'MailPlatformSecretArn', {
        value: this.platformSecret.secretArn,
        description: 'The webhook signing secret to share with the mail platform',
      });
    }
    if (this.userPool !== undefined) this.makeSignInOutputs(this.userPool);
  }

  /** Every function of the stack, named as its alarms and deployment group are. */
  get functions(): NamedFunction[] {
    return [
      ...HTTP_FUNCTIONS.map((name) => ({ name: pascal(name), fn: this.httpFunctions[name] })),
      { name: 'Worker', fn: this.worker.worker },
      { name: 'Retry', fn: this.worker.retry },
      { name: 'Events', fn: this.events.fn },
      ...this.sweeps.functions.map(({ schedule, fn }) => ({ name: `${pascal(schedule.sweep)}Sweep`, fn })),
      ...(this.userPool === undefined ? [] : [{ name: 'PreToken', fn: this.userPool.trigger }]),
    ];
  }

  /**
   * The console, signing in against the stack's user pool (its console client, whose hosted sign-in and
   * token endpoint live on the pool's domain) or against the external issuer (its first audience as the
   * client id). With the user pool, the console's own address is a callback of the console client, besides
   * any `consoleUrl` of the context.
   */
  private makeConsole(context: DeployContext): ConsoleSite {
    const pool = this.userPool;
    if (pool === undefined) {
      if (context.auth.kind !== 'external') throw new Error('no user pool and no external issuer');
      return new ConsoleSite(this, 'Console', {
        api: this.api.api,
        issuer: context.auth.issuer,
        clientId: context.auth.audience[0]!,
      });
    }
    const site = new ConsoleSite(this, 'Console', {
      api: this.api.api,
      issuer: pool.issuer,
      clientId: pool.consoleClient.userPoolClientId,
      // The console client may ask for these; the token trigger adds the service's scopes and domains.
      scope: 'openid email',
      signInOrigins: [`https://cognito-idp.${this.region}.${this.urlSuffix}`, pool.domain.baseUrl()],
      // Sign out ends the hosted sign-in's session too (its /logout), landing back on the console.
      cognitoDomain: pool.domain.baseUrl(),
    });
    const client = pool.consoleClient.node.defaultChild as CfnUserPoolClient;
    const urls = [`${site.url}/`, ...(context.consoleUrl === undefined ? [] : [context.consoleUrl])];
    client.callbackUrLs = urls;
    client.logoutUrLs = urls;
    return site;
  }

  private makeSignInOutputs(pool: AdminUserPool): void {
    const outputs: Record<string, [string, string]> = {
      UserPoolId: [pool.userPool.userPoolId, 'Cognito user pool of the administrators'],
      JwtIssuer: [pool.issuer, 'The issuer of the tokens API Gateway trusts'],
      SignInUrl: [pool.domain.baseUrl(), 'Hosted sign-in (and /oauth2/token) of the user pool'],
      ConsoleClientId: [pool.consoleClient.userPoolClientId, "The console's app client (code grant with PKCE)"],
      MtaClientId: [pool.platformClients.Mta.userPoolClientId, "The MTA's app client (client credentials)"],
      LoginServiceClientId: [
        pool.platformClients.LoginService.userPoolClientId,
        "The login service's app client (client credentials)",
      ],
    };
    for (const [name, client] of Object.entries(pool.scimClients)) {
      outputs[`${scimClientId(name)}Id`] = [
        client.userPoolClientId,
        `The SCIM connection ${name}'s app client (client credentials, scim:provision)`,
      ];
    }
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, { value, description });
  }

  private makeHttpFunctions(
    table: ITable,
    environment: Record<string, string>,
    accessReservedConcurrency: number | undefined,
    jwt: { jwtIssuer: string; jwtAudience: readonly string[] },
  ): Record<HttpFunction, LambdaFunction> {
    const entries = HTTP_FUNCTIONS.map((name) => {
      const fn = new LambdaFunction(this, `${pascal(name)}Function`, {
        entry: HTTP_FUNCTION_ENTRIES[name],
        description: httpDescription(name),
        timeout: Duration.seconds(15),
        memorySize: 1024,
        environment: { ...environment, ...selfAuthentication(name, jwt) },
        // The mail path's own share of the account's concurrency: no other function can take it, and it
        // cannot take more (docs/deploy.md, "Capacity").
        ...(name === 'access' && accessReservedConcurrency !== undefined
          ? { reservedConcurrentExecutions: accessReservedConcurrency }
          : {}),
      });
      const access = HTTP_TABLE_ACCESS[name];
      if (access !== null) allowTable(fn, table, access);
      fn.acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          "Invoked synchronously by API Gateway, never asynchronously: an error is the caller's response; " +
          'there is no event to keep.',
      });
      return [name, fn] as const;
    });
    return Object.fromEntries(entries) as Record<HttpFunction, LambdaFunction>;
  }

  /** The mail platform adapter's settings: direct, or the webhook with its signing secret. */
  private makePlatform(url: string | undefined): { secret: Secret | undefined; environment: Record<string, string> } {
    if (url === undefined) return { secret: undefined, environment: { MAIL_PLATFORM: 'direct' } };
    const secret = new Secret(this, 'MailPlatformSecret', {
      description: 'HMAC-SHA256 key signing the webhook calls to the mail platform (X-Signature)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key is shared with the mail platform, which must verify with the new key from the moment ' +
        'it changes; rotation is a coordinated operator step (docs/deploy.md, "The mail platform secret"), ' +
        'not an automatic one.',
    });
    return {
      secret,
      environment: { MAIL_PLATFORM: 'webhook', MAIL_PLATFORM_URL: url, MAIL_PLATFORM_SECRET_ARN: secret.secretArn },
    };
  }

  private alarm(id: string, props: Parameters<typeof onCallAlarm>[3]): Alarm {
    const alarm = onCallAlarm(this, id, this.alerts.topic, props);
    this.alarms.set(id, alarm);
    return alarm;
  }

  /**
   * A function's errors and throttles: as rates of its invocations, or, for a sweep (a few invocations a day,
   * where one failure matters), as counts. They page, and roll a new version back during its canary.
   */
  private functionAlarms({ name, fn }: NamedFunction, asCount: boolean): Alarm[] {
    const metric = (m: Metric): Metric => m.with({ period: ALARM_PERIOD, statistic: Stats.SUM });
    const errors = metric(fn.metricErrors());
    const throttles = metric(fn.metricThrottles());
    const invocations = metric(fn.metricInvocations());
    if (asCount) {
      return [
        this.alarm(`${name}ErrorsAlarm`, {
          metric: errors,
          threshold: 1,
          description: `The ${name} function failed. Its logs say why; a sweep is safe to re-run (docs/runbook.md).`,
        }),
        this.alarm(`${name}ThrottlesAlarm`, {
          metric: throttles,
          threshold: 1,
          description: `The ${name} function was throttled: the account's Lambda concurrency is exhausted (docs/deploy.md, "Capacity").`,
        }),
      ];
    }
    const tried = new MathExpression({ expression: 'i + t', usingMetrics: { i: invocations, t: throttles } });
    return [
      this.alarm(`${name}ErrorRateAlarm`, {
        metric: ratePercent(`${name} errors`, errors, invocations, THRESHOLDS.minimumRequests / 10),
        threshold: THRESHOLDS.functionErrorPercent,
        description:
          `${THRESHOLDS.functionErrorPercent} % or more of the ${name} function's invocations failed in five ` +
          'minutes. Its logs say why; during a deployment CodeDeploy rolls the new version back.',
      }),
      this.alarm(`${name}ThrottleRateAlarm`, {
        metric: ratePercent(`${name} throttles`, throttles, tried, THRESHOLDS.minimumRequests / 10),
        threshold: THRESHOLDS.functionThrottlePercent,
        description:
          `${THRESHOLDS.functionThrottlePercent} % or more of the ${name} function's invocations were throttled ` +
          `in five minutes: its reserved concurrency or the account's is exhausted (docs/deploy.md, "Capacity").`,
      }),
    ];
  }

  /** Per sweep: it ran, its accounts it could not change; the stuck count. */
  private makeSweepAlarms(): void {
    for (const { schedule, fn } of this.sweeps.functions) {
      const name = pascal(schedule.sweep);
      // Every real run emits Failed (0 when all went well), a continued run once per invocation: their sum
      // over one period of the schedule. Between runs and for dry runs there is no data: nothing failed.
      const log = schedule.sweep === 'stuck' ? FAILED_ACCOUNT_LOG.stuck : FAILED_ACCOUNT_LOG.sweep;
      this.alarm(`${name}SweepFailedAlarm`, {
        metric: sweepMetric(this.metricsNamespace, schedule, SweepMetric.FAILED, Stats.SUM),
        threshold: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          `The ${schedule.sweep} sweep could not handle some accounts (metric ${SweepMetric.FAILED}); ` +
          `their ids and errors are in its logs ("${log}"). The next run tries them again; see docs/runbook.md.`,
      });
      // A schedule disabled, deleted or failing to invoke leaves no invocation: no data is the alarm.
      this.alarm(`${name}SweepDidNotRunAlarm`, {
        metric: fn.metricInvocations({
          period: Duration.minutes(periodMinutes(schedule.expression)),
          statistic: Stats.SUM,
        }),
        threshold: 1,
        below: true,
        treatMissingData: TreatMissingData.BREACHING,
        description:
          `The ${schedule.sweep} sweep did not run in its period (${schedule.expression}): check its EventBridge ` +
          'rule is enabled and its dead-letter queue; run it by hand (docs/deploy.md, "Running a sweep by hand").',
      });
    }
    const stuck = SCHEDULES.find((s) => s.sweep === 'stuck');
    if (stuck === undefined) throw new Error('shared/schedules.ts has no stuck sweep');
    // The stuck detector emits StuckAccounts on every run (0 when none).
    this.alarm('StuckAccountsAlarm', {
      metric: sweepMetric(this.metricsNamespace, stuck, SweepMetric.STUCK_ACCOUNTS, Stats.MAXIMUM),
      threshold: 1,
      // Between runs there is no data: keep the state the last run set.
      treatMissingData: TreatMissingData.IGNORE,
      description:
        'Accounts are stuck in progress. Each has its own stuck alert on this topic saying what to ' +
        'do (docs/runbook.md): retry or cancel the operation once the platform side is understood.',
    });
  }

  /** `GET /access`'s own metrics (the stage's detailed metrics for that route). */
  private accessMetric(metricName: string, statistic: string): Metric {
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: this.api.api.apiId, Stage: this.api.stage.stageName, Route: 'GET /access' },
      statistic,
      period: ALARM_PERIOD,
    });
  }

  private makeApiAlarms(): void {
    const api = this.api.api;
    this.alarm('Api5xxRateAlarm', {
      metric: ratePercent(
        'API 5xx',
        api.metricServerError({ period: ALARM_PERIOD, statistic: Stats.SUM }),
        api.metricCount({ period: ALARM_PERIOD, statistic: Stats.SUM }),
        THRESHOLDS.minimumRequests,
      ),
      threshold: THRESHOLDS.api5xxPercent,
      description:
        `${THRESHOLDS.api5xxPercent} % or more of the HTTP API's answers in five minutes were 5xx: a fault or an ` +
        "outage, never bad input. See the access logs and the functions' logs.",
    });
    this.alarm('AccessLatencyAlarm', {
      metric: this.accessMetric('Latency', 'p99'),
      threshold: THRESHOLDS.accessP99Ms,
      evaluationPeriods: 3,
      description:
        `GET /access answered slower than ${THRESHOLDS.accessP99Ms} ms at p99 for 15 minutes: the MTA waits ` +
        "on every delivery. Check DynamoDB latency and throttling, and the access function's duration.",
    });
    this.alarm('Access4xxRateAlarm', {
      metric: ratePercent(
        'GET /access 4xx',
        this.accessMetric('4xx', Stats.SUM),
        this.accessMetric('Count', Stats.SUM),
        THRESHOLDS.minimumRequests,
      ),
      threshold: THRESHOLDS.access4xxPercent,
      description:
        `${THRESHOLDS.access4xxPercent} % or more of GET /access answers in five minutes were 4xx: usually the ` +
        "MTA's or login service's token expired or lost its scope (401/403 in the access logs), or a " +
        'flood of unknown addresses (404).',
    });
  }

  private makeAlarms(): void {
    for (const named of this.functions) {
      const isSweep = this.sweeps.functions.some(({ fn }) => fn === named.fn);
      this.rollouts.add(named.name, named.fn, this.functionAlarms(named, isSweep));
    }
    this.makeSweepAlarms();
    this.makeApiAlarms();
    for (const [name, fn] of [
      ['Worker', this.worker.worker],
      ['Events', this.events.fn],
    ] as const) {
      this.alarm(`${name}IteratorAgeAlarm`, {
        metric: fn.metric('IteratorAge', { period: ALARM_PERIOD, statistic: Stats.MAXIMUM }),
        threshold: THRESHOLDS.iteratorAgeMs,
        evaluationPeriods: 2,
        description:
          `The ${name} function is more than ${THRESHOLDS.iteratorAgeMs / 60_000} minutes behind the table's ` +
          'stream for ten minutes: a bulk change it cannot keep up with, or a batch it keeps failing on ' +
          '(its logs, its dead-letter queue). Records older than 24 hours are dropped to the dead-letter queue.',
      });
    }
    const { table } = this.data;
    this.alarm('TableThrottleAlarm', {
      metric: new MathExpression({
        expression: 'r + w',
        usingMetrics: {
          r: table.metric('ReadThrottleEvents', { period: ALARM_PERIOD, statistic: Stats.SUM }),
          w: table.metric('WriteThrottleEvents', { period: ALARM_PERIOD, statistic: Stats.SUM }),
        },
        label: 'DynamoDB throttle events',
        period: ALARM_PERIOD,
      }),
      threshold: THRESHOLDS.tableThrottleEvents,
      evaluationPeriods: 2,
      description:
        'DynamoDB throttled reads or writes of the table for ten minutes: traffic above what on-demand has ' +
        'scaled to, or a hot partition (docs/performance.md, "Partition limits").',
    });
    const dlqs = [
      [
        'WorkerDlqDepthAlarm',
        this.worker.deadLetterQueue,
        'The worker gave up on stream batches; their ' +
          'accounts stay in progress. Fix the cause, then retry each operation (docs/runbook.md).',
      ],
      [
        'RetryDlqDepthAlarm',
        this.worker.retryDeadLetterQueue,
        'Delayed worker retries failed repeatedly; ' +
          'their accounts stay in progress. Fix the cause, then retry each operation (docs/runbook.md).',
      ],
      [
        'EventsDlqDepthAlarm',
        this.events.deadLetterQueue,
        'AccountStatusChanged events could not be ' +
          'published; consumers are missing them. Fix the cause and replay them (docs/runbook.md).',
      ],
      [
        'SweepDlqDepthAlarm',
        this.sweeps.deadLetterQueue,
        'Sweep invocations failed every retry. The next ' +
          'scheduled run picks the work up; see the sweep alarms and logs.',
      ],
    ] as const;
    for (const [id, queue, description] of dlqs)
      this.alarm(id, { metric: queueDepth(queue), threshold: 1, description });
  }

  /** One dashboard: every alarm's state, then the metrics on-call looks at first. */
  private makeDashboard(): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: this.stackName });
    const graph = (title: string, left: IMetric[]): GraphWidget => new GraphWidget({ title, left, width: 12 });
    const alarms = [...this.alarms.values()];
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 6 }));
    dashboard.addWidgets(
      graph('GET /access latency (ms)', [this.accessMetric('Latency', 'p50'), this.accessMetric('Latency', 'p99')]),
      graph('GET /access answers', [
        this.accessMetric('Count', Stats.SUM),
        this.accessMetric('4xx', Stats.SUM),
        this.accessMetric('5xx', Stats.SUM),
      ]),
    );
    const ofFunctions = (metric: (fn: LambdaFunction) => Metric): IMetric[] =>
      this.functions.map(({ name, fn }) => metric(fn).with({ label: name, period: ALARM_PERIOD }));
    dashboard.addWidgets(
      graph(
        'Function errors',
        ofFunctions((fn) => fn.metricErrors({ statistic: Stats.SUM })),
      ),
      graph(
        'Function throttles',
        ofFunctions((fn) => fn.metricThrottles({ statistic: Stats.SUM })),
      ),
    );
    dashboard.addWidgets(
      graph('Stream consumers behind (ms)', [
        this.worker.worker.metric('IteratorAge', { statistic: Stats.MAXIMUM, label: 'Worker' }),
        this.events.fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, label: 'Events' }),
      ]),
      graph('Dead letters', [
        queueDepth(this.worker.deadLetterQueue),
        queueDepth(this.worker.retryDeadLetterQueue),
        queueDepth(this.events.deadLetterQueue),
        queueDepth(this.sweeps.deadLetterQueue),
      ]),
    );
    return dashboard;
  }
}

export { ServiceStack, HTTP_TABLE_ACCESS, THRESHOLDS, metricsNamespace };
export type { ServiceStackProps, NamedFunction };
