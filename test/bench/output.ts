/**
 * The bench's own output. While it measures, the handlers' logs and metrics (Powertools writes a line per
 * request) still get written — to /dev/null, so the cost of writing stays in the figures but the
 * terminal stays readable; progress goes to stderr through the writer saved before.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const originalStdout = process.stdout.write.bind(process.stdout);
const originalStderr = process.stderr.write.bind(process.stderr);

/** A progress line on stderr (also while muted). */
function progress(message: string): void {
  originalStderr(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A line on stdout (also while muted). */
function print(text: string): void {
  originalStdout(`${text}\n`);
}

/**
 * Sends everything written to stdout and stderr to /dev/null until the returned function is called.
 *
 * @example
 * const unmute = mute();
 * try { await measure(); } finally { unmute(); }
 */
function mute(): () => void {
  const fd = openSync('/dev/null', 'w');
  const sink = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    if (typeof chunk === 'string') writeSync(fd, chunk);
    else writeSync(fd, chunk);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  return () => {
    process.stdout.write = originalStdout;
    process.stderr.write = originalStderr;
    closeSync(fd);
  };
}

/** Runs `fn` muted. */
async function muted<T>(fn: () => Promise<T>): Promise<T> {
  const unmute = mute();
  try {
    return await fn();
  } finally {
    unmute();
  }
}

/**
 * A plain-text table.
 *
 * @example
 * table(['a', 'b'], [['1', '2']]) // 'a  b\n-  -\n1  2'
 */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export { muted, print, progress, table };
