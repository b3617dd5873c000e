/**
 * The one way this app makes a Lambda function: a NodejsFunction with the runtime, architecture, tracing,
 * log group, role and bundling fixed, so every function is built and observed the same way.
 */
import { fileURLToPath } from 'node:url';
import { RemovalPolicy, Validations, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, Runtime, Tracing, type RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LAZY_MODULES, type LazyModule } from '../../shared/lazy-modules';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/observability';

/** The repository root: entries are given relative to it (as shared/http/routes.ts declares them). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * ESM output still meets CommonJS dependencies that call `require` (some of the AWS SDK's do):
 * give the bundle a real `require`.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The esbuild target and package fields of every bundle: the function's own and its lazy modules'. */
const TARGET = 'node24';
const MAIN_FIELDS = ['module', 'main'];

/**
 * The shell command that bundles `lazy` beside the function's index.mjs, with the options the function's own
 * bundle has (run by NodejsFunction after it bundled the function, from the repository root).
 */
function lazyBundleCommand(lazy: LazyModule, inputDir: string, outputDir: string): string {
  const quote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;
  return [
    quote(`${inputDir}/node_modules/.bin/esbuild`),
    quote(`${inputDir}/${lazy.entry}`),
    '--bundle --platform=node --format=esm --minify --sourcemap --sources-content=false --log-level=warning',
    `--target=${TARGET}`,
    `--main-fields=${MAIN_FIELDS.join(',')}`,
    quote(`--banner:js=${ESM_REQUIRE_BANNER}`),
    quote(`--outfile=${outputDir}/${lazy.file}`),
  ].join(' ');
}

interface LambdaFunctionProps {
  /** The handler's entry file, relative to the repository root (it exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** An explicit name, when something must know it before the function exists (e.g. to invoke itself). */
  readonly functionName?: string;
  /** Where failed asynchronous invocations go (functions invoked asynchronously only). */
  readonly deadLetterQueue?: IQueue;
  readonly recursiveLoop?: RecursiveLoop;
  readonly logRetention?: RetentionDays;
  /** Concurrent executions set aside for this function alone (and the most it may use). */
  readonly reservedConcurrentExecutions?: number;
}

/** The alias every caller invokes; a deployment shifts it to the new version gradually (infra/constructs/rollout.ts). */
const LIVE_ALIAS = 'live';

/** A cdk-nag acknowledgement: the rule (or `Rule[finding]`) and why it does not apply. */
interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * A NodejsFunction on Node.js 24 / arm64 with active tracing, its own log group (with retention), a role
 * that can write to that log group and nothing else until granted, and a self-contained ESM bundle (the AWS
 * SDK bundled in, minified, with source maps). What the entry loads only when first needed
 * (shared/lazy-modules.ts) is bundled as files of their own beside index.mjs.
 *
 * @example
 * const fn = new LambdaFunction(this, 'Access', {
 *   entry: 'functions/http/access.ts', description: 'GET /access', timeout: Duration.seconds(10),
 *   memorySize: 1024, environment: { TABLE_NAME: table.tableName },
 * });
 */
class LambdaFunction extends NodejsFunction {
  /** The function's own log group (also `logGroup`, typed as the interface there). */
  readonly functionLogGroup: LogGroup;
  readonly serviceRole: Role;
  /**
   * The `live` alias on the current version: what API Gateway, event sources, schedules and triggers invoke,
   * so a deployment can shift traffic to a new version by degrees and back.
   */
  readonly live: Alias;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs outlive the stateless stack on purpose: they may be needed after a teardown; retention ends them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An own role instead of the default one: the default attaches AWSLambdaBasicExecutionRole, which may
    // write to every log group in the account. This one may write to its own log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    logGroup.grantWrite(role);
    const lazyModules = LAZY_MODULES[props.entry] ?? [];
    super(scope, id, {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      description: props.description,
      functionName: props.functionName,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      deadLetterQueue: props.deadLetterQueue,
      recursiveLoop: props.recursiveLoop,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        // Powertools service name and metrics namespace, the same for every function (see docs/runbook.md).
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Events and responses hold tokens, emails and request bodies: never log or trace them whole.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: TARGET,
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Bundle everything, the AWS SDK included: one self-contained file (and its lazy modules), no
        // dependency on the SDK version the runtime happens to ship.
        externalModules: lazyModules.map((lazy) => `./${lazy.file}`),
        bundleAwsSDK: true,
        define: Object.fromEntries(
          lazyModules.map((lazy) => [`process.env.${lazy.variable}`, JSON.stringify(`./${lazy.file}`)]),
        ),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) =>
            lazyModules.map((lazy) => lazyBundleCommand(lazy, inputDir, outputDir)),
        },
      },
    });
    this.functionLogGroup = logGroup;
    this.serviceRole = role;
    this.live = new Alias(scope, `${id}Live`, { aliasName: LIVE_ALIAS, version: this.currentVersion });
    this.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level ' +
        'permissions; a stream consumer also needs dynamodb:ListStreams, which has none either. Every other ' +
        'statement names its resources.',
    });
  }

  /** Adds a statement to this function's role (the role's default policy). */
  allow(statement: PolicyStatement): void {
    this.serviceRole.addToPrincipalPolicy(statement);
  }

  /** Acknowledges a cdk-nag finding on the function, its role and its log group, with the reason. */
  acknowledge(...acknowledgements: readonly Acknowledgement[]): void {
    for (const scope of [this, this.serviceRole, this.functionLogGroup]) {
      Validations.of(scope).acknowledge(...acknowledgements);
    }
  }
}

export { LambdaFunction, REPO_ROOT, LIVE_ALIAS, lazyBundleCommand };
export type { LambdaFunctionProps, Acknowledgement };
