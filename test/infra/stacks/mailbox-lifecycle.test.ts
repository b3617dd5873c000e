/**
 * The synthesized app with every optional setting given (alert email, webhook mail platform, a function
 * setting): one synth, with real esbuild bundling, shared by every test of this file.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_INDEXES, SWEEP_TIME_BUDGET, SWEEP_TIMEOUT } from '../../../infra/constructs/sweeps';
import type { LambdaFunction } from '../../../infra/constructs/lambda-function';
import { createMailboxLifecycle, stackName } from '../../../infra/stacks/mailbox-lifecycle';
import { DEFAULT_ACCESS_RESERVED_CONCURRENCY, DEFAULT_STAGE } from '../../../infra/stacks/context';
import { THRESHOLDS } from '../../../infra/stacks/service-stack';
import { ACCOUNT_QUOTA, PLATFORM_THROTTLE, routeThrottle, scopesGranting } from '../../../infra/constructs/http-api';
import { RETRY_MAX_CONCURRENCY } from '../../../infra/constructs/operation-worker';
import { ROLLOUT } from '../../../infra/constructs/rollout';
import { HTTP_FUNCTIONS, ROUTES } from '../../../shared/http/routes';
import { SCHEDULES } from '../../../shared/schedules';
import { STREAM_CONSUMERS } from '../../../shared/stream/filters';
import { TABLE } from '../../../shared/store/table';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../shared/observability';
import { SweepMetric, sweepDimensions } from '../../../shared/sweeps/metrics';
import {
  acknowledgements,
  actionsOf,
  environmentOf,
  fromData,
  functionResource,
  logicalId,
  resourcesFor,
  statementsOf,
  removeAssembly,
  synthesize,
  validationReport,
  type Synthesized,
} from '../template';

const CONTEXT = {
  jwtIssuer: 'https://login.acme-mail.net/realms/mail/',
  jwtAudience: 'mailbox-lifecycle,mailbox-lifecycle-admin',
  alertEmail: 'oncall@acme-mail.net',
  mailPlatformUrl: 'https://platform.acme-mail.net/hooks/lifecycle',
  functionConfig: { INACTIVITY_DAYS: 45 },
};
const STACK_NAME = stackName(DEFAULT_STAGE);

let app: Synthesized;

beforeAll(() => {
  // Synthesis runs the cdk-nag plugins: it throws on any unacknowledged error-level finding.
  app = synthesize(CONTEXT, { bundle: true });
});

afterAll(() => removeAssembly(app));

/** How the template invokes a function: through its `live` alias. */
const ref = (fn: LambdaFunction) => ({ Ref: logicalId(fn.live) });

/** How an event source mapping names a function's `live` alias (its ARN, `<function ARN>:live`). */
const aliasArn = (fn: LambdaFunction) => ({
  'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', ref(fn)] }] }, ':live']],
});

/** Every function of the service stack with what it is. */
function allFunctions(): { name: string; fn: LambdaFunction }[] {
  const { service } = app;
  return [
    ...HTTP_FUNCTIONS.map((name) => ({ name, fn: service.httpFunctions[name] })),
    { name: 'worker', fn: service.worker.worker },
    { name: 'retry', fn: service.worker.retry },
    { name: 'events', fn: service.events.fn },
    ...service.sweeps.functions.map(({ schedule, fn }) => ({ name: `${schedule.sweep} sweep`, fn })),
  ];
}

