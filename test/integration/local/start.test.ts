/**
 * `npm start` as a process: it starts its own DynamoDB Local and the API, writes stack.json and prints the
 * URL; a signal stops everything — the JVM included — and removes stack.json.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths';
import type { StackFile } from '../../../infra/local/stack';
import { eventually } from '../../helpers/eventually';
import { processesWith } from '../../helpers/processes';

/** Whether anything still accepts connections at `url`. */
const answers = (url: string): Promise<boolean> =>
  fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
    () => true,
    () => false,
  );

describe('npm start', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-start-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  });

  afterAll(async () => {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the stack until a signal, then stops everything and removes stack.json', async () => {
    const stack = await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      const text = await readFile(join(dir, 'stack.json'), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as StackFile);
    });
    const dynamodbPort = new URL(stack.dynamodbEndpoint).port;
    await eventually(async () => (output.includes('Ctrl-C') ? true : undefined));

    expect(output).toContain(stack.apiUrl);
    expect(output).toMatch(/npm run -s token -- --sub/);
    expect((await fetch(`${stack.apiUrl}/nowhere`)).status).toBe(404);
    expect(await answers(stack.dynamodbEndpoint)).toBe(true);
    expect(processesWith(`-port ${dynamodbPort}`).length).toBeGreaterThan(0);

    child.kill('SIGINT');

    expect(await exited).toBe(0);
    expect(existsSync(join(dir, 'stack.json'))).toBe(false);
    expect(await answers(`${stack.apiUrl}/status-model`)).toBe(false);
    expect(await answers(stack.dynamodbEndpoint)).toBe(false);
    expect(processesWith(`-port ${dynamodbPort}`)).toEqual([]);
  });
});

describe('npm start with a bad configuration', () => {
  it('refuses a webhook platform without its signing secret, saying what to set, before starting anything', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'mbl-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--port', '0'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        LOCAL_DIR: dir,
        MAIL_PLATFORM_URL: 'http://127.0.0.1:9/operations',
        MAIL_PLATFORM_SECRET: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

      // Act
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

      // Assess
      expect(code).toBe(1);
      expect(output).toMatch(/could not start: .*MAIL_PLATFORM_SECRET/);
      expect(existsSync(join(dir, 'stack.json'))).toBe(false);
      expect(existsSync(join(dir, 'signing-key.json'))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
