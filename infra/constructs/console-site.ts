/**
 * The admin console in the cloud (SPEC §9): the built single-page app in a private S3 bucket, served by
 * CloudFront through origin access control (no public bucket, no website endpoint), over HTTPS only,
 * with security headers (a strict Content-Security-Policy, HSTS, no framing, no sniffing). The API is
 * reached on the same origin: CloudFront sends the API's paths (the first segments of ROUTES) to the HTTP
 * API, uncached, so the console needs no CORS at all. `config.json` names the API URL (this origin), the
 * OpenID Connect issuer and the client id the console signs in with (Authorization Code with PKCE).
 *
 * The console is built at synth (Vite, like NodejsFunction's local esbuild bundling), from console/.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  CacheHeaderBehavior,
  CacheQueryStringBehavior,
  CacheCookieBehavior,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { ROUTES } from '../../shared/http/routes';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSOLE_DIR = resolve(REPO_ROOT, 'console');

interface ConsoleSiteProps {
  /** The HTTP API the console calls (through this distribution, on its origin). */
  readonly api: IHttpApi;
  /** The OpenID Connect issuer (its discovery document is `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  /** The console's client id at the issuer (a public client: PKCE, no secret). */
  readonly clientId: string;
  /** The scopes the console asks for. */
  readonly scope?: string;
  /**
   * The origins the browser talks to while signing in (the issuer's, and its token endpoint's when that
   * lives elsewhere, as Cognito's hosted domain does): the CSP's connect-src. Default: the issuer's origin.
   */
  readonly signInOrigins?: readonly string[];
  /**
   * When the issuer is the stack's Cognito user pool: its hosted domain (`pool.domain.baseUrl()`), written to
   * config.json so that Sign out also ends the user pool's session at its `/logout`.
   */
  readonly cognitoDomain?: string;
  /** Where the built console is taken from instead of building it (tests). */
  readonly assetPath?: string;
}

/** `https://host` of an https URL (a token resolves in CloudFormation). */
function originOf(url: string): string {
  return Fn.join('', ['https://', Fn.select(2, Fn.split('/', url))]);
}

/**
 * The Content-Security-Policy: this origin only, plus the sign-in origins for the OIDC calls; no inline
 * script or style, no framing, no plugins.
 */
function contentSecurityPolicy(signInOrigins: readonly string[]): string {
  return Fn.join('', [
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; ",
    `connect-src 'self' `,
    Fn.join(' ', [...signInOrigins]),
    "; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests",
  ]);
}

/** The API's path patterns for CloudFront: each first segment of ROUTES, alone and with what follows. */
function apiPathPatterns(): string[] {
  const segments = [...new Set(ROUTES.map((route) => route.path.split('/')[1]!))].sort();
  return segments.flatMap((segment) => [`/${segment}`, `/${segment}/*`]);
}

/**
 * The private bucket, the distribution, the security headers, the API behaviours and config.json.
 *
 * @example
 * const site = new ConsoleSite(this, 'Console', { api: api.api, issuer, clientId });
 * site.url // https://d1234.cloudfront.net
 */
class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly logs: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** The console's (and, through it, the API's) public base URL. */
  readonly url: string;
  /** What the deployed config.json says (tokens until deploy). */
  readonly config: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const signInOrigins = props.signInOrigins ?? [originOf(props.issuer)];

    this.logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      // The files are rebuilt from the repository at every deploy.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Mailbox lifecycle console: strict CSP, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(signInOrigins), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    // The API on this origin: never cached (TTL 0), Authorization in the key so CloudFront forwards it,
    // everything else of the request (query, If-Match, Idempotency-Key) passed on.
    const apiCache = new CachePolicy(this, 'ApiNoCache', {
      comment: 'Mailbox lifecycle API through the console distribution: not cached',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      cookieBehavior: CacheCookieBehavior.none(),
    });
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const apiBehavior: BehaviorOptions = {
      origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: apiCache,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.headers,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Mailbox lifecycle admin console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, apiBehavior])),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Administrators sign in from wherever they work; access is decided by OIDC sign-in, not geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The console is static files and the API behind it throttles per route and authenticates every call; ' +
          'a WAF web ACL (us-east-1) can be attached per deployment (docs/deploy.md).',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS ' +
          'policy it fixes; TLSv1.2_2021 applies as soon as a domain and certificate are added.',
      },
    );

    const configJson: Record<string, string> = {
      apiUrl: '',
      issuer: props.issuer,
      clientId: props.clientId,
      scope: props.scope ?? 'openid accounts:admin',
      ...(props.cognitoDomain === undefined ? {} : { cognitoDomain: props.cognitoDomain }),
    };
    this.config = configJson;
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [consoleAsset(props.assetPath), Source.jsonData('config.json', configJson)],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
    });
    // The CDK's deployment handler: one function per stack, beside this construct.
    const stack = Stack.of(this);
    const filesArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*`;
    const handlers = stack.node.findAll().filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const handler of handlers) {
      Validations.of(handler).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "The CDK's BucketDeployment handler writes its logs with the AWS managed basic execution role.",
        },
        ...[
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          'Resource::*',
          `Resource::${filesArn}`,
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        ].map((finding) => ({
          id: `AwsSolutions-IAM5[${finding}]`,
          reason:
            "The CDK's BucketDeployment handler copies the asset's objects into the console bucket and prunes " +
            'old ones (object wildcards on those two buckets only), and invalidates the distribution ' +
            '(cloudfront:CreateInvalidation has no resource-level permission).',
        })),
        { id: 'AwsSolutions-L1', reason: 'The CDK sets the runtime of its BucketDeployment handler.' },
        { id: 'Serverless-LambdaLatestVersion', reason: 'The CDK sets the runtime of its BucketDeployment handler.' },
        {
          id: 'Serverless-LambdaDLQ',
          reason: 'Invoked synchronously by CloudFormation as a custom resource; a failure fails the deploy.',
        },
        { id: 'Serverless-LambdaTracing', reason: 'A deploy-time copy step; it serves no requests to trace.' },
      );
    }
  }
}

/** The built console: console/dist when given, else built by Vite at synth. */
function consoleAsset(assetPath: string | undefined) {
  if (assetPath !== undefined) return Source.asset(assetPath);
  return Source.asset(CONSOLE_DIR, {
    exclude: ['dist', 'node_modules'],
    bundling: {
      // Never pulled: the local build below always runs (Node and Vite are what synth runs on).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(
            'npx',
            [
              'vite',
              'build',
              '--config',
              resolve(CONSOLE_DIR, 'vite.config.ts'),
              '--outDir',
              outputDir,
              '--emptyOutDir',
            ],
            {
              cwd: REPO_ROOT,
              stdio: 'inherit',
              env: { ...process.env, NODE_ENV: 'production' },
            },
          );
          return true;
        },
      },
    },
  });
}

export { ConsoleSite, apiPathPatterns, contentSecurityPolicy };
export type { ConsoleSiteProps };
