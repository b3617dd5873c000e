/**
 * What this service uses of the Lambda SDK, for a dynamic `import()` (a sweep loads it to continue in a fresh
 * invocation). Imported from their own files, not the package index: see shared/aws/sns.ts.
 */
import type * as Sdk from '@aws-sdk/client-lambda';
// @ts-expect-error -- dist-es files ship without declarations; typed below as the package's exports.
import { InvokeCommand as Command } from '@aws-sdk/client-lambda/dist-es/commands/InvokeCommand.js';
// @ts-expect-error -- as above.
import { LambdaClient as Client } from '@aws-sdk/client-lambda/dist-es/LambdaClient.js';

const LambdaClient = Client as typeof Sdk.LambdaClient;
const InvokeCommand = Command as typeof Sdk.InvokeCommand;

export { InvokeCommand, LambdaClient };
