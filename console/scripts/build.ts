/**
 * Builds the console when its build is missing or older than its sources: `npm start` runs this first
 * (prestart), and the end-to-end tests' setup too. `--force` always builds.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_FILE = join(CONSOLE_DIR, 'vite.config.ts');
const BUILT_INDEX = join(CONSOLE_DIR, 'dist', 'index.html');
const SOURCES = ['src', 'index.html', 'vite.config.ts', '../package-lock.json'];

async function newest(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newest(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** True when console/dist is missing or older than a source file. */
async function isStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await stat(BUILT_INDEX)).mtimeMs;
  } catch {
    return true;
  }
  const sources = await Promise.all(SOURCES.map((source) => newest(join(CONSOLE_DIR, source))));
  return Math.max(...sources) > built;
}

/**
 * Builds console/dist with Vite when needed; true when it built.
 *
 * @example
 * await ensureConsoleBuilt(); // console/dist/index.html is current
 */
async function ensureConsoleBuilt({ force = false, quiet = false } = {}): Promise<boolean> {
  if (!force && !(await isStale())) return false;
  const { build } = await import('vite');
  // A production build even when called from a test run (vitest sets NODE_ENV=test, which would give
  // React's development build).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: CONFIG_FILE, mode: 'production', logLevel: quiet ? 'warn' : 'info' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await ensureConsoleBuilt({ force: process.argv.includes('--force') });
  if (!built) console.log('The admin console is up to date (console/dist).');
}

export { ensureConsoleBuilt, BUILT_INDEX };
