/**
 * A fresh table on the run's DynamoDB Local for each test file (or test): the config, store and client
 * that point at it, and the environment variables that make loadConfig() point at it too.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createTable } from '../../infra/local/table';
import { loadConfig, type Config } from '../../shared/config';
import { documentClient } from '../../shared/store/client';
import { createStore } from '../../shared/store/dynamo-store';
import type { HistoryEntry } from '../../shared/domain/account';
import type { AdminStore } from '../../shared/store/admin-port';
import type { AccountStore } from '../../shared/store/port';

interface FreshTable {
  readonly config: Config;
  readonly store: AccountStore & AdminStore;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** TABLE_NAME, DYNAMODB_ENDPOINT, AWS_REGION, dummy AWS credentials, plus the overrides. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Creates a new, uniquely named table on the shared DynamoDB Local.
 *
 * @example
 * const { store, env } = await freshTable({ INACTIVITY_DAYS: '7' });
 * Object.assign(process.env, env);
 */
async function freshTable(overrides: Partial<Record<string, string>> = {}): Promise<FreshTable> {
  const tableName = `test-${randomUUID()}`;
  const env: Record<string, string> = {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value !== undefined) env[name] = value;
  }
  const config = loadConfig(env);
  const client = documentClient(config);
  await createTable(client, tableName);
  return { config, store: createStore(config), client, tableName, env };
}

/** Every history entry of an account, oldest first, across all pages. */
async function allHistory(store: AccountStore, accountId: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.history(accountId, 100, cursor);
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return entries.reverse();
}

export { allHistory, freshTable };
export type { FreshTable };
