/**
 * Counting what a piece of code reads from DynamoDB, from the responses themselves (DynamoDB Local
 * misreports consumed capacity): a Query or Scan counts its `ScannedCount` (items evaluated, before any
 * filter), a GetItem 1, a BatchGetItem or TransactGetItems the items it returned. Writes are counted too.
 */
import type { InitializeHandlerArguments, InitializeMiddleware } from '@aws-sdk/types';
import type { WithMiddleware } from '../helpers/faults';

interface ReadCounts {
  /** Items read, as defined above. */
  itemsRead: number;
  queries: number;
  gets: number;
  batchGets: number;
  /** Should stay 0: a sweep never scans. */
  scans: number;
  /** Calls that write (PutItem, UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem). */
  writes: number;
  calls: number;
}

interface ReadCounter {
  readonly counts: ReadCounts;
  /** Counting on or off (on at first). */
  enabled: boolean;
  reset(): void;
  remove(): void;
}

const MIDDLEWARE_NAME = 'mblBenchReadCounter';
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

const zero = (): ReadCounts => ({ itemsRead: 0, queries: 0, gets: 0, batchGets: 0, scans: 0, writes: 0, calls: 0 });

type Output = {
  ScannedCount?: number;
  Count?: number;
  Responses?: Record<string, unknown[]> | unknown[];
};

function count(counts: ReadCounts, command: string, output: Output): void {
  counts.calls += 1;
  switch (command) {
    case 'QueryCommand':
      counts.queries += 1;
      counts.itemsRead += output.ScannedCount ?? output.Count ?? 0;
      return;
    case 'ScanCommand':
      counts.scans += 1;
      counts.itemsRead += output.ScannedCount ?? output.Count ?? 0;
      return;
    case 'GetItemCommand':
      counts.gets += 1;
      counts.itemsRead += 1;
      return;
    case 'BatchGetItemCommand':
    case 'TransactGetItemsCommand': {
      counts.batchGets += 1;
      const responses = output.Responses ?? [];
      counts.itemsRead += Array.isArray(responses)
        ? responses.length
        : Object.values(responses).reduce((n, items) => n + items.length, 0);
      return;
    }
    default:
      if (WRITES.has(command)) counts.writes += 1;
  }
}

/**
 * Adds the counter to `client` (a document client and its DynamoDBClient share one middleware stack).
 *
 * @example
 * const counter = countReads(dynamoDbClient(config));
 * await runSweep(...);
 * counter.counts.itemsRead
 */
function countReads(client: WithMiddleware): ReadCounter {
  const counts = zero();
  const counter: ReadCounter = {
    counts,
    enabled: true,
    reset: () => void Object.assign(counts, zero()),
    remove: () => void client.middlewareStack.remove(MIDDLEWARE_NAME),
  };
  const middleware: InitializeMiddleware<object, object> =
    (next, context) => async (args: InitializeHandlerArguments<object>) => {
      const result = await next(args);
      if (counter.enabled) count(counts, context.commandName ?? '', result.output as Output);
      return result;
    };
  client.middlewareStack.remove(MIDDLEWARE_NAME);
  client.middlewareStack.add(middleware, {
    step: 'initialize',
    priority: 'high',
    name: MIDDLEWARE_NAME,
    override: true,
  });
  return counter;
}

export { countReads };
export type { ReadCounter, ReadCounts };
