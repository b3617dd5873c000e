/**
 * The one top-level stack, deployed by a plain `cdk deploy`. What runs lives here, stateless: the HTTP API
 * and its functions, the worker, the event publisher, the sweeps, alerts and alarms — it may be changed and
 * redeployed at will. What is kept lives in its nested stack `Data` (the table, the event bus), which takes
 * nothing from this stack, so changing what runs never updates it.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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
import { ALARM_PERIOD, onCallAlarm, queueDepth } from '../constructs/alerting';
import { EventPublisher } from '../constructs/event-publisher';
import { ServiceApi } from '../constructs/http-api';
import { LambdaFunction } from '../constructs/lambda-function';
import { pascal } from '../constructs/names';
import { OperationWorker } from '../constructs/operation-worker';
import { Sweeps } from '../constructs/sweeps';
import { allowTable, TableAction, type TableAccess } from '../constructs/table-access';
import type { DeployContext } from './context';
import { DataStack } from './data-stack';

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
};

/** API errors in one alarm period that page on-call (the API never answers 5xx for bad input). */
const API_5XX_THRESHOLD = 5;

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
const sweepMetric = (schedule: Schedule, metricName: SweepMetric, statistic: string): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { ...sweepDimensions(schedule.sweep) },
    statistic,
    period: Duration.minutes(schedule.everyMinutes),
  });

/**
 * Everything that runs (API, functions, queues, schedules, alerts, alarms) and, nested, the data.
 *
 * @example
 * const service = new ServiceStack(app, 'MailboxLifecycle-Service', { context: readDeployContext(app.node) });
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

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    // The id `Data` (with `Table` inside) makes the table's logical ids: renaming either would deploy a new,
    // empty table and orphan the old one (docs/deploy.md, "Removing it"; a test pins them).
    this.data = new DataStack(this, 'Data', {
      description: 'Mailbox lifecycle data: the account table (retained, deletion-protected, PITR) and the event bus',
    });
    const { table, eventBus } = this.data;
    const { context } = props;
    const common = { TABLE_NAME: table.tableName, ...context.functionConfig };

    this.alerts = new AlertTopic(this, 'Alerts', { email: context.alertEmail });
    const alertTopic = this.alerts.topic;

    this.httpFunctions = this.makeHttpFunctions(table, common);
    this.api = new ServiceApi(this, 'Api', {
      jwtIssuer: context.jwtIssuer,
      jwtAudience: context.jwtAudience,
      functions: this.httpFunctions,
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

    this.makeAlarms();

    this.console = new ConsoleSite(this, 'Console', {
      api: this.api.api,
      issuer: context.jwtIssuer,
      clientId: context.jwtAudience[0]!,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The admin console' });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'AlertTopicArn', { value: alertTopic.topicArn, description: 'On-call alerts (SNS)' });
    new CfnOutput(this, 'EventBusName', {
      value: eventBus.eventBusName,
      description: 'AccountStatusChanged events (EventBridge)',
    });
    if (this.platformSecret !== undefined) {
      new CfnOutput(this, 'MailPlatformSecretArn', {
        value: this.platformSecret.secretArn,
        description: 'The webhook signing secret to share with the mail platform',
      });
    }
  }

  private makeHttpFunctions(table: ITable, environment: Record<string, string>): Record<HttpFunction, LambdaFunction> {
    const entries = HTTP_FUNCTIONS.map((name) => {
      const fn = new LambdaFunction(this, `${pascal(name)}Function`, {
        entry: HTTP_FUNCTION_ENTRIES[name],
        description: httpDescription(name),
        timeout: Duration.seconds(15),
        memorySize: 1024,
        environment,
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

  /** Per sweep: its function's errors and the accounts it could not change; the stuck count. */
  private makeSweepAlarms(): void {
    const topic = this.alerts.topic;
    for (const { schedule, fn } of this.sweeps.functions) {
      onCallAlarm(this, `${pascal(schedule.sweep)}SweepErrorsAlarm`, topic, {
        metric: fn.metricErrors({ period: ALARM_PERIOD, statistic: Stats.SUM }),
        threshold: 1,
        description:
          `The ${schedule.sweep} sweep failed. It is safe to re-run (docs/runbook.md); its logs ` + 'say why.',
      });
      // Every real run emits Failed (0 when all went well), a continued run once per invocation: their sum
      // over one period of the schedule. Between runs and for dry runs there is no data: nothing failed.
      const log = schedule.sweep === 'stuck' ? FAILED_ACCOUNT_LOG.stuck : FAILED_ACCOUNT_LOG.sweep;
      onCallAlarm(this, `${pascal(schedule.sweep)}SweepFailedAlarm`, topic, {
        metric: sweepMetric(schedule, SweepMetric.FAILED, Stats.SUM),
        threshold: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          `The ${schedule.sweep} sweep could not handle some accounts (metric ${SweepMetric.FAILED}); ` +
          `their ids and errors are in its logs ("${log}"). The next run tries them again; see docs/runbook.md.`,
      });
    }
    const stuck = SCHEDULES.find((s) => s.sweep === 'stuck');
    if (stuck === undefined) throw new Error('shared/schedules.ts has no stuck sweep');
    // The stuck detector emits StuckAccounts on every run (0 when none).
    onCallAlarm(this, 'StuckAccountsAlarm', topic, {
      metric: sweepMetric(stuck, SweepMetric.STUCK_ACCOUNTS, Stats.MAXIMUM),
      threshold: 1,
      // Between runs there is no data: keep the state the last run set.
      treatMissingData: TreatMissingData.IGNORE,
      description:
        'Accounts are stuck in progress. Each has its own stuck alert on this topic saying what to ' +
        'do (docs/runbook.md): retry or cancel the operation once the platform side is understood.',
    });
  }

  private makeAlarms(): void {
    this.makeSweepAlarms();
    const topic = this.alerts.topic;
    onCallAlarm(this, 'Api5xxAlarm', topic, {
      metric: this.api.api.metricServerError({ period: ALARM_PERIOD, statistic: Stats.SUM }),
      threshold: API_5XX_THRESHOLD,
      description:
        `The HTTP API answered ${API_5XX_THRESHOLD} or more 5xx in five minutes: a fault or an ` +
        "outage, never bad input. See the access logs and the functions' logs.",
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
    for (const [id, queue, description] of dlqs) {
      onCallAlarm(this, id, topic, { metric: queueDepth(queue), threshold: 1, description });
    }
  }
}

export { ServiceStack, HTTP_TABLE_ACCESS };
export type { ServiceStackProps };
