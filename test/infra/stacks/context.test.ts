/**
 * The deployment context: what is required, what is checked at synth, and the app with only the required
 * settings (direct mail platform, no alert email). Synthesized once, without bundling (templates only).
 */
import { CfnResource, Stack, TagManager, type ITaggable } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { RootConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../infra/constructs/lambda-function';
import { PLATFORM_CLIENTS, scimClientId, type AdminUserPool } from '../../../infra/constructs/user-pool';
import {
  ADMIN_GROUPS,
  DOMAINS_ATTRIBUTE,
  RESOURCE_SERVER,
  scimConnectionScope,
} from '../../../shared/auth/token-claims';
import { Scope } from '../../../shared/domain/transitions';
import { SERVICE_NAME } from '../../../shared/observability';
import { DEFAULT_ACCESS_RESERVED_CONCURRENCY, readDeployContext } from '../../../infra/stacks/context';
import { ConfigError } from '../../../shared/config';
import {
  actionsOf,
  environmentOf,
  functionResource,
  logicalId,
  removeAssembly,
  synthesize,
  validationReport,
  type Synthesized,
} from '../template';

const REQUIRED = { alertEmail: 'oncall@acme-mail.net' };
const EXTERNAL = { jwtIssuer: 'https://login.acme-mail.net/oauth2/default', jwtAudience: 'api://mailbox-lifecycle' };

/** Reads `context` from a bare construct tree (an App would make an output directory per call). */
function read(context: Record<string, unknown>) {
  const root = new RootConstruct('');
  for (const [key, value] of Object.entries(context)) root.node.setContext(key, value);
  return readDeployContext(root.node);
}

describe('readDeployContext', () => {
  it('needs only an alert address: the prod stage, its own user pool, the direct platform', () => {
    const context = read(REQUIRED);

    expect(context).toEqual({
      stage: 'prod',
      auth: { kind: 'cognito' },
      alertEmail: REQUIRED.alertEmail,
      mailPlatformUrl: undefined,
      consoleUrl: undefined,
      accessReservedConcurrency: DEFAULT_ACCESS_RESERVED_CONCURRENCY,
      functionConfig: {},
      scimConnections: {},
    });
  });

  it('reads SCIM connections as name=domain+domain, * for every domain', () => {
    expect(read({ ...REQUIRED, scimConnections: 'okta=A.org+b.org, entra=*' }).scimConnections).toEqual({
      okta: ['a.org', 'b.org'],
      entra: ['*'],
    });
    expect(read({ ...REQUIRED, scimConnections: { okta: 'a.org b.org' } }).scimConnections).toEqual({
      okta: ['a.org', 'b.org'],
    });
  });

  it('refuses a SCIM connection without domains, with a bad name or domain, an example domain, or an external issuer', () => {
    expect(() => read({ ...REQUIRED, scimConnections: 'okta' })).toThrow(/okta names no domains/);
    expect(() => read({ ...REQUIRED, scimConnections: 'Okta Prod=a.org' })).toThrow(/lowercase letters/);
    expect(() => read({ ...REQUIRED, scimConnections: 'okta=a_b' })).toThrow(/not a domain/);
    expect(() => read({ ...REQUIRED, scimConnections: 'okta=example.com' })).toThrow(/example domain/);
    expect(() => read({ ...REQUIRED, scimConnections: 'okta=a.org,okta=b.org' })).toThrow(/twice/);
    expect(() => read({ ...REQUIRED, ...EXTERNAL, scimConnections: 'okta=a.org' })).toThrow(/own user pool/);
  });

  it('trusts an external issuer for the audiences given', () => {
    expect(read({ ...REQUIRED, ...EXTERNAL, jwtAudience: 'a, b,,c' }).auth).toEqual({
      kind: 'external',
      issuer: EXTERNAL.jwtIssuer,
      audience: ['a', 'b', 'c'],
    });
  });

  it('treats empty strings as unset', () => {
    expect(read({ ...REQUIRED, mailPlatformUrl: ' ', jwtIssuer: '' })).toMatchObject({
      mailPlatformUrl: undefined,
      auth: { kind: 'cognito' },
    });
  });

  it('reads the stage and the access reservation, or none', () => {
    expect(read({ ...REQUIRED, stage: 'dev-2', accessReservedConcurrency: '50' })).toMatchObject({
      stage: 'dev-2',
      accessReservedConcurrency: 50,
    });
    expect(read({ ...REQUIRED, accessReservedConcurrency: 'none' }).accessReservedConcurrency).toBeUndefined();
  });

  it.each([
    [{}, /alertEmail is required/],
    [{ alertEmail: '' }, /alertEmail is required/],
    [{ ...REQUIRED, jwtIssuer: EXTERNAL.jwtIssuer }, /jwtAudience is required/],
    [{ ...REQUIRED, jwtAudience: 'x' }, /jwtAudience needs jwtIssuer/],
    [{ ...REQUIRED, ...EXTERNAL, jwtIssuer: 'http://login.acme-mail.net/' }, /jwtIssuer must be an https URL/],
    [{ ...REQUIRED, ...EXTERNAL, jwtIssuer: 'login' }, /jwtIssuer must be an https URL/],
    [{ ...REQUIRED, mailPlatformUrl: 'ftp://platform' }, /mailPlatformUrl must be an https URL/],
    [{ alertEmail: 'oncall' }, /alertEmail must be an email address/],
    [{ ...REQUIRED, ...EXTERNAL, jwtAudience: 42 }, /jwtAudience must be a string/],
    [{ ...REQUIRED, stage: 'Prod' }, /context stage must be/],
    [{ ...REQUIRED, stage: 'a-very-long-stage-name' }, /context stage must be/],
    [{ ...REQUIRED, accessReservedConcurrency: 0 }, /accessReservedConcurrency must be a positive integer/],
  ])('refuses %j', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  it.each([
    // What cdk.json used to ship, and what the docs' examples say.
    [{ ...REQUIRED, ...EXTERNAL, jwtIssuer: 'https://issuer.example.invalid/' }, /jwtIssuer names an example domain/],
    [{ ...REQUIRED, ...EXTERNAL, jwtIssuer: 'https://id.example.org/' }, /jwtIssuer names an example domain/],
    [
      { ...REQUIRED, ...EXTERNAL, jwtIssuer: 'https://<your-okta-domain>/oauth2/default' },
      /jwtIssuer is a placeholder/,
    ],
    [{ ...REQUIRED, ...EXTERNAL, jwtAudience: '<audience>' }, /jwtAudience is a placeholder/],
    [{ alertEmail: 'oncall@example.org' }, /alertEmail names an example domain/],
    [{ alertEmail: 'oncall@mail.example' }, /alertEmail names an example domain/],
    [{ alertEmail: 'oncall@corp.test' }, /alertEmail names an example domain/],
    [{ ...REQUIRED, mailPlatformUrl: 'https://platform.example.com/hook' }, /mailPlatformUrl names an example domain/],
    [{ ...REQUIRED, consoleUrl: 'https://console.example.net/' }, /consoleUrl names an example domain/],
  ])('stops at a placeholder or an example domain: %j', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  it('ships no broken default in cdk.json: a bare synth stops, naming the alert address', () => {
    // Prepare: cdk.json's context, as `npx cdk synth` without -c reads it.
    const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };

    // Act, Assess
    expect(() => read(cdkJson.context)).toThrow(/alertEmail is required/);
    for (const key of ['jwtIssuer', 'jwtAudience', 'alertEmail', 'mailPlatformUrl']) {
      expect(cdkJson.context, key).not.toHaveProperty(key);
    }
  });

  it('passes function settings through, from an object or a JSON string', () => {
    expect(read({ ...REQUIRED, functionConfig: { MAX_FAILED_LOGINS: 5, CLOCK: 'x' } }).functionConfig).toEqual({
      MAX_FAILED_LOGINS: '5',
      CLOCK: 'x',
    });
    expect(read({ ...REQUIRED, functionConfig: '{"LOCKOUT_SECONDS":"0"}' }).functionConfig).toEqual({
      LOCKOUT_SECONDS: '0',
    });
  });

  it.each([
    [{ TABLE_NAME: 'other' }, /TABLE_NAME is set by the stack/],
    [{ CLOCK_OVERRIDE: 'true' }, /CLOCK_OVERRIDE is set by the stack/],
    [{ 'bad-name': '1' }, /"bad-name" is not a variable name/],
    [{ MAX_FAILED_LOGINS: { nested: true } }, /must be a string, number or boolean/],
    ['not json', /must be a JSON object/],
    [['INACTIVITY_DAYS'], /must be an object/],
  ])('refuses function settings %j', (functionConfig, message) => {
    expect(() => read({ ...REQUIRED, functionConfig })).toThrow(message);
  });

  it('refuses a setting the functions would refuse, naming it', () => {
    expect(() => read({ ...REQUIRED, functionConfig: { MAX_FAILED_LOGINS: 'ten' } })).toThrow(ConfigError);
    expect(() => read({ ...REQUIRED, functionConfig: { MAX_FAILED_LOGINS: 'ten' } })).toThrow(/MAX_FAILED_LOGINS/);
  });
});

describe('the app with only the required context, as a second stage', () => {
  let app: Synthesized;
  let pool: AdminUserPool;

  beforeAll(() => {
    app = synthesize({ ...REQUIRED, stage: 'dev' }, { bundle: false });
    pool = app.service.userPool!;
  });

  afterAll(() => removeAssembly(app));

  it('passes cdk-nag with nothing left unacknowledged', () => {
    expect(validationReport(app.assembly).pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('is an independent copy: its own stack, names, metrics, dashboard and user pool', () => {
    expect(app.assembly.stacks.map((s) => s.stackName)).toEqual(['MailboxLifecycle-dev']);
    for (const { schedule, fn } of app.service.sweeps.functions) {
      expect(functionResource(app.serviceTemplate, fn).Properties.FunctionName).toBe(
        `MailboxLifecycle-dev-${schedule.sweep}-sweep`,
      );
    }
    expect(environmentOf(app.serviceTemplate, app.service.httpFunctions.access).POWERTOOLS_METRICS_NAMESPACE).toBe(
      'MailboxLifecycle/dev',
    );
    app.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'MailboxLifecycle-dev' });
    app.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['mailbox-lifecycle-dev-', { Ref: 'AWS::AccountId' }]] },
    });
    // The table's name is CloudFormation's, unique per stack: none is given.
    expect(app.dataTemplate.findResources('AWS::DynamoDB::Table')[logicalId(app.data.table)]).not.toHaveProperty(
      'Properties.TableName',
    );
  });

  it('tags every taggable resource, the nested stack included, with the service and the stage', () => {
    const taggable = app.app.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.isTaggable(c));

    expect(taggable.length).toBeGreaterThan(50);
    for (const resource of taggable) {
      const tags = Stack.of(resource).resolve((resource as unknown as ITaggable).tags.renderTags()) as unknown;
      const asMap = Array.isArray(tags)
        ? Object.fromEntries((tags as Record<string, string>[]).map((t) => [t.Key ?? t.key, t.Value ?? t.value]))
        : (tags as Record<string, string>);
      expect(asMap, resource.node.path).toMatchObject({ service: SERVICE_NAME, stage: 'dev' });
    }
  });

  it('signs administrators in through its own Cognito user pool (Essentials, MFA, no self sign-up)', () => {
    app.serviceTemplate.resourceCountIs('AWS::Cognito::UserPool', 1);
    app.serviceTemplate.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UserPoolTier: 'ESSENTIALS',
        MfaConfiguration: 'ON',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Schema: Match.arrayWith([Match.objectLike({ Name: DOMAINS_ATTRIBUTE, Mutable: true })]),
      }),
    });
    for (const group of Object.keys(ADMIN_GROUPS)) {
      app.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    }
  });

  it('puts scopes and domains into access tokens with a V3 pre-token-generation trigger on its live alias', () => {
    app.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { Ref: logicalId(pool.trigger.live) }, LambdaVersion: 'V3_0' },
      },
    });
    expect(actionsOf(app.serviceTemplate, pool.trigger).filter((a) => !/^(logs|xray):/.test(a))).toEqual([]);
  });

  it('gives the console an app client with the code grant (PKCE) and no secret, and the hosted sign-in', () => {
    // The console's own CloudFront address, with the slash the console redirects to, is the callback.
    const consoleAddress = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalId(app.service.console.distribution), 'DomainName'] }, '/'],
      ],
    };
    app.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: Match.absent(),
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: [consoleAddress],
      LogoutURLs: [consoleAddress],
    });
    app.serviceTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    // Sign out ends the hosted sign-in's session too: config.json names the pool's domain.
    const stack = Stack.of(app.service);
    expect(stack.resolve(app.service.console.config.cognitoDomain)).toEqual(stack.resolve(pool.domain.baseUrl()));
    for (const output of ['UserPoolId', 'JwtIssuer', 'SignInUrl', 'ConsoleClientId']) {
      app.serviceTemplate.hasOutput(output, { Value: Match.anyValue() });
    }
  });

  it("gives the MTA and the login service client-credentials app clients with only their resource server's scopes", () => {
    const server = { Ref: logicalId(pool.resourceServer) };
    const scopes = Object.fromEntries(
      Object.entries(PLATFORM_CLIENTS).map(([name, granted]) => [
        name,
        granted.map((s) => ({ 'Fn::Join': ['', [server, `/${s}`]] })),
      ]),
    );
    app.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: RESOURCE_SERVER });

    for (const [name, client] of Object.entries(pool.platformClients)) {
      const resource = app.serviceTemplate.findResources('AWS::Cognito::UserPoolClient')[logicalId(client)] as {
        Properties: Record<string, unknown>;
      };
      expect(resource.Properties, name).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: scopes[name],
      });
    }
  });

  it('makes no SCIM client and no SCIM scope without scimConnections', () => {
    expect(pool.scimClients).toEqual({});
    expect(environmentOf(app.serviceTemplate, pool.trigger)).not.toHaveProperty('SCIM_CONNECTIONS');
    app.serviceTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 1 + Object.keys(PLATFORM_CLIENTS).length);
  });

  it("has API Gateway trust the pool's issuer for its app clients", () => {
    app.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [logicalId(pool.userPool), 'ProviderURL'] },
        Audience: [pool.consoleClient, pool.platformClients.Mta, pool.platformClients.LoginService].map((c) => ({
          Ref: logicalId(c),
        })),
      },
    });
  });

  it('uses the direct mail platform: no secret, no webhook URL', () => {
    app.serviceTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const fn of [app.service.worker.worker, app.service.worker.retry]) {
      const environment = environmentOf(app.serviceTemplate, fn);

      expect(environment.MAIL_PLATFORM).toBe('direct');
      expect(environment).not.toHaveProperty('MAIL_PLATFORM_URL');
      expect(environment).not.toHaveProperty('MAIL_PLATFORM_SECRET_ARN');
      expect(actionsOf(app.serviceTemplate, fn, 'secretsmanager')).toEqual([]);
    }
    expect(app.service.platformSecret).toBeUndefined();
  });

  it('has no MailPlatformSecretArn output', () => {
    expect(Object.keys(app.serviceTemplate.findOutputs('*'))).not.toContain('MailPlatformSecretArn');
  });
});

