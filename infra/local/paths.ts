/**
 * Where the local stack keeps its state: `.local/` at the repository root, or `LOCAL_DIR` (tests point it at
 * a temporary directory). `npm start` writes it; `npm run token` and `npm run sweep` read it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above infra/local/). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface LocalPaths {
  readonly dir: string;
  /** The private signing key of the local token issuer, as a JWK (mode 0600). */
  readonly signingKey: string;
  /** `{apiUrl, dynamodbEndpoint, tableName, env}` while a stack runs. */
  readonly stackFile: string;
  readonly alertsFile: string;
  readonly eventsFile: string;
  /** DynamoDB Local's data with `--persist`. */
  readonly dynamodbDir: string;
  /** With `--persist`: the last stream record delivered per shard, where the next start resumes. */
  readonly streamPositionsFile: string;
}

/**
 * The local directory and the files in it.
 *
 * @example
 * localPaths({ LOCAL_DIR: '/tmp/x' }).stackFile // '/tmp/x/stack.json'
 */
function localPaths(env: Readonly<Record<string, string | undefined>> = process.env, dir?: string): LocalPaths {
  const base = resolve(dir ?? (env.LOCAL_DIR || resolve(REPO_ROOT, '.local')));
  return {
    dir: base,
    signingKey: resolve(base, 'signing-key.json'),
    stackFile: resolve(base, 'stack.json'),
    alertsFile: resolve(base, 'alerts.jsonl'),
    eventsFile: resolve(base, 'events.jsonl'),
    dynamodbDir: resolve(base, 'dynamodb'),
    streamPositionsFile: resolve(base, 'stream-positions.json'),
  };
}

export { localPaths, REPO_ROOT };
export type { LocalPaths };
