/**
 * The integration project's global setup: ONE DynamoDB Local for the whole run (each test file makes its
 * own table on it with freshTable()), provided to the tests as `inject('dynamodbEndpoint')`.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoint of the DynamoDB Local started for this run. */
    dynamodbEndpoint: string;
  }
}

/** Starts DynamoDB Local and returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const local = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', local.endpoint);
  return () => local.stop();
}
