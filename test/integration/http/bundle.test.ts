/**
 * The accounts function as `cdk deploy` ships it: its bundle (index.mjs, with Powertools idempotency in
 * idempotency.mjs beside it, shared/lazy-modules.ts) run by a plain node process as Lambda runs it, against
 * DynamoDB Local. A start and the requests without an Idempotency-Key never read idempotency.mjs (SPEC §8:
 * what a function needs only sometimes is loaded when first needed); the first request with a key loads
 * it, and its replay answers the stored response.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import type { ApiResult } from '../../../shared/http/event';
import { IDEMPOTENCY_MODULE } from '../../../shared/lazy-modules';
import { toEvent, type ApiRequest } from '../../helpers/api';
import { bundleFunction } from '../../helpers/bundle';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { admin, writer } from '../../helpers/tokens';

/**
 * Runs in the child: records every module the loader reads (Node's module hooks), imports the bundle, then
 * answers one event per stdin line with the handler's result and the bundle's files read so far.
 */
const RUNNER = `
import { registerHooks } from 'node:module';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
const read = new Set();
registerHooks({ load(url, context, next) { read.add(url.split('/').at(-1)); return next(url, context); } });
const { handler } = await import(process.env.BUNDLE_URL);
const context = () => ({ functionName: 'accounts', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 30000 });
process.stdout.write(JSON.stringify({ read: [...read] }) + '\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const result = await handler(JSON.parse(line), context());
  process.stdout.write(JSON.stringify({ result, read: [...read] }) + '\\n');
}
`;

interface Answer {
  readonly result: ApiResult;
  /** The file names the child's loader has read so far. */
  readonly read: readonly string[];
}

let table: FreshTable;
let outdir: string;
let files: readonly string[];
let bundle: string;
let child: ChildProcessWithoutNullStreams;
let lines: AsyncIterator<string>;
let atStart: readonly string[];

/** Sends one request to the bundled function; its answer. */
async function send(request: ApiRequest): Promise<Answer> {
  child.stdin.write(`${JSON.stringify(toEvent(request).event)}\n`);
  const next = await lines.next();
  if (next.done === true) throw new Error('the bundled function exited');
  return JSON.parse(next.value) as Answer;
}

beforeAll(async () => {
  table = await freshTable();
  outdir = mkdtempSync(join(tmpdir(), 'mbl-bundle-test-'));
  const built = await bundleFunction('functions/http/accounts.ts', outdir);
  files = built.files;
  bundle = built.file;
  child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER], {
    env: {
      PATH: process.env.PATH ?? '',
      ...built.environment,
      ...table.env,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      BUNDLE_URL: pathToFileURL(built.file).href,
    },
  });
  lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  atStart = (JSON.parse(first.value as string) as { read: string[] }).read;
});

afterAll(() => {
  child?.kill();
  rmSync(outdir, { recursive: true, force: true });
});

describe('the bundled accounts function', () => {
  it('ships Powertools idempotency as a file of its own, which its index.mjs only names', () => {
    const index = readFileSync(bundle, 'utf8');

    expect(files).toEqual(expect.arrayContaining(['index.mjs', IDEMPOTENCY_MODULE.file]));
    expect(index).toContain(`import("./${IDEMPOTENCY_MODULE.file}")`);
    expect(index).not.toContain('IdempotencyPersistenceLayerError');
    expect(readFileSync(join(bundle, '..', IDEMPOTENCY_MODULE.file), 'utf8')).toContain(
      'IdempotencyPersistenceLayerError',
    );
  });

  it('starts and answers without reading it; the first Idempotency-Key loads it, and a replay is stored', async () => {
    const created = await send({
      method: 'POST',
      path: '/accounts',
      claims: admin('*'),
      body: { email: 'bundle@a.org', activate: false },
    });
    const accountId = (JSON.parse(created.result.body as string) as Account).accountId;
    const request: ApiRequest = {
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      headers: { 'Idempotency-Key': 'bundle-key' },
      body: { status: 'closed', reason: 'bundle' },
    };

    const first = await send(request);
    const replay = await send(request);

    expect(atStart).toContain('index.mjs');
    expect(atStart).not.toContain(IDEMPOTENCY_MODULE.file);
    expect(created.result.statusCode).toBe(201);
    expect(created.read).not.toContain(IDEMPOTENCY_MODULE.file);
    expect(first.result.statusCode).toBe(200);
    expect(first.read).toContain(IDEMPOTENCY_MODULE.file);
    expect(replay.result.statusCode).toBe(200);
    expect(replay.result.body).toBe(first.result.body);
    expect(replay.result.headers?.['Idempotent-Replayed']).toBe('true');
    expect((await table.store.get(accountId))?.status).toBe('closed');
  });
});