describe('cdk-nag', () => {
  it('leaves no unacknowledged finding, warnings included', () => {
    const report = validationReport(app.assembly);

    const findings = report.pluginReports.flatMap((r) => r.violations ?? []);
    expect(findings).toEqual([]);
  });

  it('checks the nested data stack too: a non-compliant resource there fails the synth', () => {
    const probe = new App({ context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const { data } = createMailboxLifecycle(probe);
    // No TLS-only policy, no dead-letter queue: AwsSolutions-SQS4 and -SQS3, Serverless-SQSRedrivePolicy.
    new Queue(data, 'Unchecked');

    try {
      expect(() => probe.synth()).toThrow(/AwsSolutions-SQS4[\s\S]*MailboxLifecycle-prod\/Data\/Unchecked/);
    } finally {
      rmSync(probe.outdir, { recursive: true, force: true });
    }
  });

  it('has a written reason for every acknowledgement', () => {
    const all = acknowledgements(app.app);

    expect(all.length).toBeGreaterThan(0);
    for (const { id, reason, path } of all) {
      expect(typeof reason, `${id} at ${path}`).toBe('string');
      expect((reason as string).length, `${id} at ${path}`).toBeGreaterThan(40);
    }
  });
});

describe('one deployment', () => {
  it('is one top-level stack, so `cdk deploy` needs no stack selector', () => {
    expect(app.assembly.stacks.map((s) => s.stackName)).toEqual([STACK_NAME]);
  });

  it('keeps the table and the bus in a nested stack that takes nothing from the service stack', () => {
    const nested = app.serviceTemplate.findResources('AWS::CloudFormation::Stack');

    expect(Object.keys(nested)).toEqual([logicalId(app.data.nestedStackResource!)]);
    // No parameters: a deployment that changes only what runs leaves the data stack untouched.
    expect(Object.values(nested)[0]).not.toHaveProperty('Properties.Parameters');
    expect(app.dataTemplate.toJSON()).not.toHaveProperty('Parameters');
    expect(
      Object.values(app.dataTemplate.toJSON().Resources as Record<string, { Type: string }>)
        .map((r) => r.Type)
        .filter((t) => t !== 'AWS::CDK::Metadata')
        .sort(),
    ).toEqual(['AWS::DynamoDB::Table', 'AWS::Events::Archive', 'AWS::Events::EventBus']);
    app.serviceTemplate.resourceCountIs('AWS::DynamoDB::Table', 0);
    app.serviceTemplate.resourceCountIs('AWS::Events::EventBus', 0);
  });

  it('keeps the logical ids that hold the data: a changed one would deploy a new, empty table', () => {
    // Renaming the construct `Data` or `Table` changes these; CloudFormation would then create a new table
    // and orphan the old one (retained, but no longer used). Move the data deliberately, or not at all.
    expect(logicalId(app.data.nestedStackResource!)).toBe('DataNestedStackDataNestedStackResourceEC94013D');
    expect(logicalId(app.data.table)).toBe('TableCD117FA1');
  });
});

describe('data stack', () => {
  it('builds the table from TABLE: keys, every index, TTL, stream', () => {
    // An attribute several indexes share (dueAt, leaverDueAt) is defined once.
    const attributes = [
      ...new Map(
        [TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map((a) => [
          a.name,
          a,
        ]),
      ).values(),
    ];

    app.dataTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    app.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith(attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type }))),
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: TABLE.stream },
    });
  });

  it('keeps the data: on demand, PITR, deletion protection, encrypted, retained', () => {
    app.dataTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('has the event bus, archived for replay', () => {
    app.dataTemplate.resourceCountIs('AWS::Events::EventBus', 1);
    app.dataTemplate.resourceCountIs('AWS::Events::Archive', 1);
  });
});

