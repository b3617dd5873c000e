/**
 * What this service uses of the SNS SDK, for a dynamic `import()` (the alert publisher loads it when the first
 * alert goes out). A dynamically imported module is bundled whole, so it imports the client and the one
 * command from their own files rather than the package index (which re-exports every command): the package
 * has no `exports` map, and its types are the package's own.
 */
import type * as Sdk from '@aws-sdk/client-sns';
// @ts-expect-error -- dist-es files ship without declarations; typed below as the package's exports.
import { PublishCommand as Command } from '@aws-sdk/client-sns/dist-es/commands/PublishCommand.js';
// @ts-expect-error -- as above.
import { SNSClient as Client } from '@aws-sdk/client-sns/dist-es/SNSClient.js';

const SNSClient = Client as typeof Sdk.SNSClient;
const PublishCommand = Command as typeof Sdk.PublishCommand;

export { PublishCommand, SNSClient };