describe('the app with SCIM connections to its own user pool', () => {
  let app: Synthesized;
  let pool: AdminUserPool;
  const CONNECTIONS = { okta: ['a.org', 'b.org'], entra: ['*'] } as const;

  beforeAll(() => {
    app = synthesize({ ...REQUIRED, scimConnections: 'okta=a.org+b.org,entra=*' }, { bundle: false });
    pool = app.service.userPool!;
  });

  afterAll(() => removeAssembly(app));

  it('passes cdk-nag with nothing left unacknowledged', () => {
    expect(validationReport(app.assembly).pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('declares scim:provision and one marker scope per connection on the resource server', () => {
    const resource = app.serviceTemplate.findResources('AWS::Cognito::UserPoolResourceServer')[
      logicalId(pool.resourceServer)
    ] as { Properties: { Scopes: { ScopeName: string }[] } };

    expect(resource.Properties.Scopes.map((s) => s.ScopeName)).toEqual([
      'access:check',
      'login:report',
      Scope.SCIM,
      scimConnectionScope('okta'),
      scimConnectionScope('entra'),
    ]);
  });

  it('gives each connection a client-credentials app client with a secret, scim:provision and its own marker only', () => {
    const server = { Ref: logicalId(pool.resourceServer) };
    expect(Object.keys(pool.scimClients)).toEqual(Object.keys(CONNECTIONS));
    for (const [name, client] of Object.entries(pool.scimClients)) {
      const resource = app.serviceTemplate.findResources('AWS::Cognito::UserPoolClient')[logicalId(client)] as {
        Properties: Record<string, unknown>;
      };
      expect(resource.Properties, name).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [Scope.SCIM, scimConnectionScope(name)].map((s) => ({
          'Fn::Join': ['', [server, `/${s}`]],
        })),
      });
      app.serviceTemplate.hasOutput(`${scimClientId(name)}Id`, { Value: { Ref: logicalId(client) } });
    }
  });

  it("tells the token trigger each connection's domains by name", () => {
    const variables = environmentOf(app.serviceTemplate, pool.trigger);

    expect(JSON.parse(String(variables.SCIM_CONNECTIONS))).toEqual({ okta: 'a.org,b.org', entra: '*' });
  });

  it("has the SCIM function's own token check, and API Gateway, accept the connections' clients", () => {
    const audience = [
      pool.consoleClient,
      pool.platformClients.Mta,
      pool.platformClients.LoginService,
      pool.scimClients.okta!,
      pool.scimClients.entra!,
    ].map((c) => ({ Ref: logicalId(c) }));

    app.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: Match.objectLike({ Audience: audience }),
    });
    const jwtAudience = environmentOf(app.serviceTemplate, app.service.httpFunctions.scim).JWT_AUDIENCE as unknown;
    const [, parts] = (jwtAudience as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    expect(parts.filter((part) => part !== ',')).toEqual(audience);
  });
});
