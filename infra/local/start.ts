/**
 * `npm start [-- --persist] [-- --port N] [-- --json-logs]`: the whole service on this machine (SPEC §6)
 * until Ctrl-C. PORT (default 3000) or --port picks the API's port; --persist keeps DynamoDB Local's data
 * in .local/dynamodb, the table's stream resumes where the previous run got to and the worker retries
 * still owed are re-armed. MAIL_PLATFORM_URL (+ MAIL_PLATFORM_SECRET) and ALERT_WEBHOOK_URL switch on the
 * webhook adapters. Logs are one readable line each (LOG_FORMAT=json or --json-logs for the JSON).
 *
 * Ctrl-C (SIGINT to the whole foreground group), SIGINT, SIGTERM or SIGHUP to this process, or its parent
 * going away (npm killed): the stack stops — it hands the worker and the event publisher what is already
 * in the stream first — and the process exits; nothing is left behind.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config';
import { installReadableLogs, wantsJson } from './log-format';
import { StackRunningError, startLocalStack } from './stack';
import type { LocalStack } from './stack';
import { UsageError } from '../../shared/errors';

const USAGE = 'usage: npm start [-- --port <port>] [-- --persist] [-- --json-logs]';
/** How often it checks that the process that started it (npm) is still there. */
const PARENT_CHECK_MS = 500;

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port/PORT must be a port number, got "${raw}"`);
  return port;
}

function options(argv: readonly string[]): { port: number; persist: boolean; jsonLogs: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      persist: { type: 'boolean', default: false },
      'json-logs': { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    port: parsePort(values.port ?? (process.env.PORT || '3000')),
    persist: values.persist,
    jsonLogs: values['json-logs'],
  };
}

/** The adapters the handlers run with, as the banner names them. */
function adapters(): { platform: string; alerts: string } {
  const config = loadConfig(process.env);
  const platform =
    config.worker.adapter === 'webhook'
      ? `webhook → ${config.worker.platformUrl ?? '?'} (signed; ${config.worker.maxAttempts} attempts, first retry after ${config.worker.firstDelaySeconds} s)`
      : 'direct (this service is the source of truth: operations complete at once)';
  const alerts = [
    'console',
    ...(config.alerts.file ? [config.alerts.file] : []),
    ...(config.alerts.webhookUrl ? [`webhook → ${config.alerts.webhookUrl}`] : []),
  ];
  return { platform, alerts: alerts.join(' + ') };
}

function banner(stack: LocalStack, persist: boolean): string {
  const shown = (path: string): string => {
    const near = relative(process.cwd(), path);
    return near === '' || near.startsWith('..') ? path : near;
  };
  const { platform, alerts } = adapters();
  return [
    '',
    'Mailbox Lifecycle is running locally.',
    `  Console    ${stack.apiUrl}/   (sign in with the local issuer: User, Scopes, Domains)`,
    `  Platform   ${platform}`,
    `  Alerts to  ${alerts.replace(stack.paths.alertsFile, shown(stack.paths.alertsFile))}`,
    `  API        ${stack.apiUrl}   (public: ${stack.apiUrl}/status-model, ${stack.apiUrl}/openapi.json)`,
    `  DynamoDB   ${stack.dynamodbEndpoint}   table ${stack.tableName}, ${persist ? `persisted in ${shown(stack.paths.dynamodbDir)}` : 'in memory'}` +
      ' (any credentials and region)',
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
  const { port, persist, jsonLogs } = options(process.argv.slice(2));
  if (!wantsJson(process.env, jsonLogs)) installReadableLogs();
  const parent = process.ppid;
  const stack = await startLocalStack({ port, persist });
  console.log(banner(stack, persist));
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) {
      console.log(`${reason}: still stopping (handing over the last stream records, at most a few seconds)…`);
      return;
    }
    stopping = true;
    console.log(`\n${reason}: stopping the local stack…`);
    stack.stop().then(
      () => {
        console.log('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`could not stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  // npm killed (SIGKILL, or a SIGTERM it did not pass on): stop rather than run on unattended.
  setInterval(() => {
    if (process.ppid !== parent) stop('the process that started this one is gone');
  }, PARENT_CHECK_MS).unref();
}

main().catch((error: unknown) => {
  if (error instanceof StackRunningError) {
    console.error(error.message);
  } else if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
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