describe('HTTP API', () => {
  it('verifies JWTs with the issuer and audiences from context', () => {
    app.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    app.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: CONTEXT.jwtIssuer, Audience: ['mailbox-lifecycle', 'mailbox-lifecycle-admin'] },
    });
  });

  it('serves on the $default stage with JSON access logs and throttling', () => {
    app.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(app.serviceTemplate.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: {
        StageName: string;
        AutoDeploy: boolean;
        AccessLogSettings: { Format: string };
        DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
      };
    };

    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AutoDeploy).toBe(true);
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId' });
    expect(stage.Properties.AccessLogSettings.Format).not.toContain('querystring');
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
  });

  it("gives the mail platform's routes their own, higher throttle than the administrators' default", () => {
    const stage = Object.values(app.serviceTemplate.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: {
        RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
        DefaultRouteSettings: { ThrottlingRateLimit: number };
      };
    };
    const platformRoutes = ROUTES.filter((r) => r.function === 'access' || r.function === 'loginEvents');

    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(
      platformRoutes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of platformRoutes) {
      expect(stage.Properties.RouteSettings[`${route.method} ${route.path}`]).toEqual({
        ThrottlingRateLimit: PLATFORM_THROTTLE[route.function]!.rateLimit,
        ThrottlingBurstLimit: PLATFORM_THROTTLE[route.function]!.burstLimit,
        DetailedMetricsEnabled: true,
      });
      expect(PLATFORM_THROTTLE[route.function]!.rateLimit).toBeGreaterThan(
        stage.Properties.DefaultRouteSettings.ThrottlingRateLimit,
      );
    }
  });

  it("keeps every route's limits together under the account's HTTP API quota, so nothing starves the mail path", () => {
    const routes = app.serviceTemplate.findResources('AWS::ApiGatewayV2::Route');
    const declared = ROUTES.map((r) => `${r.method} ${r.path}`);
    const limits = Object.values(routes).map((r) => {
      const key = (r as { Properties: { RouteKey: string } }).Properties.RouteKey;
      return routeThrottle(ROUTES[declared.indexOf(key)]!);
    });

    const rate = limits.reduce((sum, l) => sum + l.rateLimit, 0);

    expect(limits).toHaveLength(ROUTES.length);
    expect(rate).toBeLessThanOrEqual(ACCOUNT_QUOTA.rateLimit);
    expect(PLATFORM_THROTTLE.access!.burstLimit + PLATFORM_THROTTLE.loginEvents!.burstLimit).toBeLessThanOrEqual(
      ACCOUNT_QUOTA.burstLimit,
    );
  });

  it('creates the stage after every route, or API Gateway refuses its route settings on a first deploy', () => {
    const stage = Object.values(app.serviceTemplate.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      DependsOn?: string[];
    };

    for (const { route, httpRoute } of app.service.api.routes) {
      expect(stage.DependsOn ?? [], `${route.method} ${route.path}`).toContain(logicalId(httpRoute));
    }
  });

  it("requires at API Gateway every scope that includes a route's own", () => {
    expect(scopesGranting('accounts:read').sort()).toEqual(['accounts:admin', 'accounts:read', 'accounts:write']);
    expect(scopesGranting('accounts:write').sort()).toEqual(['accounts:admin', 'accounts:write']);
    expect(scopesGranting('accounts:admin')).toEqual(['accounts:admin']);
    expect(scopesGranting('access:check')).toEqual(['access:check']);
  });

  it('makes exactly one route per ROUTES entry', () => {
    app.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s goes to its function with its auth',
    (_, route) => {
      const integration = Object.keys(
        app.serviceTemplate.findResources('AWS::ApiGatewayV2::Integration', {
          Properties: { IntegrationUri: ref(app.service.httpFunctions[route.function]), PayloadFormatVersion: '2.0' },
        }),
      );

      // The SCIM routes' function verifies the token itself (SPEC §10): no authorizer in front of it.
      const gateway = route.scope !== null && route.authenticatedBy !== 'function';
      expect(integration).toHaveLength(1);
      app.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration[0] }]] },
        AuthorizationType: gateway ? 'JWT' : 'NONE',
        AuthorizerId: gateway ? { Ref: Match.stringLikeRegexp('JwtAuthorizer') } : Match.absent(),
        AuthorizationScopes: gateway && route.scope !== null ? scopesGranting(route.scope) : Match.absent(),
      });
    },
  );
});

describe('the scim function', () => {
  it("verifies tokens with the JWT authorizer's issuer and audiences", () => {
    const variables = environmentOf(app.serviceTemplate, app.service.httpFunctions.scim);
    const [authorizer] = Object.values(app.serviceTemplate.findResources('AWS::ApiGatewayV2::Authorizer'));
    const { Issuer, Audience } = authorizer?.Properties.JwtConfiguration as { Issuer: string; Audience: string[] };

    expect(variables.JWT_ISSUER).toBe(Issuer);
    expect(variables.JWT_AUDIENCE).toBe(Audience.join(','));
    expect(environmentOf(app.serviceTemplate, app.service.httpFunctions.accounts).JWT_ISSUER).toBeUndefined();
  });
});

