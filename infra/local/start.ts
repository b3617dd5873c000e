/**
 * `npm start [-- --persist] [-- --port N]`: the whole service on this machine (SPEC §6) until Ctrl-C.
 * PORT (default 3000) or --port picks the API's port; --persist keeps DynamoDB Local's data in
 * .local/dynamodb, and the table's stream resumes where the previous run stopped. MAIL_PLATFORM_URL
 * (+ MAIL_PLATFORM_SECRET) and ALERT_WEBHOOK_URL switch on the webhook adapters.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from './stack';
import type { LocalStack } from './stack';
import { UsageError } from '../../shared/errors';

const USAGE = 'usage: npm start [-- --port <port>] [-- --persist]';

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port/PORT must be a port number, got "${raw}"`);
  return port;
}

function options(argv: readonly string[]): { port: number; persist: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: 'string' }, persist: { type: 'boolean', default: false }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return { port: parsePort(values.port ?? (process.env.PORT || '3000')), persist: values.persist };
}

function banner(stack: LocalStack, persist: boolean): string {
  const shown = (path: string): string => {
    const near = relative(process.cwd(), path);
    return near === '' || near.startsWith('..') ? path : near;
  };
  return [
    '',
    'Mailbox Lifecycle is running locally.',
    `  Console    ${stack.apiUrl}/   (sign in with the local issuer: User, Scopes, Domains)`,
    `  API        ${stack.apiUrl}   (public: ${stack.apiUrl}/status-model, ${stack.apiUrl}/openapi.json)`,
    `  DynamoDB   ${stack.dynamodbEndpoint}   table ${stack.tableName}, ${persist ? `persisted in ${shown(stack.paths.dynamodbDir)}` : 'in memory'}` +
      ' (any credentials and region)',
    `  Alerts     ${shown(stack.paths.alertsFile)}`,
    `  Events     ${shown(stack.paths.eventsFile)}`,
    `  Stack      ${shown(stack.paths.stackFile)}`,
    '',
    'Get a token (in another terminal):',
    `  TOKEN=$(npm run -s token -- --sub alice --scope "accounts:admin login:report access:check" --domains '*')`,
    `  curl -H "Authorization: Bearer $TOKEN" "${stack.apiUrl}/accounts?domain=example.org"`,
    'Run a sweep now:  npm run sweep -- lockout',
    'Stop with Ctrl-C.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { port, persist } = options(process.argv.slice(2));
  const stack = await startLocalStack({ port, persist });
  console.log(banner(stack, persist));
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack…`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`could not stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`${(error as Error).message}\n${USAGE}`);
  } else if ((error as { code?: string }).code === 'EADDRINUSE') {
    console.error(
      `The API's port is in use: ${(error as Error).message}. Stop what uses it, or pick another: PORT=3001 npm start`,
    );
  } else {
    console.error(`The local stack could not start: ${(error as Error).message ?? String(error)}`);
  }
  process.exit(1);
});
