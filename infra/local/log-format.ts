/**
 * Readable logs for a person at a terminal (SPEC §6): the handlers log JSON lines (Powertools' Logger and
 * shared/observability.ts, as in the cloud); the local commands show each as one short line —
 * `12:01:02 WARN  [worker] attempt failed; retry scheduled accountId=01J… attempts=1 delaySeconds=30` —
 * and leave every other line as it is. LOG_FORMAT=json (or `npm start -- --json-logs`) keeps the JSON.
 */

/** Powertools' context fields: noise in a terminal (the JSON keeps them). */
const HIDDEN = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'function',
]);

/** The longest value shown in full; longer ones are cut (the JSON keeps them whole). */
const MAX_VALUE = 120;

function shownValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const cut = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
  return typeof value === 'string' && /[\s"=]/.test(cut) ? JSON.stringify(cut) : cut;
}

function timeOf(timestamp: unknown): string {
  const date = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().slice(11, 19);
}

/**
 * One JSON log line as a readable line; any other line unchanged.
 *
 * @example
 * readableLine('{"level":"WARN","message":"attempt failed","function":"worker","accountId":"01J","attempts":1}')
 * // '12:01:02 WARN  [worker] attempt failed accountId=01J attempts=1'
 */
function readableLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.message !== 'string' || !('level' in entry)) {
    return line;
  }
  const level = String(entry.level).toUpperCase().padEnd(5);
  const fn = typeof entry.function === 'string' ? `[${entry.function}] ` : '';
  const attributes = Object.entries(entry)
    .filter(([name, value]) => !HIDDEN.has(name) && value !== undefined && value !== null)
    .map(([name, value]) => `${name}=${shownValue(value)}`);
  return [`${timeOf(entry.timestamp)} ${level} ${fn}${entry.message}`, ...attributes].join(' ');
}

/** Whether logs stay JSON: LOG_FORMAT=json or the --json-logs flag. */
const wantsJson = (env: Readonly<Record<string, string | undefined>>, flag = false): boolean =>
  flag || env.LOG_FORMAT?.toLowerCase() === 'json';

/**
 * Rewrites what this process writes to stdout and stderr line by line with {@link readableLine}.
 *
 * @example
 * if (!wantsJson(process.env)) installReadableLogs();
 */
function installReadableLogs(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
    let partial = '';
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (lines.length === 0) {
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }
      return write(`${lines.map(readableLine).join('\n')}\n`, ...rest);
    }) as typeof stream.write;
  }
}

export { installReadableLogs, readableLine, wantsJson };
