/**
 * Sign-in when no external issuer is given (SPEC §7): the stack's own Amazon Cognito user pool, with the
 * hosted sign-in for the console (an app client using the authorization-code grant with PKCE, no secret),
 * one app client per mail-platform caller and one per identity provider's SCIM connection (client-credentials
 * grant, with a secret) and the pre-token-generation trigger that puts this service's scopes and `domains` into the access token
 * (shared/auth/token-claims.ts: scopes from groups, domains from the `custom:domains` attribute).
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { UserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StringAttribute,
  UserPool,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import {
  ADMIN_GROUPS,
  DOMAINS_ATTRIBUTE,
  PLATFORM_SCOPES,
  RESOURCE_SERVER,
  scimConnectionScope,
} from '../../shared/auth/token-claims';
import { Scope } from '../../shared/domain/transitions';
import { LambdaFunction } from './lambda-function';

/** The console's callback when no `consoleUrl` is given: the console's local development server. */
const LOCAL_CONSOLE_URL = 'http://localhost:5173/';

/** The mail platform's callers and the scopes each app client may ask for. */
const PLATFORM_CLIENTS = {
  Mta: [Scope.ACCESS_CHECK],
  LoginService: [Scope.ACCESS_CHECK, Scope.LOGIN_REPORT],
} as const;
type PlatformClient = keyof typeof PLATFORM_CLIENTS;

interface AdminUserPoolProps {
  /** Makes the hosted sign-in's domain prefix unique per stage (and per account). */
  readonly stage: string;
  /** Where the hosted sign-in returns to (the console's address). */
  readonly consoleUrl: string | undefined;
  /** Environment of the trigger function (Powertools settings; it reads nothing else). */
  readonly environment: Readonly<Record<string, string>>;
  /** The SCIM connections (context `scimConnections`): name → the domains it may provision (`*` for all). */
  readonly scimConnections?: Readonly<Record<string, readonly string[]>>;
}

/** The app client id of SCIM connection `name`: `Scim` + its name in PascalCase + `Client`. */
const scimClientId = (name: string): string =>
  `Scim${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Client`;

/**
 * The user pool, its hosted sign-in domain, groups, resource server, app clients and token trigger.
 *
 * @example
 * const pool = new AdminUserPool(this, 'Auth', { stage: 'prod', consoleUrl: undefined, environment: {} });
 * new ServiceApi(this, 'Api', { jwtIssuer: pool.issuer, jwtAudience: pool.audiences, functions });
 */
