/**
 * Invoking a Lambda handler in process, as the Lambda runtime would: a fresh context per invocation with a
 * request id, the function's name and a deadline. Handlers are loaded lazily (after the local stack has set
 * process.env, which their configuration reads).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda handler as the entries under functions/ export it (middy handlers are async). */
type LambdaHandler<TEvent = unknown, TResult = unknown> = (event: TEvent, context: Context) => Promise<TResult>;

const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * A Lambda context for one invocation of `functionName`.
 *
 * @example
 * await handler(event, lambdaContext('mailbox-lifecycle-accounts'));
 */
function lambdaContext(
  functionName: string,
  timeoutMs = 30_000,
  region = process.env.AWS_REGION ?? 'eu-west-2',
): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = (): never => {
    throw new Error('the deprecated context callbacks are not supported locally');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/**
 * A handler that imports its module on first use and calls its `handler` export. A failed import is tried
 * again on the next call.
 *
 * @example
 * const worker = lazyHandler(() => import('../../functions/stream/worker'));
 * await worker(event, lambdaContext('mailbox-lifecycle-worker'));
 */
function lazyHandler<TEvent, TResult>(load: () => Promise<{ handler?: unknown }>): LambdaHandler<TEvent, TResult> {
  let loaded: Promise<LambdaHandler<TEvent, TResult>> | undefined;
  return async (event, context) => {
    loaded ??= load().then((module) => {
      if (typeof module.handler !== 'function')
        throw new Error(`${context.functionName}: the module exports no handler`);
      return module.handler as LambdaHandler<TEvent, TResult>;
    });
    const handler = await loaded.catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return handler(event, context);
  };
}

export { LOCAL_ACCOUNT_ID, lambdaContext, lazyHandler };
export type { LambdaHandler };
