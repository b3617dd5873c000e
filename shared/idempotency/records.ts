/**
 * Idempotency records on the service's single table. Each key is its own partition
 * (`IDEMPOTENCY#<hashed key>`, SK `IDEMPOTENCY`): no hot static partition. A key is claimed with one
 * conditional PutItem that returns the existing record on failure (ReturnValuesOnConditionCheckFailure
 * ALL_OLD), as Powertools' own DynamoDB layer does — no second read. Records expire through the table's
 * TTL attribute. Powertools' persistence layer (./powertools.ts, loaded when first needed) keeps its records
 * here; this module is the only one that knows the table.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TABLE } from '../store/table';

const PK_PREFIX = 'IDEMPOTENCY#';
const SK = 'IDEMPOTENCY';

/** The attributes of an idempotency item besides its key. */
const Attr = {
  STATUS: 'idempotencyStatus',
  /** Epoch seconds: the table's TTL attribute. */
  EXPIRES_AT: TABLE.ttlAttribute,
  /** Epoch milliseconds: a claim whose function died may be taken over after this. */
  IN_PROGRESS_EXPIRES_AT: 'inProgressExpiresAt',
  RESPONSE: 'response',
  PAYLOAD_HASH: 'payloadHash',
} as const;

/** Powertools' status of a claimed key whose request has not finished (IdempotencyRecordStatus.INPROGRESS). */
const IN_PROGRESS = 'INPROGRESS';

/** One idempotency record, as Powertools describes it. */
interface IdempotencyItem {
  readonly hashedKey: string;
  /** Powertools' status: INPROGRESS, COMPLETED or EXPIRED. */
  readonly status: string;
  /** Epoch seconds. */
  readonly expiresAt?: number | undefined;
  /** Epoch milliseconds. */
  readonly inProgressExpiresAt?: number | undefined;
  readonly response?: unknown;
  readonly payloadHash?: string | undefined;
}

/** What claiming a key found: it is ours now, or another record holds it (unread if DynamoDB sent none). */
type Claim = { readonly claimed: true } | { readonly claimed: false; readonly holder: IdempotencyItem | undefined };

interface IdempotencyRecords {
  /** Writes `item` unless a live record holds its key: free, expired, or claimed by a request that died. */
  claim(item: IdempotencyItem): Promise<Claim>;
  /** The record of a key (strongly consistent); undefined when there is none. */
  get(hashedKey: string): Promise<IdempotencyItem | undefined>;
  /** Stores the outcome of a claimed key. */
  complete(item: IdempotencyItem): Promise<void>;
  /** Releases a key. */
  release(hashedKey: string): Promise<void>;
}

/** The item key of a hashed idempotency key. */
function idempotencyKey(hashedKey: string): { PK: string; SK: string } {
  return { PK: `${PK_PREFIX}${hashedKey}`, SK };
}

function toItem(hashedKey: string, item: Record<string, unknown>): IdempotencyItem {
  return {
    hashedKey,
    status: item[Attr.STATUS] as string,
    expiresAt: item[Attr.EXPIRES_AT] as number | undefined,
    inProgressExpiresAt: item[Attr.IN_PROGRESS_EXPIRES_AT] as number | undefined,
    response: item[Attr.RESPONSE],
    payloadHash: item[Attr.PAYLOAD_HASH] as string | undefined,
  };
}

/**
 * The idempotency records of the table `tableName`, through the process's document client.
 *
 * @example
 * const records = idempotencyRecords(documentClient(config), config.tableName);
 */
function idempotencyRecords(client: DynamoDBDocumentClient, tableName: string): IdempotencyRecords {
  return {
    claim: async (item) => {
      const now = Date.now();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...idempotencyKey(item.hashedKey),
              [Attr.STATUS]: item.status,
              [Attr.EXPIRES_AT]: item.expiresAt,
              [Attr.IN_PROGRESS_EXPIRES_AT]: item.inProgressExpiresAt,
              [Attr.PAYLOAD_HASH]: item.payloadHash,
            },
            // Free, expired, or claimed by an invocation that ran out of time.
            ConditionExpression:
              'attribute_not_exists(PK) OR #expires < :now OR (#status = :inProgress AND #inProgressExpires < :nowMs)',
            ExpressionAttributeNames: {
              '#expires': Attr.EXPIRES_AT,
              '#status': Attr.STATUS,
              '#inProgressExpires': Attr.IN_PROGRESS_EXPIRES_AT,
            },
            ExpressionAttributeValues: {
              ':now': Math.floor(now / 1000),
              ':nowMs': now,
              ':inProgress': IN_PROGRESS,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return {
          claimed: false,
          holder: error.Item === undefined ? undefined : toItem(item.hashedKey, unmarshall(error.Item)),
        };
      }
    },
    get: async (hashedKey) => {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: idempotencyKey(hashedKey), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : toItem(hashedKey, Item);
    },
    complete: async (item) => {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: idempotencyKey(item.hashedKey),
          UpdateExpression:
            'SET #status = :status, #expires = :expires, #response = :response, #hash = :hash REMOVE #inProgressExpires',
          ExpressionAttributeNames: {
            '#status': Attr.STATUS,
            '#expires': Attr.EXPIRES_AT,
            '#response': Attr.RESPONSE,
            '#hash': Attr.PAYLOAD_HASH,
            '#inProgressExpires': Attr.IN_PROGRESS_EXPIRES_AT,
          },
          ExpressionAttributeValues: {
            ':status': item.status,
            ':expires': item.expiresAt,
            ':response': item.response ?? null,
            ':hash': item.payloadHash ?? '',
          },
        }),
      );
    },
    release: async (hashedKey) => {
      await client.send(new DeleteCommand({ TableName: tableName, Key: idempotencyKey(hashedKey) }));
    },
  };
}

export { IN_PROGRESS, idempotencyKey, idempotencyRecords };
export type { Claim, IdempotencyItem, IdempotencyRecords };
