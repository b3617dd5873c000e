/**
 * `Idempotency-Key` on PUT /accounts/{id}/status (SPEC §4): the same key and body return the stored
 * response and change nothing; another body is 422; while the first still runs, 409; only successes are
 * stored; keys are per caller, method and path. Sequential and parallel replays.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, reader, writer } from '../../helpers/tokens';
import { complete, createAccount, snapshot, world, type World } from './fixtures';

let w: World;
afterAll(() => w.close());
beforeAll(async () => {
  w = await world();
});

const put = (accountId: string, body: unknown, key: string, options: { sub?: string; ifMatch?: string } = {}) =>
  w.api.request({
    method: 'PUT',
    path: `/accounts/${accountId}/status`,
    claims: writer(['a.org'], options.sub),
    headers: { 'Idempotency-Key': key, ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}) },
    body,
  });

/** A pause of the handlers' TransactWriteItems until released, to hold a request in flight (fault injection). */
async function gateTransactions() {
  const { documentClient } = await import('../../../shared/store/client');
  const client = documentClient(w.table.config);
  let reached!: () => void;
  let release!: () => void;
  const atGate = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const name = `gate-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/TransactWrite/.test(context.commandName ?? '')) {
        reached();
        await released;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    atGate,
    release: () => {
      release();
      client.middlewareStack.remove(name);
    },
  };
}

describe('sequential replays', () => {
  it('the same key and body: the stored response, marked replayed, and nothing changes', async () => {
    const accountId = await createAccount(w);
    const first = await put(accountId, { status: 'disabled', reason: 'offboarding' }, 'key-1');
    expect(first.status).toBe(202);
    const after = await snapshot(w, accountId);

    const again = await put(accountId, { status: 'disabled', reason: 'offboarding' }, 'key-1');

    expect(again.status).toBe(202);
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await snapshot(w, accountId)).toEqual(after);
  });

  it('replays even when the account has moved on since (the stored response, not a new decision)', async () => {
    const accountId = await createAccount(w);
    const first = await put(accountId, { status: 'locked' }, 'key-2');
    await w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims: writer(['a.org']),
      body: { status: 'active' },
    });
    const after = await snapshot(w, accountId);

    const again = await put(accountId, { status: 'locked' }, 'key-2');

    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.json).toEqual(first.json);
    expect(await snapshot(w, accountId)).toEqual(after);
    expect(after.account?.status).toBe('active');
  });

  it('the same key with another body: 422, nothing changes', async () => {
    const accountId = await createAccount(w);
    await put(accountId, { status: 'locked' }, 'key-3');
    const after = await snapshot(w, accountId);

    const other = await put(accountId, { status: 'maintenance' }, 'key-3');

    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toBe('application/problem+json');
    expect(other.json).toMatchObject({ type: 'urn:mailbox-lifecycle:problem:idempotency-key-reused', status: 422 });
    expect(await snapshot(w, accountId)).toEqual(after);
    // The stored response survives the mismatch.
    expect((await put(accountId, { status: 'locked' }, 'key-3')).headers['idempotent-replayed']).toBe('true');
  });

  it('a failed response is not stored: the key is free again', async () => {
    const accountId = await createAccount(w);
    const stale = await put(accountId, { status: 'locked' }, 'key-4', { ifMatch: '"99"' });
    expect(stale.status).toBe(412);

    const retried = await put(accountId, { status: 'locked' }, 'key-4');
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.json.status).toBe('locked');
  });

  it('a refused transition (409) is not stored either', async () => {
    const accountId = await createAccount(w);
    await put(accountId, { status: 'disabled' }, 'key-5a');
    const refused = await put(accountId, { status: 'locked' }, 'key-5');
    expect(refused.status).toBe(409);
    const before = await snapshot(w, accountId);
    expect((await put(accountId, { status: 'locked' }, 'key-5')).status).toBe(409);
    expect(await snapshot(w, accountId)).toEqual(before);
  });

  it('keys are per caller and per path', async () => {
    const a = await createAccount(w);
    const b = await createAccount(w);
    const first = await put(a, { status: 'locked' }, 'shared-key', { sub: 'alice' });
    const otherPath = await put(b, { status: 'locked' }, 'shared-key', { sub: 'alice' });
    const otherCaller = await put(a, { status: 'maintenance' }, 'shared-key', { sub: 'bob' });

    expect(first.status).toBe(200);
    expect(otherPath.status).toBe(200);
    expect(otherPath.json.accountId).toBe(b);
    expect(otherCaller.status).toBe(200);
    expect(otherCaller.json.status).toBe('maintenance');
    expect(otherCaller.headers['idempotent-replayed']).toBeUndefined();
  });

  it('stores the record on the table under its own key, expiring after 24 hours', async () => {
    const accountId = await createAccount(w);
    await put(accountId, { status: 'locked' }, 'key-ttl');
    const { Items = [] } = await w.table.client.send(
      new ScanCommand({
        TableName: w.table.tableName,
        FilterExpression: 'begins_with(PK, :p)',
        ExpressionAttributeValues: { ':p': 'IDEMPOTENCY#' },
      }),
    );
    const now = Date.now() / 1000;

    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) {
      expect(item.SK).toBe('IDEMPOTENCY');
      expect(item.expiresAt).toBeGreaterThan(now + 86_400 - 600);
      expect(item.expiresAt).toBeLessThanOrEqual(now + 86_400 + 5);
    }
  });
});

describe('parallel replays', () => {
  it('while the first request still runs, the same key answers 409; afterwards the stored response', async () => {
    const accountId = await createAccount(w);
    const gate = await gateTransactions();
    const first = put(accountId, { status: 'disabled' }, 'key-p1');
    await gate.atGate;

    const during = await put(accountId, { status: 'disabled' }, 'key-p1');
    gate.release();
    const done = await first;
    const after = await put(accountId, { status: 'disabled' }, 'key-p1');

    expect(during.status).toBe(409);
    expect(during.json).toMatchObject({ type: 'urn:mailbox-lifecycle:problem:idempotency-in-progress', status: 409 });
    expect(done.status).toBe(202);
    expect(after.status).toBe(202);
    expect(after.body).toBe(done.body);
  });

  it('many identical requests at once change the account exactly once', async () => {
    const accountId = await createAccount(w);
    const before = await snapshot(w, accountId);

    const answers = await Promise.all(
      Array.from({ length: 6 }, () => put(accountId, { status: 'locked', reason: 'p' }, 'key-p2')),
    );

    const after = await snapshot(w, accountId);
    expect(after.account?.version).toBe((before.account?.version ?? 0) + 1);
    expect(after.history).toHaveLength(before.history.length + 1);
    const successes = answers.filter((a) => a.status === 200);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    expect(new Set(successes.map((a) => a.body)).size).toBe(1);
  });
});

describe('replays and the grant (SPEC §4)', () => {
  const putAs = (accountId: string, body: unknown, key: string, claims: ReturnType<typeof writer>) =>
    w.api.request({
      method: 'PUT',
      path: `/accounts/${accountId}/status`,
      claims,
      headers: { 'Idempotency-Key': key },
      body,
    });

  it('a caller whose grant changed gets no replay: its request is checked and processed afresh', async () => {
    // Prepare
    const accountId = await createAccount(w);
    const body = { status: 'locked', reason: 'grant test' };
    const first = await putAs(accountId, body, 'grant-1', writer(['a.org'], 'grace'));
    expect(first.status).toBe(200);

    // Act: the same sub and key, with a token for another domain, and one without accounts:write.
    const otherDomain = await putAs(accountId, body, 'grant-1', writer(['b.org'], 'grace'));
    const readOnly = await putAs(accountId, body, 'grant-1', reader(['a.org'], 'grace'));
    const sameGrant = await putAs(accountId, body, 'grant-1', writer(['a.org'], 'grace'));

    // Assess
    expect(otherDomain.status).toBe(404);
    expect(otherDomain.body).not.toContain('@');
    expect(readOnly.status).toBe(403);
    expect(readOnly.body).not.toContain('@');
    expect(sameGrant.status).toBe(200);
    expect(sameGrant.headers['idempotent-replayed']).toBe('true');
  });

  it('a body equal as JSON (other spacing, other key order) replays; another value is 422', async () => {
    // Prepare
    const accountId = await createAccount(w);
    const first = await put(accountId, '{"status":"maintenance","reason":"json equal"}', 'json-1');
    expect(first.status).toBe(200);
    const after = await snapshot(w, accountId);

    // Act
    const reordered = await put(accountId, '{ "reason" : "json equal",\n  "status":"maintenance" }', 'json-1');
    const other = await put(accountId, '{"reason":"json equal!","status":"maintenance"}', 'json-1');

    // Assess
    expect(reordered.status).toBe(200);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    expect(reordered.body).toBe(first.body);
    expect(other.status).toBe(422);
    expect(await snapshot(w, accountId)).toEqual(after);
  });
});

describe('personal data and a purge (SPEC §5)', () => {
  it('no item holds the address or the name after a purge, and a replay of the purge request shows neither', async () => {
    // Prepare: an account with a name, deleted, then purged with an Idempotency-Key.
    const address = `purge-${Date.now().toString(36)}@a.org`;
    const name = `Purgeable Person ${Date.now().toString(36)}`;
    const created = await w.api.request({
      method: 'POST',
      path: '/accounts',
      claims: admin(['a.org']),
      body: { email: address, displayName: name },
    });
    const accountId = created.json.accountId as string;
    await complete(w, accountId);
    await w.api.request({ method: 'DELETE', path: `/accounts/${accountId}`, claims: admin(['a.org']) });
    await complete(w, accountId);
    const purge = () =>
      w.api.request({
        method: 'PUT',
        path: `/accounts/${accountId}/status`,
        claims: admin(['a.org']),
        headers: { 'Idempotency-Key': `purge-${accountId}` },
        body: { status: 'deleted_permanent', reason: 'retention' },
      });
    const first = await purge();
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ email: address, displayName: name });

    // Act
    await complete(w, accountId);
    const replay = await purge();
    const { Items = [] } = await w.table.client.send(new ScanCommand({ TableName: w.table.tableName }));

    // Assess
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json).toMatchObject({ accountId, email: null, displayName: null });
    const holding = Items.filter((item) => {
      const text = JSON.stringify(item);
      return text.includes(address) || text.includes(name);
    });
    expect(holding).toEqual([]);
  });
});
