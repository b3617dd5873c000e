/**
 * One DynamoDB client per process (per endpoint and region): Lambda reuses it across invocations, and the
 * local stack and tests share it. Imports only the two DynamoDB packages to keep cold starts small.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, dynamoDbTimeouts } from '../aws/clients';
import type { Config } from '../config';

type ClientConfig = Pick<Config, 'region' | 'dynamodbEndpoint'>;

/** DynamoDB Local (run with -sharedDb) accepts any credentials; these stand in when the environment has none. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

interface Clients {
  readonly base: DynamoDBClient;
  readonly document: DynamoDBDocumentClient;
}

const clients = new Map<string, Clients>();

function build(config: ClientConfig): Clients {
  const endpoint = config.dynamodbEndpoint;
  const useLocalCredentials = endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID;
  const base = new DynamoDBClient({
    ...awsClientConfig({ region: config.region, endpoint }, dynamoDbTimeouts(endpoint)),
    ...(useLocalCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
  const document = DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  return { base, document };
}

function clientsFor(config: ClientConfig): Clients {
  const key = `${config.region}|${config.dynamodbEndpoint ?? ''}`;
  let found = clients.get(key);
  if (found === undefined) {
    found = build(config);
    clients.set(key, found);
  }
  return found;
}

/**
 * The process-wide document client for `config` (its endpoint override and region).
 *
 * @example
 * const client = documentClient(loadConfig());
 * await client.send(new GetCommand({ TableName, Key }));
 */
function documentClient(config: ClientConfig): DynamoDBDocumentClient {
  return clientsFor(config).document;
}

/** The low-level client under {@link documentClient} (same connections), for APIs that want a DynamoDBClient. */
function dynamoDbClient(config: ClientConfig): DynamoDBClient {
  return clientsFor(config).base;
}

export { documentClient, dynamoDbClient, LOCAL_CREDENTIALS };
export type { ClientConfig };
