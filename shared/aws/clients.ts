/**
 * How every AWS SDK client of this service is configured (SPEC §7): a connection timeout and a request
 * timeout on every call, so a hung connection fails fast and the SDK's retry (3 attempts, with backoff)
 * gets a fresh one — instead of an MTA's access lookup waiting for the function's whole 15 seconds.
 *
 * Pure configuration: no SDK import here, so importing it loads no client.
 */

/** Milliseconds to establish a connection, and to wait for a response once the request is sent. */
interface ClientTimeouts {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
}

/**
 * DynamoDB answers in a few milliseconds: two seconds without an answer is a hung connection. Three attempts
 * keep the worst access decision near 6 seconds instead of the function's 15. (Not shorter: a write whose
 * answer is lost is retried, and a conditional write retried after it did succeed reports a conflict.)
 */
const DYNAMODB_TIMEOUTS: ClientTimeouts = { connectionTimeout: 1_000, requestTimeout: 2_000 };

/** DynamoDB Local (the local stack, tests) on a busy machine takes far longer than the real service. */
const LOCAL_DYNAMODB_TIMEOUTS: ClientTimeouts = { connectionTimeout: 5_000, requestTimeout: 30_000 };

/**
 * The DynamoDB client's timeouts: the real service's, or DynamoDB Local's when an endpoint overrides it.
 *
 * @example
 * dynamoDbTimeouts(undefined) // DYNAMODB_TIMEOUTS
 */
const dynamoDbTimeouts = (endpoint: string | undefined): ClientTimeouts =>
  endpoint === undefined ? DYNAMODB_TIMEOUTS : LOCAL_DYNAMODB_TIMEOUTS;

/** Every other AWS service this service calls (SNS, SQS, EventBridge, Lambda, Secrets Manager). */
const AWS_TIMEOUTS: ClientTimeouts = { connectionTimeout: 1_000, requestTimeout: 5_000 };

/** Attempts per call, the first included (the SDK's default, said here once). */
const MAX_ATTEMPTS = 3;

interface ClientConfig {
  readonly region: string;
  readonly maxAttempts: number;
  /** The SDK's shorthand for its Node.js HTTP handler's options. */
  readonly requestHandler: ClientTimeouts & { readonly throwOnRequestTimeout: true };
  readonly endpoint?: string;
}

/**
 * The configuration to construct an AWS SDK client with.
 *
 * @example
 * new SNSClient(awsClientConfig({ region: config.region }))
 * new DynamoDBClient(awsClientConfig({ region, endpoint }, DYNAMODB_TIMEOUTS))
 */
function awsClientConfig(
  where: { readonly region: string; readonly endpoint?: string | undefined },
  timeouts: ClientTimeouts = AWS_TIMEOUTS,
): ClientConfig {
  return {
    region: where.region,
    maxAttempts: MAX_ATTEMPTS,
    // Without throwOnRequestTimeout the SDK's handler only logs a warning when requestTimeout passes, and
    // the call goes on waiting (@smithy/node-http-handler 4).
    requestHandler: { ...timeouts, throwOnRequestTimeout: true },
    ...(where.endpoint === undefined ? {} : { endpoint: where.endpoint }),
  };
}

export { awsClientConfig, dynamoDbTimeouts, AWS_TIMEOUTS, DYNAMODB_TIMEOUTS, LOCAL_DYNAMODB_TIMEOUTS, MAX_ATTEMPTS };
export type { ClientTimeouts, ClientConfig };