describe('functions', () => {
  it('are Node.js 24 on arm64 with active tracing and their own log group with retention', () => {
    for (const { name, fn } of allFunctions()) {
      const props = functionResource(app.serviceTemplate, fn).Properties;

      expect(props, name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.functionLogGroup) } },
      });
      expect(props.MemorySize, name).toBeGreaterThanOrEqual(512);
      expect(props.Timeout, name).toBeGreaterThan(3);
    }
    app.serviceTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('get TABLE_NAME, Powertools settings and the context settings', () => {
    for (const { name, fn } of allFunctions()) {
      expect(environmentOf(app.serviceTemplate, fn), name).toMatchObject({
        TABLE_NAME: fromData(app, app.data.table),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: `${METRICS_NAMESPACE}/${DEFAULT_STAGE}`,
        INACTIVITY_DAYS: '45',
      });
    }
  });

  it('are self-contained ESM bundles: the AWS SDK and Powertools inside, require available', () => {
    for (const { name, fn } of allFunctions()) {
      const code = functionResource(app.serviceTemplate, fn).Properties.Code as { S3Key: string };
      const bundle = join(app.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');

      expect(existsSync(bundle), name).toBe(true);
      const source = readFileSync(bundle, 'utf8');
      expect(source.startsWith('import { createRequire as __createRequire }'), name).toBe(true);
      expect(source, name).not.toMatch(/from\s*["'](@aws-sdk|@smithy|@aws-lambda-powertools|@middy)\//);
    }
  });

  it('are each invoked through a live alias that a CodeDeploy canary moves, rolling back on their alarms', () => {
    const groups = app.serviceTemplate.findResources('AWS::CodeDeploy::DeploymentGroup') as Record<
      string,
      { Properties: { AlarmConfiguration: { Enabled: boolean; Alarms: { Name: { Ref: string } }[] } } }
    >;

    expect(Object.keys(groups)).toHaveLength(allFunctions().length);
    for (const { name, fn } of allFunctions()) {
      app.serviceTemplate.hasResourceProperties('AWS::Lambda::Alias', {
        FunctionName: { Ref: logicalId(fn) },
        Name: 'live',
      });
      const alias = app.serviceTemplate.findResources('AWS::Lambda::Alias')[logicalId(fn.live)] as {
        UpdatePolicy: { CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: string } } };
      };
      const group = groups[alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName.Ref];
      expect(group, name).toBeDefined();
      expect(group!.Properties).toMatchObject({
        DeploymentConfigName: ROLLOUT.deploymentConfigName,
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
        AlarmConfiguration: { Enabled: true },
      });
      // The function's own error and throttle alarms.
      const alarms = group!.Properties.AlarmConfiguration.Alarms.map((a) => a.Name.Ref);
      expect(alarms, name).toHaveLength(2);
      for (const alarm of alarms) {
        expect(JSON.stringify(app.serviceTemplate.findResources('AWS::CloudWatch::Alarm')[alarm]), name).toContain(
          `"Ref":"${logicalId(fn)}"`,
        );
      }
    }
    expect(ROLLOUT.deploymentConfigName).toMatch(/Canary/);
  });

  it("reserve the access function's concurrency, and only its", () => {
    for (const { name, fn } of allFunctions()) {
      expect(functionResource(app.serviceTemplate, fn).Properties.ReservedConcurrentExecutions, name).toBe(
        name === 'access' ? DEFAULT_ACCESS_RESERVED_CONCURRENCY : undefined,
      );
    }
  });

  it('are one per HTTP function of routes.ts, each with one integration', () => {
    app.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::Integration', HTTP_FUNCTIONS.length);
  });
});

