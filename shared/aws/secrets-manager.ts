/**
 * What this service uses of the Secrets Manager SDK, for a dynamic `import()` (the webhook adapter loads it
 * at its first secret read). Imported from their own files, not the package index: see shared/aws/sns.ts.
 */
import type * as Sdk from '@aws-sdk/client-secrets-manager';
// @ts-expect-error -- dist-es files ship without declarations; typed below as the package's exports.
import { GetSecretValueCommand as Command } from '@aws-sdk/client-secrets-manager/dist-es/commands/GetSecretValueCommand.js';
// @ts-expect-error -- as above.
import { SecretsManagerClient as Client } from '@aws-sdk/client-secrets-manager/dist-es/SecretsManagerClient.js';

const SecretsManagerClient = Client as typeof Sdk.SecretsManagerClient;
const GetSecretValueCommand = Command as typeof Sdk.GetSecretValueCommand;

export { GetSecretValueCommand, SecretsManagerClient };
