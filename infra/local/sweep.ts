/**
 * `npm run sweep -- <inactivity|leaver|retention|lockout|stuck> [--now ISO] [--dry-run] [--max-affected N]`:
 * runs one sweep once against the running local stack (found through .local/stack.json), with the
 * configuration the stack gives its handlers (recorded in stack.json, whatever this shell's environment
 * says), and prints the sweep's JSON summary as the last line.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config';
import { SWEEP_KINDS } from '../../shared/schedules';
import type { SweepKind } from '../../shared/schedules';
import { dynamoDbClient } from '../../shared/store/client';
import { InvalidSweepEventError, type SweepEvent } from '../../shared/sweeps/event';
import { localPaths } from './paths';
import { applyStackEnv, readStackFile, runLocalSweep } from './stack';
import { UsageError } from '../../shared/errors';

const USAGE = `usage: npm run sweep -- <${SWEEP_KINDS.join('|')}> [--now <ISO 8601>] [--dry-run] [--max-affected <N>]`;

class StackNotRunningError extends Error {
  override readonly name = 'StackNotRunningError';
}

const isSweep = (name: string): name is SweepKind => (SWEEP_KINDS as readonly string[]).includes(name);

function request(argv: readonly string[]): { sweep: SweepKind; event: SweepEvent } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      now: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'max-affected': { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [sweep, ...extra] = positionals;
  if (sweep === undefined) throw new UsageError('name the sweep to run');
  if (!isSweep(sweep)) throw new UsageError(`unknown sweep "${sweep}": one of ${SWEEP_KINDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`one sweep at a time (also got ${extra.join(' ')})`);
  const maxAffected = values['max-affected'];
  if (maxAffected !== undefined && !/^\d+$/.test(maxAffected))
    throw new UsageError(`--max-affected must be a whole number, got "${maxAffected}"`);
  return {
    sweep,
    event: {
      ...(values.now === undefined ? {} : { now: values.now }),
      ...(values['dry-run'] ? { dryRun: true } : {}),
      ...(maxAffected === undefined ? {} : { maxAffected: Number(maxAffected) }),
    },
  };
}

async function main(): Promise<void> {
  const { sweep, event } = request(process.argv.slice(2));
  const paths = localPaths();
  const stack = await readStackFile(paths);
  if (stack === null)
    throw new StackNotRunningError(`the local stack is not running (no ${paths.stackFile}): start it with npm start`);
  applyStackEnv(stack, paths);
  const config = loadConfig();
  try {
    await dynamoDbClient(config).send(new ListTablesCommand({ Limit: 1 }), {
      abortSignal: AbortSignal.timeout(3_000),
    });
  } catch {
    throw new StackNotRunningError(
      `the local stack in ${paths.stackFile} does not answer at ${stack.dynamodbEndpoint} (stopped without cleaning up?): start it with npm start`,
    );
  }
  const summary = await runLocalSweep(sweep, event);
  // The summary is the last line; exit once it is written (open SDK sockets would keep the process up).
  process.stdout.write(`${JSON.stringify(summary)}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  const code = String((error as { code?: unknown }).code);
  if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n${USAGE}`);
  } else if (error instanceof StackNotRunningError) {
    console.error(error.message);
  } else if (error instanceof InvalidSweepEventError) {
    console.error(`${error.message}\nNothing was changed.`);
  } else {
    console.error(`the sweep failed: ${(error as Error).stack ?? String(error)}`);
  }
  process.exit(1);
});