describe('least privilege', () => {
  it('access may only GetItem the table', () => {
    const fn = app.service.httpFunctions.access;

    expect(actionsOf(app.serviceTemplate, fn, 'dynamodb')).toEqual(['dynamodb:GetItem']);
    expect(resourcesFor(app.serviceTemplate, fn, 'dynamodb:GetItem')).toEqual([fromData(app, app.data.table, 'Arn')]);
  });

  it('public has no access to the table, queues, topics or secrets', () => {
    const actions = actionsOf(app.serviceTemplate, app.service.httpFunctions.public);

    expect(actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
  });

  it('accounts reads, lists, searches, counts, previews and writes — no scans, only the indexes it reads', () => {
    const fn = app.service.httpFunctions.accounts;
    const queried = JSON.stringify(resourcesFor(app.serviceTemplate, fn, 'dynamodb:Query'));

    expect(actionsOf(app.serviceTemplate, fn, 'dynamodb')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    for (const index of ['byDomain', 'domainDue', 'domainLeaver', 'due', 'leaver']) {
      expect(queried).toContain(`/index/${index}"`);
    }
    expect(queried).not.toMatch(/index\/(alerts|\*)/);
  });

  it('loginEvents reads, puts and adds to counters but never deletes or queries', () => {
    const actions = actionsOf(app.serviceTemplate, app.service.httpFunctions.loginEvents, 'dynamodb');

    expect(actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('the worker and retry read, put, update (counters) and delete items (a purge frees the email) but never query', () => {
    for (const fn of [app.service.worker.worker, app.service.worker.retry]) {
      const items = actionsOf(app.serviceTemplate, fn, 'dynamodb').filter(
        (a) => a.endsWith('Item') || a === 'dynamodb:Query',
      );

      expect(items).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    }
  });

  it('events only reads the stream and puts events on the bus', () => {
    const fn = app.service.events.fn;

    expect(actionsOf(app.serviceTemplate, fn, 'dynamodb')).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(actionsOf(app.serviceTemplate, fn, 'events')).toEqual(['events:PutEvents']);
    expect(resourcesFor(app.serviceTemplate, fn, 'events:PutEvents')).toEqual([
      fromData(app, app.data.eventBus, 'Arn'),
    ]);
  });

  it('each sweep queries only its own indexes and invokes only itself, and only if it continues (not the stuck detector)', () => {
    for (const { schedule, fn } of app.service.sweeps.functions) {
      const queried = JSON.stringify(resourcesFor(app.serviceTemplate, fn, 'dynamodb:Query'));
      const items = actionsOf(app.serviceTemplate, fn, 'dynamodb').filter((a) => a !== 'dynamodb:Query');

      expect(items, schedule.sweep).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
      expect(
        resourcesFor(app.serviceTemplate, fn, 'dynamodb:Query').every((r) => JSON.stringify(r).includes('/index/')),
        `${schedule.sweep} queries the table itself`,
      ).toBe(true);
      const invoked = JSON.stringify(resourcesFor(app.serviceTemplate, fn, 'lambda:InvokeFunction'));

      for (const index of TABLE.indexes.map((i) => i.name)) {
        expect(queried.includes(`/index/${index}"`), `${schedule.sweep} ${index}`).toBe(
          SWEEP_INDEXES[schedule.sweep].includes(index as never),
        );
      }
      const { Properties } = functionResource(app.serviceTemplate, fn);
      if (schedule.sweep === 'stuck') {
        expect(resourcesFor(app.serviceTemplate, fn, 'lambda:InvokeFunction'), schedule.sweep).toEqual([]);
        expect(Properties.RecursiveLoop, schedule.sweep).toBeUndefined();
      } else {
        expect(invoked, schedule.sweep).toContain(`function:${STACK_NAME}-${schedule.sweep}-sweep"`);
        expect(Properties.RecursiveLoop, schedule.sweep).toBe('Allow');
      }
      expect(Properties.FunctionName).toBe(`${STACK_NAME}-${schedule.sweep}-sweep`);
    }
  });

  it('only the stuck and destructive sweeps, the worker and retry may publish alerts', () => {
    const publishers = allFunctions()
      .filter(({ fn }) => actionsOf(app.serviceTemplate, fn, 'sns').includes('sns:Publish'))
      .map(({ name }) => name)
      .sort();

    expect(publishers).toEqual(['leaver sweep', 'retention sweep', 'retry', 'stuck sweep', 'worker']);
  });

  it('no statement uses a service wildcard or every index', () => {
    for (const { name, fn } of allFunctions()) {
      const statements = statementsOf(app.serviceTemplate, fn);

      expect(JSON.stringify(statements), name).not.toMatch(/"[a-z0-9]+:\*"|index\/\*/);
    }
  });
});

describe('worker', () => {
  it('is triggered by the stream with the worker filter, bounded retries and a dead-letter queue', () => {
    const { worker } = app.service.worker;

    app.serviceTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasArn(worker),
      EventSourceArn: fromData(app, app.data.table, 'StreamArn'),
      FilterCriteria: { Filters: STREAM_CONSUMERS.worker.map((p) => ({ Pattern: JSON.stringify(p) })) },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(app.service.worker.deadLetterQueue), 'Arn'] } },
      },
    });
  });

  it('retries through an encrypted queue with its own dead-letter queue, consumed by retry', () => {
    const { worker, retry, retryQueue, retryDeadLetterQueue } = app.service.worker;

    app.serviceTemplate.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: Match.anyValue(),
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(retryDeadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    app.serviceTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasArn(retry),
      EventSourceArn: { 'Fn::GetAtt': [logicalId(retryQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // A recovering platform meets a bounded number of retries at once.
      ScalingConfig: { MaximumConcurrency: RETRY_MAX_CONCURRENCY },
    });
    for (const fn of [worker, retry]) {
      expect(environmentOf(app.serviceTemplate, fn).RETRY_QUEUE_URL).toEqual({ Ref: logicalId(retryQueue) });
      expect(resourcesFor(app.serviceTemplate, fn, 'sqs:SendMessage')).toContainEqual({
        'Fn::GetAtt': [logicalId(retryQueue), 'Arn'],
      });
    }
    const queue = app.serviceTemplate.findResources('AWS::SQS::Queue')[logicalId(retryQueue)] as {
      Properties: { VisibilityTimeout: number };
    };
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
      functionResource(app.serviceTemplate, retry).Properties.Timeout as number,
    );
  });

  it('calls the webhook with the secret from Secrets Manager', () => {
    const secret = logicalId(app.service.platformSecret!);

    app.serviceTemplate.resourceCountIs('AWS::SecretsManager::Secret', 1);
    for (const fn of [app.service.worker.worker, app.service.worker.retry]) {
      expect(environmentOf(app.serviceTemplate, fn)).toMatchObject({
        MAIL_PLATFORM: 'webhook',
        MAIL_PLATFORM_URL: CONTEXT.mailPlatformUrl,
        MAIL_PLATFORM_SECRET_ARN: { Ref: secret },
        ALERT_TOPIC_ARN: { Ref: logicalId(app.service.alerts.topic) },
      });
      expect(resourcesFor(app.serviceTemplate, fn, 'secretsmanager:GetSecretValue')).toEqual([{ Ref: secret }]);
    }
    for (const { fn } of allFunctions().filter(({ name }) => name !== 'worker' && name !== 'retry')) {
      expect(actionsOf(app.serviceTemplate, fn, 'secretsmanager')).toEqual([]);
    }
  });
});

