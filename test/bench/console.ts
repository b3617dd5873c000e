/**
 * The console's figures (SPEC §8): the time from pressing Sign in to a usable mailbox list of a domain of
 * 10,000 accounts (the first page's rows drawn with their actions, the status filter's counts shown), in
 * headless Chromium against the real local stack; and the console's JavaScript, gzipped.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUILT_INDEX, ensureConsoleBuilt } from '../../console/scripts/build';
import { startLocalStack } from '../../infra/local/stack';
import { launchChromium } from '../e2e/browser';
import { progress } from './output';
import { summarize, type Summary } from './stats';

interface ConsoleOptions {
  readonly accounts: number;
  readonly runs: number;
}

interface ConsoleResult {
  readonly accounts: number;
  readonly runs: number;
  /** Sign in pressed → the list usable, in milliseconds. */
  readonly signInToList: Summary;
  /** Every JavaScript file of the build, gzipped (level 9): what the first screen loads, and all. */
  readonly javascript: { readonly initialGzipBytes: number; readonly totalGzipBytes: number; readonly files: number };
}

const DOMAIN = 'bench-console.example';
const SEED_CONCURRENCY = 16;

async function javascriptSize(): Promise<ConsoleResult['javascript']> {
  const assets = join(BUILT_INDEX, '..', 'assets');
  const index = await readFile(BUILT_INDEX, 'utf8');
  const files = (await readdir(assets)).filter((f) => f.endsWith('.js'));
  let initial = 0;
  let total = 0;
  for (const file of files) {
    const gz = gzipSync(await readFile(join(assets, file)), { level: 9 }).length;
    total += gz;
    if (index.includes(`/assets/${file}`)) initial += gz;
  }
  return { initialGzipBytes: initial, totalGzipBytes: total, files: files.length };
}

/**
 * Builds the console, starts the local stack, creates `accounts` accounts in one domain through the API,
 * then signs in `runs` times (after one uncounted warm-up), each in a fresh browser context: nothing cached.
 */
async function runConsole(options: ConsoleOptions): Promise<ConsoleResult> {
  await ensureConsoleBuilt({ quiet: true });
  const localDir = await mkdtemp(join(tmpdir(), 'bench-console-'));
  const stack = await startLocalStack({
    port: 0,
    localDir,
    schedules: false,
    writeStackFile: false,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    log: () => undefined,
  });
  const browser = await launchChromium();
  try {
    const token = await stack.token({ sub: 'bench', scope: 'accounts:admin', domains: '*' });
    let next = 0;
    const seed = async (): Promise<void> => {
      while (next < options.accounts) {
        const i = next++;
        const response = await fetch(`${stack.apiUrl}/accounts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            email: `user-${String(i).padStart(6, '0')}@${DOMAIN}`,
            displayName: `User ${i}`,
            activate: false,
          }),
        });
        if (response.status !== 201) throw new Error(`seeding: ${response.status} ${await response.text()}`);
        if (i % 1000 === 999) progress(`console: ${i + 1} accounts created`);
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, seed));

    const samples: number[] = [];
    // One warm-up run, not counted: Chromium's own first start (its caches, the GPU-less compositor).
    for (let run = -1; run < options.runs; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${stack.apiUrl}/`);
      await page.getByRole('textbox', { name: 'User' }).fill('bench');
      await page.getByRole('textbox', { name: 'Domains' }).fill('*');
      const started = performance.now();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByRole('row', { name: /user-000000@/ })
        .getByRole('link', { name: 'Edit' })
        .waitFor();
      await page.getByRole('option', { name: `All statuses (${options.accounts})` }).waitFor({ state: 'attached' });
      if (run >= 0) samples.push(performance.now() - started);
      await context.close();
    }
    return {
      accounts: options.accounts,
      runs: options.runs,
      signInToList: summarize(samples),
      javascript: await javascriptSize(),
    };
  } finally {
    await browser.close();
    await stack.stop();
    await rm(localDir, { recursive: true, force: true });
  }
}

export { runConsole };
export type { ConsoleOptions, ConsoleResult };
