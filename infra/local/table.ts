/**
 * Creates and deletes the table on DynamoDB Local (the local stack and tests), built only from TABLE in
 * shared/store/table.ts — the same definition the CDK data stack deploys.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE, type KeyAttribute, type TableDefinition } from '../../shared/store/table';

/** Either client: a document client sends the table commands through the DynamoDBClient it wraps. */
type AnyClient = DynamoDBClient | DynamoDBDocumentClient;

const raw = (client: AnyClient): DynamoDBClient => client as DynamoDBClient;

const POLL_MS = 50;

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;
const ACTIVE_TIMEOUT_MS = 60_000;
const INDEX_TIMEOUT_MS = 300_000;

const keySchema = (partitionKey: KeyAttribute, sortKey: KeyAttribute): CreateTableCommandInput['KeySchema'] => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  { AttributeName: sortKey.name, KeyType: 'RANGE' },
];

/** The CreateTable input for `definition` (every key attribute declared once). */
function createTableInput(tableName: string, definition: TableDefinition = TABLE): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  for (const key of [
    definition.partitionKey,
    definition.sortKey,
    ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    GlobalSecondaryIndexes: definition.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: index.projection },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
  };
}

async function waitUntilActive(client: AnyClient, tableName: string, timeoutMs = ACTIVE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table: table } = await raw(client).send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Creates `tableName` from TABLE (on-demand, GSIs, stream, TTL) and waits until it is ACTIVE.
 *
 * @example
 * await createTable(documentClient(config), config.tableName);
 */
async function createTable(client: AnyClient, tableName: string): Promise<void> {
  await raw(client).send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilActive(client, tableName);
  await raw(client).send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    }),
  );
}

/** Deletes `tableName`; a table that does not exist is not an error. */
async function deleteTable(client: AnyClient, tableName: string): Promise<void> {
  try {
    await raw(client).send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!isNamed(error, 'ResourceNotFoundException')) throw error;
  }
}

/**
 * Adds the indexes of TABLE that `tableName` lacks (a table persisted by an earlier version), one at a time
 * as DynamoDB requires; the names of those added.
 */
async function addMissingIndexes(client: AnyClient, tableName: string): Promise<string[]> {
  const { Table: table } = await raw(client).send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const input = createTableInput(tableName);
  const added: string[] = [];
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (index.IndexName === undefined || present.has(index.IndexName)) continue;
    await raw(client).send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    // DynamoDB Local builds a new index in the background; on a busy machine that can take a while.
    await waitUntilActive(client, tableName, INDEX_TIMEOUT_MS);
    added.push(index.IndexName);
  }
  return added;
}

/**
 * Creates `tableName` unless it exists (a persisted local database keeps its table), adding any index it
 * lacks; true if created.
 */
async function ensureTable(client: AnyClient, tableName: string): Promise<boolean> {
  try {
    await raw(client).send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!isNamed(error, 'ResourceNotFoundException')) throw error;
    await createTable(client, tableName);
    return true;
  }
  await addMissingIndexes(client, tableName);
  return false;
}

export { addMissingIndexes, createTable, deleteTable, ensureTable, createTableInput };
