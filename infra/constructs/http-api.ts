/**
 * The HTTP API of SPEC §4: one API Gateway route per entry of shared/http/routes.ts, each integrated with
 * the Lambda function the entry names, behind the JWT authorizer unless the route is public.
 */
import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type HttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { hasScope, Scope } from '../../shared/domain/transitions';
import { ROUTES, type HttpFunction, type Route } from '../../shared/http/routes';

/**
 * Steady-state requests per second and burst for each administrator and public route (the stage default).
 * Each route has its own bucket, so their sum counts toward the account quota below.
 */
const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * The mail platform's routes carry its traffic, far above administrators': their own limits, sized for the
 * 10-million-account peak of docs/performance.md (access ≈ 6,500 a second, login events ≈ 1,000).
 */
const PLATFORM_THROTTLE: Readonly<Partial<Record<HttpFunction, { rateLimit: number; burstLimit: number }>>> = {
  access: { rateLimit: 7000, burstLimit: 3500 },
  loginEvents: { rateLimit: 1000, burstLimit: 500 },
};

/**
 * API Gateway's default account-level quota for HTTP APIs in a region (requests a second), shared by every
 * API of the account: the sum of all route limits stays under it, so no other route of this API can take
 * the mail platform's share (docs/deploy.md, "Capacity").
 */
const ACCOUNT_QUOTA = { rateLimit: 10_000, burstLimit: 5_000 } as const;

/** The route-level limits of `route`: its platform limits, or the stage default. */
const routeThrottle = (route: Route): { rateLimit: number; burstLimit: number } =>
  PLATFORM_THROTTLE[route.function] ?? THROTTLE;

/**
 * Every scope that grants `scope` (SPEC §4: `accounts:admin` includes write, write includes read): API
 * Gateway's scope check passes a token carrying any one of a route's scopes and knows no inclusion, so a
 * route lists them all.
 *
 * @example
 * scopesGranting('accounts:read') // ['accounts:read', 'accounts:write', 'accounts:admin']
 */
const scopesGranting = (scope: Scope): string[] => Object.values(Scope).filter((s) => hasScope([s], scope));

/**
 * One JSON line per request. The path names accounts by id; query strings (an email address in
 * `/access?email=`) and bodies are never logged.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
} as const;

interface ServiceApiProps {
  /** The issuer API Gateway trusts: the stack's user pool or the external one from context. */
  readonly jwtIssuer: string;
  /** The accepted `aud` (or, for Cognito access tokens, which carry none, `client_id`) values. */
  readonly jwtAudience: readonly string[];
  /** What serves each HttpFunction of shared/http/routes.ts (the functions' `live` aliases). */
  readonly functions: Readonly<Record<HttpFunction, IFunction>>;
}

/**
 * The API, its `$default` stage (access logs, throttling), the JWT authorizer and the routes.
 *
 * @example
 * const api = new ServiceApi(this, 'Api', { jwtIssuer, jwtAudience, functions: { accounts, access, loginEvents, public: pub } });
 * api.stage.url // the API's base URL
 */
class ServiceApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: LogGroup;
  /** Each route of ROUTES, in order. */
  readonly routes: readonly { readonly route: Route; readonly httpRoute: HttpRoute }[];

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Mailbox lifecycle: accounts, statuses, login events and access decisions',
      // The stage is made below, with logging and throttling.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    // `$default`: any other stage name prefixes every path and the routes stop matching.
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    const integrations = new Map<HttpFunction, HttpLambdaIntegration>();
    const integrationFor = (fn: HttpFunction): HttpLambdaIntegration => {
      let integration = integrations.get(fn);
      if (integration === undefined) {
        integration = new HttpLambdaIntegration(`${fn}Integration`, props.functions[fn]);
        integrations.set(fn, integration);
      }
      return integration;
    };

    this.routes = ROUTES.map((route) => {
      const gateway = route.scope !== null && route.authenticatedBy !== 'function';
      // The scopes at API Gateway as well as in the function (SPEC §7): a token without any that grants the
      // route's is refused before a function runs (403, API Gateway's own body).
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        // The SCIM routes' function verifies the token itself (SPEC §10): no authorizer, no scopes here.
        authorizer: gateway ? this.authorizer : undefined,
        ...(gateway && route.scope !== null ? { authorizationScopes: scopesGranting(route.scope) } : {}),
      });
      if (httpRoute === undefined) throw new Error(`no route made for ${route.method} ${route.path}`);
      if (route.scope !== null && route.authenticatedBy === 'function') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is a SCIM route (SPEC §10): its function verifies the bearer JWT ` +
            "itself, with the authorizer's issuer and audiences, because the authorizer's 401 body cannot " +
            'have the SCIM error schema identity providers read.',
        });
      }
      if (route.scope === null) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by design (SPEC §4, scope "none"): it serves static, ` +
            'non-personal documents (the status model, the OpenAPI document).',
        });
      }
      return { route, httpRoute };
    });

    const platformRoutes = ROUTES.filter((route) => PLATFORM_THROTTLE[route.function] !== undefined);
    (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      platformRoutes.map((route) => [
        `${route.method} ${route.path}`,
        // RouteSettings is free-form JSON in the L1: CloudFormation's own property names. Detailed metrics
        // give the route its own Latency, 4xx and Count (the /access alarms).
        {
          ThrottlingRateLimit: routeThrottle(route).rateLimit,
          ThrottlingBurstLimit: routeThrottle(route).burstLimit,
          DetailedMetricsEnabled: true,
        },
      ]),
    );
    // API Gateway refuses route settings for a route that does not exist yet: on the first deploy into an
    // empty account the stage must be created after its routes.
    for (const { httpRoute } of this.routes) this.stage.node.addDependency(httpRoute);
  }
}

export { ServiceApi, THROTTLE, PLATFORM_THROTTLE, ACCOUNT_QUOTA, ACCESS_LOG_FIELDS, routeThrottle, scopesGranting };
export type { ServiceApiProps };
