/**
 * Faults DynamoDB Local cannot produce, injected through AWS SDK middleware: a transaction lost to a
 * concurrent one (`TransactionCanceledException` with a `TransactionConflict` reason, or
 * `TransactionConflictException` for a single-item write), throttling (`ThrottlingException` /
 * `ProvisionedThroughputExceededException`) and added latency.
 *
 * The fault is an HTTP response shaped like DynamoDB's own (status 400, awsJson 1.0 body), handed to the
 * SDK's real deserializer in place of the emulator's answer; the request never reaches the emulator, so a
 * faulted write writes nothing. The middleware sits below the SDK's retry middleware: the SDK retries a
 * throttled call exactly as it would against DynamoDB, and every retry is a new draw.
 */
import type {
  DeserializeHandlerArguments,
  DeserializeHandlerOutput,
  DeserializeMiddleware,
  MiddlewareStack,
} from '@aws-sdk/types';

/** DynamoDB operations (the `X-Amz-Target` action) that write. */
const WRITE_OPERATIONS: readonly string[] = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
];
/**
 * Writes DynamoDB can refuse for a concurrent transaction on the same item: a TransactWriteItems is
 * cancelled (TransactionCanceledException, reason TransactionConflict), a single-item write fails with
 * TransactionConflictException. (BatchWriteItem reports such items as unprocessed instead: not injected.)
 */
const CONFLICTING_WRITES: readonly string[] = WRITE_OPERATIONS.filter((operation) => operation !== 'BatchWriteItem');

const Fault = {
  TRANSACTION_CONFLICT: 'TransactionConflict',
  THROTTLING: 'ThrottlingException',
  PROVISIONED_THROUGHPUT: 'ProvisionedThroughputExceededException',
} as const;
type Fault = (typeof Fault)[keyof typeof Fault];

type ThrottleError = typeof Fault.THROTTLING | typeof Fault.PROVISIONED_THROUGHPUT;

interface FaultPlan {
  /** Fraction (0–1) of write calls answered as lost to a concurrent transaction. */
  readonly transactionConflict?: number;
  /** Fraction (0–1) of calls (reads and writes) answered with a throttling error. */
  readonly throttle?: number;
  /** Which throttling error; default: alternately ThrottlingException and ProvisionedThroughputExceededException. */
  readonly throttleError?: ThrottleError;
  /** Milliseconds added before every call (every SDK attempt). */
  readonly latencyMs?: number;
  /**
   * Which item of a cancelled transaction the conflict is on: the first (default: the account, a lost race)
   * or the domain's counter item (`COUNT#…`; the store retries those on another shard). A transaction without
   * a counter item is not faulted under `counter`.
   */
  readonly conflictOn?: 'first' | 'counter';
  /** Only these operations are faulted (`GetItem`, `Query`, `TransactWriteItems`, …); default all. */
  readonly operations?: readonly string[];
  /** At most this many conflicts and throttles in all (then calls pass): "the first two writes conflict". */
  readonly times?: number;
  /** The random source of the draws (default Math.random); {@link seededRandom} makes a run repeatable. */
  readonly random?: () => number;
}

interface OperationStats {
  calls: number;
  conflicts: number;
  throttles: number;
}

interface FaultStats {
  /** Calls the plan applied to (every SDK attempt counts; none while the plan injects nothing). */
  calls: number;
  conflicts: number;
  throttles: number;
  /** Calls that were delayed. */
  delayed: number;
  readonly byOperation: Record<string, OperationStats>;
}

interface FaultInjector {
  readonly stats: FaultStats;
  /** Replaces the plan (takes effect on the next call, its `times` counted afresh); `{}` injects nothing. */
  set(plan: FaultPlan): void;
  /** Zeroes the counters. */
  reset(): void;
  /** Takes the middleware off the client. */
  remove(): void;
}

/** Anything with the SDK's middleware stack: a DynamoDBClient, or a DynamoDBDocumentClient (which shares its client's). */
interface WithMiddleware {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly middlewareStack: MiddlewareStack<any, any>;
}

/** The middleware's name on the stack: one injector per client. */
const MIDDLEWARE_NAME = 'mblFaultInjection';
const TARGET_PREFIX = 'DynamoDB_20120810.';

interface Request {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** The DynamoDB action of an HTTP request (`X-Amz-Target: DynamoDB_20120810.GetItem`). */
function operationOf(request: Request): string {
  const headers = request.headers ?? {};
  const target = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1] ?? '';
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
}

/** The items of a TransactWriteItems request (its cancellation reasons have one entry each). */
function transactionItems(request: Request): unknown[] {
  try {
    const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
    const items = (JSON.parse(body) as { TransactItems?: unknown[] }).TransactItems;
    return Array.isArray(items) && items.length > 0 ? items : [{}];
  } catch {
    return [{}];
  }
}