describe('events', () => {
  it('publishes history inserts from the stream to the bus, with a dead-letter queue', () => {
    const { fn, deadLetterQueue } = app.service.events;

    app.serviceTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasArn(fn),
      EventSourceArn: fromData(app, app.data.table, 'StreamArn'),
      FilterCriteria: { Filters: STREAM_CONSUMERS.events.map((p) => ({ Pattern: JSON.stringify(p) })) },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'Arn'] } } },
    });
    expect(environmentOf(app.serviceTemplate, fn).EVENT_BUS_NAME).toEqual(fromData(app, app.data.eventBus));
  });
});

describe('queues', () => {
  it('are all encrypted and refuse requests without TLS', () => {
    const queues = Object.keys(app.serviceTemplate.findResources('AWS::SQS::Queue'));

    expect(queues.length).toBe(6);
    app.serviceTemplate.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const queue of queues) {
      app.serviceTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});

describe('alerts', () => {
  it('go to a KMS-encrypted, TLS-only topic with the email subscription from context', () => {
    const topic = logicalId(app.service.alerts.topic);

    app.serviceTemplate.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(app.service.alerts.key), 'Arn'] },
    });
    app.serviceTemplate.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]),
      },
    });
    app.serviceTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    app.serviceTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: topic },
      Protocol: 'email',
      Endpoint: CONTEXT.alertEmail,
      RedrivePolicy: Match.anyValue(),
    });
  });
});

