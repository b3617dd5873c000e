/**
 * Every AWS SDK client has a connection and a request timeout (SPEC §7): against a server that accepts
 * connections and never answers, a call fails within its timeouts instead of hanging.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths';
import { awsClientConfig, DYNAMODB_TIMEOUTS, dynamoDbTimeouts, MAX_ATTEMPTS } from '../../../shared/aws/clients';
import { dynamoDbClient } from '../../../shared/store/client';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let server: Server;
let endpoint: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  // Accepts every connection and never answers: a hung connection.
  server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Milliseconds until `call` rejects (it must reject). */
async function timeToFail(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await expect(call()).rejects.toThrow();
  return performance.now() - started;
}

describe('AWS SDK clients', () => {
  it("the store's DynamoDB client has DYNAMODB_TIMEOUTS against the real service, longer ones against DynamoDB Local", async () => {
    // Act
    const cloud = await dynamoDbClient({ region: 'eu-west-2', dynamodbEndpoint: undefined }).config.requestHandler;
    const local = await dynamoDbClient({ region: 'eu-west-2', dynamodbEndpoint: endpoint }).config.requestHandler;

    // Assess: the handler the SDK built from the shorthand, with its options
    const options = async (handler: unknown) =>
      (handler as { configProvider: Promise<Record<string, unknown>> }).configProvider;
    expect(await options(cloud)).toMatchObject({ ...DYNAMODB_TIMEOUTS, throwOnRequestTimeout: true });
    expect(await options(local)).toMatchObject({ ...dynamoDbTimeouts(endpoint), throwOnRequestTimeout: true });
  });

  it('a DynamoDB client with DYNAMODB_TIMEOUTS gives up on a hung connection within them', async () => {
    // Prepare
    const client = new DynamoDBClient({
      ...awsClientConfig({ region: 'eu-west-2', endpoint }, DYNAMODB_TIMEOUTS),
      credentials: CREDENTIALS,
    });

    // Act
    const elapsed = await timeToFail(() =>
      client.send(new GetItemCommand({ TableName: 't', Key: { PK: { S: 'a' }, SK: { S: 'b' } } })),
    );

    // Assess: every attempt times out (plus the SDK's backoff between them), far under 15 s.
    expect(elapsed).toBeGreaterThanOrEqual(DYNAMODB_TIMEOUTS.requestTimeout * MAX_ATTEMPTS * 0.9);
    expect(elapsed).toBeLessThan(DYNAMODB_TIMEOUTS.requestTimeout * MAX_ATTEMPTS + 3_000);
  }, 30_000);

  it.each([
    ['SNS', () => new SNSClient(config()).send(new ListTopicsCommand({}))],
    ['SQS', () => new SQSClient(config()).send(new ListQueuesCommand({}))],
    ['EventBridge', () => new EventBridgeClient(config()).send(new ListEventBusesCommand({}))],
    ['Lambda', () => new LambdaClient(config()).send(new ListFunctionsCommand({}))],
    ['Secrets Manager', () => new SecretsManagerClient(config()).send(new ListSecretsCommand({}))],
  ])(
    '%s honours the timeouts of awsClientConfig',
    async (_, call) => {
      const elapsed = await timeToFail(call);

      expect(elapsed).toBeLessThan(SHORT.requestTimeout * MAX_ATTEMPTS + 3_000);
    },
    20_000,
  );

  it('are all built with awsClientConfig: no client of shared/ or functions/ goes without timeouts', () => {
    // Prepare
    const files = ['shared', 'functions'].flatMap((dir) =>
      (readdirSync(join(REPO_ROOT, dir), { recursive: true }) as string[])
        .filter((file) => file.endsWith('.ts'))
        .map((file) => join(REPO_ROOT, dir, file)),
    );

    // Act
    const constructions = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new (\w+Client)\(([^)]*)/g)].map((m) => ({
        where: `${relative(REPO_ROOT, file)}: new ${m[1]}(${m[2]}`,
        args: m[2] ?? '',
      })),
    );

    // Assess
    expect(constructions.length).toBeGreaterThanOrEqual(6);
    for (const { where, args } of constructions) {
      expect(args, where).toContain('awsClientConfig(');
    }
  });
});

/** Short timeouts, so the test does not wait 5 s an attempt. */
const SHORT = { connectionTimeout: 200, requestTimeout: 200 } as const;
const config = () => ({ ...awsClientConfig({ region: 'eu-west-2', endpoint }, SHORT), credentials: CREDENTIALS });