/** The index of the domain counter item (`COUNT#…`) of a transaction, -1 if it has none. */
function counterIndex(request: Request): number {
  return transactionItems(request).findIndex((item) => /"PK":\{"S":"COUNT#/.test(JSON.stringify(item)));
}

/** DynamoDB's error body for `fault` on `operation`. */
function errorBody(
  fault: Fault,
  operation: string,
  request: Request,
  conflictAt = 0,
): { type: string; body: Record<string, unknown> } {
  if (fault === Fault.TRANSACTION_CONFLICT) {
    if (operation !== 'TransactWriteItems') {
      return { type: 'TransactionConflictException', body: { message: 'Transaction is ongoing for the item' } };
    }
    const reasons = Array.from({ length: transactionItems(request).length }, (_, i) =>
      i === conflictAt
        ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
        : { Code: 'None' },
    );
    const codes = reasons.map((r) => r.Code).join(', ');
    return {
      type: 'TransactionCanceledException',
      body: {
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
        CancellationReasons: reasons,
      },
    };
  }
  const message =
    fault === Fault.THROTTLING
      ? 'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index.'
      : 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
  return { type: fault, body: { message } };
}

let faultSequence = 0;

/** The HTTP response DynamoDB sends for `fault`: 400 with an awsJson 1.0 error body. */
function faultResponse(
  fault: Fault,
  operation: string,
  request: Request,
  conflictAt = 0,
): DeserializeHandlerOutput<object> {
  const { type, body } = errorBody(fault, operation, request, conflictAt);
  const text = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...body });
  return {
    response: {
      statusCode: 400,
      reason: 'Bad Request',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `FAULT${String(++faultSequence).padStart(12, '0')}`,
        'content-length': String(Buffer.byteLength(text)),
      },
      body: new TextEncoder().encode(text),
    },
    output: undefined as unknown as object,
  };
}

const emptyStats = (): FaultStats => ({ calls: 0, conflicts: 0, throttles: 0, delayed: 0, byOperation: {} });

/**
 * The middleware that injects the faults of the current plan (`plan()` is read on every call) and counts
 * into `stats`. Placed in the deserialize step, below the deserializer (priority low), so the fault is
 * parsed like DynamoDB's own answer and the SDK's retry middleware sees it.
 */
function faultMiddleware(plan: () => FaultPlan, stats: FaultStats): DeserializeMiddleware<object, object> {
  let throttleTurn = 0;
  let planned: FaultPlan | undefined;
  let injected = 0;
  return (next) => async (args: DeserializeHandlerArguments<object>) => {
    const current = plan();
    if (current !== planned) {
      planned = current;
      injected = 0;
    }
    const spent = current.times !== undefined && injected >= current.times;
    const request = args.request as Request;
    const operation = operationOf(request);
    const armed = (current.transactionConflict ?? 0) > 0 || (current.throttle ?? 0) > 0 || (current.latencyMs ?? 0) > 0;
    if (!armed || (current.operations !== undefined && !current.operations.includes(operation))) return next(args);
    const random = current.random ?? Math.random;
    const own = (stats.byOperation[operation] ??= { calls: 0, conflicts: 0, throttles: 0 });
    stats.calls += 1;
    own.calls += 1;
    if ((current.latencyMs ?? 0) > 0) {
      stats.delayed += 1;
      await new Promise((resolve) => setTimeout(resolve, current.latencyMs));
    }
    if (!spent && (current.throttle ?? 0) > 0 && random() < (current.throttle ?? 0)) {
      injected += 1;
      stats.throttles += 1;
      own.throttles += 1;
      const fault =
        current.throttleError ?? (throttleTurn++ % 2 === 0 ? Fault.THROTTLING : Fault.PROVISIONED_THROUGHPUT);
      return faultResponse(fault, operation, request);
    }
    const conflictAt = current.conflictOn === 'counter' ? counterIndex(request) : 0;
    if (
      !spent &&
      (current.transactionConflict ?? 0) > 0 &&
      CONFLICTING_WRITES.includes(operation) &&
      conflictAt >= 0 &&
      random() < (current.transactionConflict ?? 0)
    ) {
      injected += 1;
      stats.conflicts += 1;
      own.conflicts += 1;
      return faultResponse(Fault.TRANSACTION_CONFLICT, operation, request, conflictAt);
    }
    return next(args);
  };
}

/**
 * Adds fault injection to `client` (any client on the same middleware stack is affected: a document client
 * and the DynamoDBClient it wraps share theirs). One injector per client at a time.
 *
 * @example
 * const faults = injectFaults(dynamoDbClient(config), { transactionConflict: 0.05, random: seededRandom(1) });
 * // ... run the code under test ...
 * faults.stats.conflicts // how many writes were answered with a TransactionConflict
 * faults.remove();
 */
function injectFaults(client: WithMiddleware, plan: FaultPlan = {}): FaultInjector {
  let current = plan;
  const stats = emptyStats();
  client.middlewareStack.remove(MIDDLEWARE_NAME);
  client.middlewareStack.add(
    faultMiddleware(() => current, stats),
    { step: 'deserialize', priority: 'low', name: MIDDLEWARE_NAME, override: true },
  );
  return {
    stats,
    set: (next) => void (current = next),
    reset: () => {
      Object.assign(stats, { calls: 0, conflicts: 0, throttles: 0, delayed: 0 });
      for (const operation of Object.keys(stats.byOperation)) delete stats.byOperation[operation];
    },
    remove: () => void client.middlewareStack.remove(MIDDLEWARE_NAME),
  };
}

/**
 * A repeatable random source in [0, 1) (mulberry32).
 *
 * @example
 * const random = seededRandom(42);
 * random() // the same sequence on every run
 */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export { Fault, WRITE_OPERATIONS, faultMiddleware, injectFaults, seededRandom };
export type { FaultInjector, FaultPlan, FaultStats, OperationStats, ThrottleError, WithMiddleware };
