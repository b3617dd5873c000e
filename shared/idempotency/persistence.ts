/**
 * Powertools idempotency records on the service's single table. Each key is its own partition
 * (`IDEMPOTENCY#<hashed key>`, SK `IDEMPOTENCY`): no hot static partition. A key is claimed with one
 * conditional PutItem that returns the existing record on failure (ReturnValuesOnConditionCheckFailure
 * ALL_OLD), as Powertools' own DynamoDB layer does — no second read. Records expire through the table's
 * TTL attribute.
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
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
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

type Item = Record<string, unknown>;

/** The item key of a hashed idempotency key. */
function idempotencyKey(hashedKey: string): { PK: string; SK: string } {
  return { PK: `${PK_PREFIX}${hashedKey}`, SK };
}

function toRecord(hashedKey: string, item: Item): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: hashedKey,
    status: item[Attr.STATUS] as IdempotencyRecord['status'],
    expiryTimestamp: item[Attr.EXPIRES_AT] as number | undefined,
    inProgressExpiryTimestamp: item[Attr.IN_PROGRESS_EXPIRES_AT] as number | undefined,
    responseData: item[Attr.RESPONSE] as IdempotencyRecord['responseData'],
    payloadHash: item[Attr.PAYLOAD_HASH] as string | undefined,
  });
}

/**
 * The persistence layer for `makeHandlerIdempotent`, on the table `tableName` through the process's
 * document client.
 *
 * @example
 * const persistenceStore = new TablePersistenceLayer(documentClient(config), config.tableName);
 */
class TablePersistenceLayer extends BasePersistenceLayer {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    super();
    this.#client = client;
    this.#tableName = tableName;
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...idempotencyKey(record.idempotencyKey),
            [Attr.STATUS]: record.getStatus(),
            [Attr.EXPIRES_AT]: record.expiryTimestamp,
            [Attr.IN_PROGRESS_EXPIRES_AT]: record.inProgressExpiryTimestamp,
            [Attr.PAYLOAD_HASH]: record.payloadHash,
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
            ':inProgress': IdempotencyRecordStatus.INPROGRESS,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item === undefined ? undefined : toRecord(record.idempotencyKey, unmarshall(error.Item));
      throw new IdempotencyItemAlreadyExistsError(`the idempotency key ${record.idempotencyKey} is taken`, existing);
    }
  }

  protected override async _getRecord(hashedKey: string): Promise<IdempotencyRecord> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: idempotencyKey(hashedKey), ConsistentRead: true }),
    );
    if (Item === undefined) throw new IdempotencyItemNotFoundError();
    return toRecord(hashedKey, Item);
  }

  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: idempotencyKey(record.idempotencyKey),
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
          ':status': record.getStatus(),
          ':expires': record.expiryTimestamp,
          ':response': record.responseData ?? null,
          ':hash': record.payloadHash ?? '',
        },
      }),
    );
  }

  protected override async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.#client.send(
      new DeleteCommand({ TableName: this.#tableName, Key: idempotencyKey(record.idempotencyKey) }),
    );
  }
}

export { idempotencyKey, TablePersistenceLayer };