describe('sweeps', () => {
  it.each(SCHEDULES.map((s) => [s.sweep, s] as const))(
    '%s runs on its schedule from the one sweep entry',
    (_, schedule) => {
      const sweep = app.service.sweeps.functions.find((s) => s.schedule === schedule)!;
      const props = functionResource(app.serviceTemplate, sweep.fn).Properties;

      expect(props.Timeout).toBe(SWEEP_TIMEOUT.toSeconds());
      expect(environmentOf(app.serviceTemplate, sweep.fn)).toMatchObject({
        SWEEP: schedule.sweep,
        SWEEP_TIME_BUDGET_MS: String(SWEEP_TIME_BUDGET.toMilliseconds()),
        ALERT_TOPIC_ARN: { Ref: logicalId(app.service.alerts.topic) },
      });
      expect(props.DeadLetterConfig).toEqual({
        TargetArn: { 'Fn::GetAtt': [logicalId(app.service.sweeps.deadLetterQueue), 'Arn'] },
      });
      app.serviceTemplate.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: schedule.expression,
        Targets: [
          Match.objectLike({
            Arn: ref(sweep.fn),
            Input: '{}',
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(app.service.sweeps.deadLetterQueue), 'Arn'] } },
          }),
        ],
      });
    },
  );

  it('has one rule per schedule', () => {
    app.serviceTemplate.resourceCountIs('AWS::Events::Rule', SCHEDULES.length);
  });
});

