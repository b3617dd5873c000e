/**
 * The bench's DynamoDB: DynamoDB Local started here (infra/local/dynamodb-local.ts), one table made from
 * TABLE (infra/local/table.ts), the configuration and the process-wide clients that point at it.
 *
 * One table per emulator: DynamoDB Local with streams slows to a crawl (tens of writes a second) when a
 * second table is written after another table with a stream holds tens of thousands of items, so each
 * phase that writes much gets an emulator of its own.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { createTable } from '../../infra/local/table';
import { loadConfig, type Config } from '../../shared/config';
import { documentClient, dynamoDbClient } from '../../shared/store/client';
import type { StoreShape } from './seed';

interface BenchDb {
  readonly endpoint: string;
  readonly tableName: string;
  readonly config: Config;
  /** The environment that points loadConfig() (and so the handlers) at this table. */
  readonly env: Readonly<Record<string, string>>;
  /** The process-wide clients for this endpoint (what the store and the handlers use). */
  readonly document: DynamoDBDocumentClient;
  readonly base: DynamoDBClient;
  readonly shape: StoreShape;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local with one new table.
 *
 * @example
 * const db = await startBenchDb('bench-latency');
 * Object.assign(process.env, db.env);
 */
async function startBenchDb(tableName: string): Promise<BenchDb> {
  const local = await startDynamoDbLocal();
  try {
    const env = {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: local.endpoint,
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const config = loadConfig(env);
    const document = documentClient(config);
    await createTable(document, tableName);
    return {
      endpoint: local.endpoint,
      tableName,
      config,
      env,
      document,
      base: dynamoDbClient(config),
      shape: {
        tableName,
        shards: config.dueShards,
        policy: config.policy,
        historyRetentionDays: config.historyRetentionDays,
      },
      stop: () => local.stop(),
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

export { startBenchDb };
export type { BenchDb };
