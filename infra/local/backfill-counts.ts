/**
 * `npm run backfill-counts [-- --cloud] [--segments N]`: the one-off backfill of the domain counts and search
 * tokens (shared/store/backfill.ts). Locally it runs against the running stack (.local/stack.json); with
 * `--cloud` against the table the environment names (TABLE_NAME, AWS_REGION and the usual AWS credentials),
 * e.g. `TABLE_NAME=<the deployed table> AWS_REGION=eu-west-2 npm run backfill-counts -- --cloud`. Prints a
 * JSON summary `{found, counted}` as the last line; running it again counts nothing twice.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config';
import { backfillCounts } from '../../shared/store/backfill';
import { documentClient } from '../../shared/store/client';
import { createStore } from '../../shared/store/dynamo-store';
import { localPaths } from './paths';
import { applyStackEnv, readStackFile } from './stack';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { cloud: { type: 'boolean', default: false }, segments: { type: 'string', default: '1' } },
    strict: true,
  });
  const segments = Number(values.segments);
  if (!Number.isInteger(segments) || segments < 1 || segments > 64) throw new Error('--segments must be 1 to 64');
  if (!values.cloud) {
    const paths = localPaths();
    const stack = await readStackFile(paths);
    if (stack === null)
      throw new Error(`the local stack is not running (no ${paths.stackFile}): start it with npm start`);
    applyStackEnv(stack, paths);
  }
  const config = loadConfig();
  const summary = await backfillCounts({
    store: createStore(config),
    client: documentClient(config),
    tableName: config.tableName,
    segments,
  });
  process.stdout.write(`${JSON.stringify({ table: config.tableName, ...summary })}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(`the backfill failed: ${(error as Error).message}`);
  process.exit(1);
});