describe('alarms', () => {
  const topicRef = () => [{ Ref: logicalId(app.service.alerts.topic) }];

  interface AlarmProperties extends Record<string, unknown> {
    readonly Dimensions: readonly { readonly Name: string; readonly Value: unknown }[];
  }

  /** The alarms on one of the sweep metrics, by the sweep their dimensions name. */
  function sweepAlarms(metricName: string): Map<string, AlarmProperties> {
    const alarms = Object.values(
      app.serviceTemplate.findResources('AWS::CloudWatch::Alarm', {
        Properties: { Namespace: `${METRICS_NAMESPACE}/${DEFAULT_STAGE}`, MetricName: metricName },
      }),
    ) as { Properties: AlarmProperties }[];
    const bySweep = new Map<string, AlarmProperties>();
    for (const { Properties: alarm } of alarms) {
      const dimensions = Object.fromEntries(alarm.Dimensions.map((d) => [d.Name, d.Value]));
      const sweep = SCHEDULES.find((s) => isDeepStrictEqual(dimensions, sweepDimensions(s.sweep)))?.sweep;
      // An alarm whose dimensions are not exactly those the sweep emits would never see a data point.
      expect(sweep, JSON.stringify(dimensions)).toBeDefined();
      bySweep.set(sweep!, alarm);
    }
    expect(bySweep.size).toBe(alarms.length);
    return bySweep;
  }

  it('watch the stuck count the stuck sweep emits', () => {
    const alarms = sweepAlarms(SweepMetric.STUCK_ACCOUNTS);

    expect([...alarms.keys()]).toEqual(['stuck']);
    expect(alarms.get('stuck')).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: topicRef(),
    });
  });

  it("watch every sweep's Failed count: its sum over one period of its schedule, no data meaning none", () => {
    const alarms = sweepAlarms(SweepMetric.FAILED);

    expect([...alarms.keys()].sort()).toEqual(SCHEDULES.map((s) => s.sweep).sort());
    for (const schedule of SCHEDULES) {
      expect(alarms.get(schedule.sweep), schedule.sweep).toMatchObject({
        Statistic: 'Sum',
        Period: schedule.everyMinutes * 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: topicRef(),
        OKActions: topicRef(),
        AlarmDescription: expect.stringContaining(`The ${schedule.sweep} sweep`),
      });
    }
  });

  /** The alarms whose metrics (or metric math) name `fn`. */
  const alarmsOf = (fn: LambdaFunction) =>
    Object.values(app.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a).includes(`"Ref":"${logicalId(fn)}"`),
    ) as { Properties: Record<string, unknown> }[];

  it('watch every sweep function for errors and throttles as counts, and for not running in its period', () => {
    for (const { schedule, fn } of app.service.sweeps.functions) {
      const names = alarmsOf(fn)
        .map((a) => (a.Properties as { MetricName?: string }).MetricName)
        .sort();

      expect(names, schedule.sweep).toEqual(['Errors', 'Invocations', 'Throttles']);
      app.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
        Period: schedule.everyMinutes * 60,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
        AlarmDescription: Match.stringLikeRegexp(`${schedule.sweep} sweep did not run`),
      });
    }
  });

  it('watch every other function for error and throttle rates, not counts', () => {
    const others = allFunctions().filter(({ name }) => !name.endsWith('sweep'));

    expect(others.map(({ name }) => name).sort()).toEqual(
      ['accounts', 'access', 'events', 'loginEvents', 'public', 'retry', 'scim', 'worker'].sort(),
    );
    for (const { name, fn } of others) {
      const rates = alarmsOf(fn).filter((a) => a.Properties.Metrics !== undefined);
      const expressions = rates.map(
        (a) => (a.Properties.Metrics as { Expression?: string }[]).find((m) => m.Expression !== undefined)?.Expression,
      );

      expect(rates, name).toHaveLength(2);
      for (const expression of expressions) expect(expression, name).toMatch(/100 \* part \/ whole/);
      expect(JSON.stringify(rates), name).toContain('"MetricName":"Errors"');
      expect(JSON.stringify(rates), name).toContain('"MetricName":"Throttles"');
      for (const rate of rates) expect(rate.Properties.Threshold, name).toBe(THRESHOLDS.functionErrorPercent);
    }
  });

  it('watch API 5xx as a rate, not a count', () => {
    const alarm = Object.values(app.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).find((a) =>
      JSON.stringify(a).includes('"MetricName":"5xx"'),
    ) as { Properties: { Metrics: { Expression?: string }[]; Threshold: number } };

    expect(alarm.Properties.Metrics.find((m) => m.Expression)?.Expression).toBe(
      `IF(whole >= ${THRESHOLDS.minimumRequests}, 100 * part / whole, 0)`,
    );
    expect(alarm.Properties.Threshold).toBe(THRESHOLDS.api5xxPercent);
  });

  it('watch GET /access p99 latency and 4xx rate on its own route metrics', () => {
    const route = { Name: 'Route', Value: 'GET /access' };

    app.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Dimensions: Match.arrayWith([route]),
      Threshold: THRESHOLDS.accessP99Ms,
    });
    app.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: THRESHOLDS.access4xxPercent,
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: '4xx', Dimensions: Match.arrayWith([route]) }),
          }),
        }),
      ]),
    });
  });

  it("watch the stream consumers' iterator age and the table's throttling", () => {
    for (const fn of [app.service.worker.worker, app.service.events.fn]) {
      app.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
        Threshold: THRESHOLDS.iteratorAgeMs,
      });
    }
    const table = Object.values(app.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a).includes('ThrottleEvents'),
    );
    expect(table).toHaveLength(1);
    expect(JSON.stringify(table[0])).toContain('"MetricName":"ReadThrottleEvents"');
    expect(JSON.stringify(table[0])).toContain('"MetricName":"WriteThrottleEvents"');
    expect(JSON.stringify(table[0])).toContain(JSON.stringify(fromData(app, app.data.table)));
  });

  it('watch the depth of every dead-letter queue', () => {
    const { worker, events, sweeps } = app.service;

    for (const queue of [
      worker.deadLetterQueue,
      worker.retryDeadLetterQueue,
      events.deadLetterQueue,
      sweeps.deadLetterQueue,
    ]) {
      app.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        AlarmActions: topicRef(),
      });
    }
  });

  it('are all on one dashboard', () => {
    app.serviceTemplate.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(app.serviceTemplate.findResources('AWS::CloudWatch::Dashboard'))[0]);
    for (const id of Object.keys(app.serviceTemplate.findResources('AWS::CloudWatch::Alarm'))) {
      expect(body, id).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
    }
  });

  it('all notify the alert topic', () => {
    app.serviceTemplate.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: topicRef() });
  });
});

describe('outputs', () => {
  it('name the API URL, table, alert topic and event bus', () => {
    for (const name of ['ApiUrl', 'TableName', 'AlertTopicArn', 'EventBusName']) {
      app.serviceTemplate.hasOutput(name, { Value: Match.anyValue() });
    }
    app.serviceTemplate.hasOutput('AlertTopicArn', { Value: { Ref: logicalId(app.service.alerts.topic) } });
    app.serviceTemplate.hasOutput('TableName', { Value: fromData(app, app.data.table) });
    app.serviceTemplate.hasOutput('EventBusName', { Value: fromData(app, app.data.eventBus) });
  });
});
