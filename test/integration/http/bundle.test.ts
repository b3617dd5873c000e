/**
 * The functions with lazy modules (shared/lazy-modules.ts) as `cdk deploy` ships them: each bundle run by a
 * plain node process as Lambda runs it, against DynamoDB Local. SPEC §8: what a function needs only
 * sometimes is loaded when first needed. The accounts function's start and its requests without an
 * Idempotency-Key never read idempotency.mjs; the first request with a key loads it, and its replay answers
 * the stored response. The public function reads openapi.mjs for GET /openapi.json only; the SCIM
 * function its filter parser for a filtered list only and scim-patch for a PATCH only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../shared/domain/account';
import type { ApiResult } from '../../../shared/http/event';
import { OPENAPI_JSON } from '../../../shared/http/generated/openapi';
import {
  IDEMPOTENCY_MODULE,
  OPENAPI_MODULE,
  SCIM_FILTER_MODULE,
  SCIM_PATCH_MODULE,
} from '../../../shared/lazy-modules';
import { CORE_USER, PATCH_OP } from '../../../shared/scim/documents';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../../infra/local/jwt';
import { toEvent, type ApiRequest } from '../../helpers/api';
import { bundleFunction } from '../../helpers/bundle';
import { freshTable, type FreshTable } from '../../helpers/dynamo';
import { admin, claims, signClaims, testSigningKey, writer } from '../../helpers/tokens';

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

interface RunningBundle {
  /** The bundle's index.mjs, and every file of its asset. */
  readonly file: string;
  readonly files: readonly string[];
  /** The files the loader read by the end of the start. */
  readonly atStart: readonly string[];
  /** Sends one request to the bundled function; its answer. */
  send(request: ApiRequest): Promise<Answer>;
  stop(): void;
}

/** Bundles `entry` with the CDK construct and starts it in a node process of its own, with `env`. */
async function startBundle(entry: string, env: Readonly<Record<string, string>>): Promise<RunningBundle> {
  const outdir = mkdtempSync(join(tmpdir(), 'mbl-bundle-test-'));
  const built = await bundleFunction(entry, outdir);
  const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER], {
    env: {
      PATH: process.env.PATH ?? '',
      ...built.environment,
      ...env,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      BUNDLE_URL: pathToFileURL(built.file).href,
    },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`the bundled ${entry} exited`);
    return line.value;
  };
  const atStart = (JSON.parse(await next()) as { read: string[] }).read;
  return {
    file: built.file,
    files: built.files,
    atStart,
    send: async (request) => {
      child.stdin.write(`${JSON.stringify(toEvent(request).event)}\n`);
      return JSON.parse(await next()) as Answer;
    },
    stop: () => {
      child.kill();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

let table: FreshTable;
let accounts: RunningBundle;
let publicFunction: RunningBundle;
let scim: RunningBundle;
/** A SCIM connection's token for a.org, and the key that signed it (the SCIM function verifies it itself). */
let scimToken: string;

beforeAll(async () => {
  table = await freshTable();
  const key = await testSigningKey();
  const jwk = { ...(await exportJWK(key.publicKey)), kid: key.kid, alg: 'RS256', use: 'sig' };
  scimToken = await signClaims(key, claims({ sub: 'okta', scopes: ['scim:provision'], domains: ['a.org'] }));
  accounts = await startBundle('functions/http/accounts.ts', table.env);
  publicFunction = await startBundle('functions/http/public.ts', table.env);
  scim = await startBundle('functions/http/scim.ts', {
    ...table.env,
    JWT_ISSUER: LOCAL_ISSUER,
    JWT_AUDIENCE: LOCAL_AUDIENCE,
    JWT_JWKS: JSON.stringify({ keys: [jwk] }),
  });
});

afterAll(() => {
  accounts?.stop();
  publicFunction?.stop();
  scim?.stop();
});

describe('the bundled accounts function', () => {
  it('ships Powertools idempotency as a file of its own, which its index.mjs only names', () => {
    const index = readFileSync(accounts.file, 'utf8');

    expect(accounts.files).toEqual(expect.arrayContaining(['index.mjs', IDEMPOTENCY_MODULE.file]));
    expect(index).toContain(`import("./${IDEMPOTENCY_MODULE.file}")`);
    expect(index).not.toContain('IdempotencyPersistenceLayerError');
    expect(readFileSync(join(accounts.file, '..', IDEMPOTENCY_MODULE.file), 'utf8')).toContain(
      'IdempotencyPersistenceLayerError',
    );
  });

  it('starts and answers without reading it; the first Idempotency-Key loads it, and a replay is stored', async () => {
    const created = await accounts.send({
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

    const first = await accounts.send(request);
    const replay = await accounts.send(request);

    expect(accounts.atStart).toContain('index.mjs');
    expect(accounts.atStart).not.toContain(IDEMPOTENCY_MODULE.file);
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

describe('the bundled public function', () => {
  it('answers the status model without reading the OpenAPI file, and the document from it', async () => {
    const model = await publicFunction.send({ method: 'GET', path: '/status-model' });
    const document = await publicFunction.send({ method: 'GET', path: '/openapi.json' });

    expect(publicFunction.files).toEqual(expect.arrayContaining(['index.mjs', OPENAPI_MODULE.file]));
    expect(readFileSync(publicFunction.file, 'utf8')).not.toContain('"openapi":"3.1.0"');
    expect(publicFunction.atStart).not.toContain(OPENAPI_MODULE.file);
    expect(model.result.statusCode).toBe(200);
    expect(model.read).not.toContain(OPENAPI_MODULE.file);
    expect(document.result.statusCode).toBe(200);
    expect(document.read).toContain(OPENAPI_MODULE.file);
    expect(document.result.body).toBe(OPENAPI_JSON);
  });
});

describe('the bundled SCIM function', () => {
  it('reads the filter parser for a filtered list only, and scim-patch for a PATCH only', async () => {
    const scimRequest = (method: string, path: string, body?: unknown): ApiRequest => ({
      method,
      path,
      headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

    const created = await scim.send(
      scimRequest('POST', '/scim/v2/Users', { schemas: [CORE_USER], userName: 'scim-bundle@a.org', active: true }),
    );
    const found = await scim.send(
      scimRequest('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "scim-bundle@a.org"')}`),
    );
    const id = (JSON.parse(created.result.body as string) as { id: string }).id;
    const patched = await scim.send(
      scimRequest('PATCH', `/scim/v2/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'displayName', value: 'Bundle' }],
      }),
    );

    expect(scim.files).toEqual(expect.arrayContaining(['index.mjs', SCIM_FILTER_MODULE.file, SCIM_PATCH_MODULE.file]));
    expect(scim.atStart).not.toContain(SCIM_FILTER_MODULE.file);
    expect(scim.atStart).not.toContain(SCIM_PATCH_MODULE.file);
    expect(created.result.statusCode).toBe(201);
    expect(created.read).not.toContain(SCIM_FILTER_MODULE.file);
    expect(found.result.statusCode).toBe(200);
    expect(JSON.parse(found.result.body as string)).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    expect(found.read).toContain(SCIM_FILTER_MODULE.file);
    expect(found.read).not.toContain(SCIM_PATCH_MODULE.file);
    expect(patched.result.statusCode).toBe(200);
    expect(JSON.parse(patched.result.body as string)).toMatchObject({ id, displayName: 'Bundle' });
    expect(patched.read).toContain(SCIM_PATCH_MODULE.file);
  });
});