class AdminUserPool extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly consoleClient: UserPoolClient;
  readonly platformClients: Readonly<Record<PlatformClient, UserPoolClient>>;
  /** One client-credentials app client per SCIM connection, by its name. */
  readonly scimClients: Readonly<Record<string, UserPoolClient>>;
  readonly resourceServer: UserPoolResourceServer;
  readonly trigger: LambdaFunction;

  constructor(scope: Construct, id: string, props: AdminUserPoolProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      // Administrators are created by an administrator (docs/deploy.md), never sign themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      // Essentials: the V3 pre-token-generation event, the only one that can add scopes to an access token.
      featurePlan: FeaturePlan.ESSENTIALS,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: { [DOMAINS_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 2048, mutable: true }) },
      deletionProtection: true,
      // The administrators and their groups outlive a stack deletion, like the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials is the plan the V3 token trigger needs; Plus adds threat protection, for a pool of a handful of ' +
        'administrators, all with a required TOTP second factor, created by an administrator (no self sign-up), ' +
        'at several times the price.',
    });

    for (const [group, scope] of Object.entries(ADMIN_GROUPS)) {
      new CfnUserPoolGroup(this, `Group${scope.replace(/[^a-z]/gi, '')}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: `Administrators with the ${scope} scope`,
      });
    }

    this.domain = this.userPool.addDomain('Domain', {
      // Globally unique per region: the stage and the account number make it so.
      cognitoDomain: { domainPrefix: `mailbox-lifecycle-${props.stage}-${Aws.ACCOUNT_ID}` },
    });

    const connections = props.scimConnections ?? {};
    const scimScope = new ResourceServerScope({
      scopeName: Scope.SCIM,
      scopeDescription: 'SCIM provisioning by an identity provider (with its connection scope)',
    });
    const connectionScope = (name: string): ResourceServerScope =>
      new ResourceServerScope({
        scopeName: scimConnectionScope(name),
        scopeDescription: `Names the SCIM connection ${name} (its domains)`,
      });
    this.resourceServer = this.userPool.addResourceServer('Platform', {
      identifier: RESOURCE_SERVER,
      scopes: [
        ...PLATFORM_SCOPES.map(
          (scope) => new ResourceServerScope({ scopeName: scope, scopeDescription: `The ${scope} scope` }),
        ),
        ...(Object.keys(connections).length > 0 ? [scimScope] : []),
        ...Object.keys(connections).map(connectionScope),
      ],
    });

    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      // A browser application: no secret it could keep, so the code grant with PKCE and nothing else.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [props.consoleUrl ?? LOCAL_CONSOLE_URL],
        logoutUrls: [props.consoleUrl ?? LOCAL_CONSOLE_URL],
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    const clients = Object.entries(PLATFORM_CLIENTS).map(([name, scopes]) => {
      const client = this.userPool.addClient(`${name}Client`, {
        generateSecret: true,
        authFlows: {},
        oAuth: {
          flows: { clientCredentials: true },
          scopes: scopes.map((scope) =>
            OAuthScope.resourceServer(
              this.resourceServer,
              new ResourceServerScope({ scopeName: scope, scopeDescription: scope }),
            ),
          ),
        },
        accessTokenValidity: Duration.hours(1),
      });
      return [name, client] as const;
    });
    this.platformClients = Object.fromEntries(clients) as Record<PlatformClient, UserPoolClient>;

    // An identity provider's SCIM connection: its own client (id and secret go into Okta's or Entra's
    // provisioning settings), rotated by adding a second connection and removing the first (docs/deploy.md).
    this.scimClients = Object.fromEntries(
      Object.keys(connections).map((name) => [
        name,
        this.userPool.addClient(scimClientId(name), {
          generateSecret: true,
          authFlows: {},
          oAuth: {
            flows: { clientCredentials: true },
            scopes: [scimScope, connectionScope(name)].map((scope) =>
              OAuthScope.resourceServer(this.resourceServer, scope),
            ),
          },
          accessTokenValidity: Duration.hours(1),
        }),
      ]),
    );

    this.trigger = new LambdaFunction(this, 'PreTokenFunction', {
      entry: 'functions/auth/pre-token.ts',
      description: 'mailbox-lifecycle sign-in: puts the scopes and domains into Cognito access tokens',
      timeout: Duration.seconds(5),
      memorySize: 512,
      environment: {
        ...props.environment,
        // Each SCIM connection's `domains` claim, by name (the marker scope names the connection).
        ...(Object.keys(connections).length > 0
          ? {
              SCIM_CONNECTIONS: JSON.stringify(
                Object.fromEntries(Object.entries(connections).map(([name, domains]) => [name, domains.join(',')])),
              ),
            }
          : {}),
      },
    });
    this.trigger.acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Cognito while it issues a token, never asynchronously: a failure fails that ' +
        'sign-in, which the user retries; there is no event to keep.',
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.trigger.live, LambdaVersion.V3_0);
  }

  /** The issuer of the pool's tokens (what API Gateway trusts). */
  get issuer(): string {
    return this.userPool.userPoolProviderUrl;
  }

  /** Cognito access tokens carry no `aud`: API Gateway checks their `client_id` against these. */
  get audiences(): string[] {
    return [this.consoleClient, ...Object.values(this.platformClients), ...Object.values(this.scimClients)].map(
      (c) => c.userPoolClientId,
    );
  }
}

export { AdminUserPool, PLATFORM_CLIENTS, LOCAL_CONSOLE_URL, scimClientId };
export type { AdminUserPoolProps, PlatformClient };
