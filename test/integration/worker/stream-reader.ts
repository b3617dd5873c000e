/**
 * Reads a test table's real DynamoDB Local stream, as Lambda would receive its records: everything
 * written since the previous read, in order, in Lambda's record shape (the local poller's conversion).
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { toLambdaRecord } from '../../../infra/local/stream-poller';
import type { Config } from '../../../shared/config';
import { dynamoDbClient } from '../../../shared/store/client';

interface StreamReader {
  /** The records written since the last call (all of them on the first call). */
  next(): Promise<DynamoDBRecord[]>;
}

/**
 * A reader of `tableName`'s stream from its beginning.
 *
 * @example
 * const stream = await streamReader(config);
 * await doSomething();
 * const records = await stream.next();
 */
async function streamReader(config: Config): Promise<StreamReader> {
  const { Table } = await dynamoDbClient(config).send(new DescribeTableCommand({ TableName: config.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${config.tableName} has no stream`);
  const client = new DynamoDBStreamsClient({
    region: config.region,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const iterators = new Map<string, string | undefined>();

  async function shardIds(): Promise<string[]> {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    return (StreamDescription?.Shards ?? []).flatMap((s) => (s.ShardId ? [s.ShardId] : []));
  }

  return {
    async next() {
      const records: DynamoDBRecord[] = [];
      for (const shardId of await shardIds()) {
        if (!iterators.has(shardId)) {
          const { ShardIterator } = await client.send(
            new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
          );
          iterators.set(shardId, ShardIterator);
        }
        for (let iterator = iterators.get(shardId); iterator !== undefined;) {
          const result = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
          records.push(...(result.Records ?? []).map((r) => toLambdaRecord(r, streamArn, config.region)));
          iterators.set(shardId, result.NextShardIterator);
          if ((result.Records ?? []).length === 0) break;
          iterator = result.NextShardIterator;
        }
      }
      return records.sort((a, b) =>
        BigInt(a.dynamodb?.SequenceNumber ?? 0) < BigInt(b.dynamodb?.SequenceNumber ?? 0) ? -1 : 1,
      );
    },
  };
}

export { streamReader };
export type { StreamReader };
