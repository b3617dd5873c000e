import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../../infra/local/dynamodb-local';
import { createTableInput, deleteTable, ensureTable } from '../../../infra/local/table';
import { loadConfig } from '../../../shared/config';
import { dynamoDbClient } from '../../../shared/store/client';
import { TABLE } from '../../../shared/store/table';
import { freshTable } from '../../helpers/dynamo';

describe('the local table', () => {
  it('is built from TABLE: keys, every index projecting all, the stream and TTL', async () => {
    const { client, tableName } = await freshTable();

    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));

    expect(table?.KeySchema?.map((k) => k.AttributeName)).toEqual([TABLE.partitionKey.name, TABLE.sortKey.name]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(ttl).toMatchObject({ AttributeName: TABLE.ttlAttribute, TimeToLiveStatus: 'ENABLED' });
    const indexes = (table?.GlobalSecondaryIndexes ?? []).map((i) => ({
      name: i.IndexName,
      keys: i.KeySchema?.map((k) => k.AttributeName),
      projection: i.Projection?.ProjectionType,
    }));
    expect(indexes.sort((x, y) => (x.name ?? '').localeCompare(y.name ?? ''))).toEqual(
      TABLE.indexes
        .map((i) => ({ name: i.name, keys: [i.partitionKey.name, i.sortKey.name], projection: 'ALL' }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    );
  });

  it('ensureTable creates a missing table once; deleteTable tolerates a missing one', async () => {
    const { client, tableName } = await freshTable();

    expect(await ensureTable(client, tableName)).toBe(false);
    await deleteTable(client, tableName);
    await deleteTable(client, tableName);
    expect(await ensureTable(client, tableName)).toBe(true);
    expect((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus).toBe('ACTIVE');
  });

  // On an emulator of its own, as `npm start --persist` runs one: the suite's shared emulator, busy with
  // every other test file, can leave a new index CREATING for minutes.
  it('ensureTable adds the indexes a table persisted by an earlier version lacks', { timeout: 180_000 }, async () => {
    // Prepare: a table as a version without the per-domain leaver index made it.
    const local = await startDynamoDbLocal();
    try {
      const client = dynamoDbClient(
        loadConfig({ DYNAMODB_ENDPOINT: local.endpoint, AWS_REGION: 'eu-west-2', TABLE_NAME: 'old' }),
      );
      const old = createTableInput('old', {
        ...TABLE,
        indexes: TABLE.indexes.filter((i) => i.name !== 'domainLeaver'),
      });
      await client.send(new CreateTableCommand(old));

      // Act
      const created = await ensureTable(client, 'old');

      // Assess
      const { Table: table } = await client.send(new DescribeTableCommand({ TableName: 'old' }));
      expect(created).toBe(false);
      expect((table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        TABLE.indexes.map((i) => i.name).sort(),
      );
      expect(table?.GlobalSecondaryIndexes?.every((i) => i.IndexStatus === 'ACTIVE')).toBe(true);
    } finally {
      await local.stop();
    }
  });
});
