/**
 * Where the local stack keeps its state: `.local/` at the repository root, or `LOCAL_DIR` (tests point it at
 * a temporary directory). `npm start` writes it; `npm run token` and `npm run sweep` read it. It is private
 * to its user: the directory 0700, every file 0600 (privateDir).
 */
import { chmod, mkdir, readdir } from 'node:fs/promises';
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
  /**
   * With `--persist`: the last stream record a consumer (`worker`, `events`) was handed per shard, where
   * its next start resumes (one file per consumer: each reads the stream on its own).
   */
  streamPositionsFile(consumer: string): string;
  /** The running stack's pid (`{pid, startedAt}`): a second start on the same directory refuses. */
  readonly lockFile: string;
  /** The worker retries owed (locally), re-armed by the next `--persist` start. */
  readonly retriesFile: string;
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
    streamPositionsFile: (consumer) => resolve(base, `stream-positions.${consumer}.json`),
    lockFile: resolve(base, 'stack.lock'),
    retriesFile: resolve(base, 'retries.json'),
  };
}

/**
 * Creates the local directory (0700) and makes it and everything in it private to its user again (files
 * 0600, directories 0700), whatever an older version or a umask left behind.
 */
async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const walk = async (path: string): Promise<void> => {
    await chmod(path, 0o700);
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = resolve(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) await chmod(child, 0o600);
    }
  };
  await walk(dir);
}

export { localPaths, privateDir, REPO_ROOT };
export type { LocalPaths };
