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
import { ROUTES, type HttpFunction, type Route } from '../../shared/http/routes';

/** Steady-state requests per second and burst for each administrator route (the stage default). */
const THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * The mail platform's routes (the access decision for every login and delivery, login events) carry the
 * platform's traffic, far above administrators': their own, higher limits, sized for the 10-million-account
 * peak of docs/performance.md (the burst is capped by the account's regional quota, 5,000 by default).
 */
const PLATFORM_THROTTLE = { rateLimit: 8000, burstLimit: 5000 } as const;
const PLATFORM_FUNCTIONS: ReadonlySet<HttpFunction> = new Set(['access', 'loginEvents']);

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
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  /** The function serving each HttpFunction of shared/http/routes.ts. */
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
      // No authorizationScopes: the functions check scopes themselves, where `accounts:admin` includes
      // `accounts:write` and write includes read — API Gateway's scope check knows no such inclusion.
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        authorizer: route.scope === null || route.authenticatedBy === 'function' ? undefined : this.authorizer,
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

    const platformRoutes = ROUTES.filter((route) => PLATFORM_FUNCTIONS.has(route.function));
    (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      platformRoutes.map((route) => [
        `${route.method} ${route.path}`,
        // RouteSettings is free-form JSON in the L1: CloudFormation's own property names.
        { ThrottlingRateLimit: PLATFORM_THROTTLE.rateLimit, ThrottlingBurstLimit: PLATFORM_THROTTLE.burstLimit },
      ]),
    );
  }
}

export { ServiceApi, THROTTLE, PLATFORM_THROTTLE, ACCESS_LOG_FIELDS };
export type { ServiceApiProps };
