import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlatformRequest } from '../../../shared/platform/port';
import { verifySignature } from '../../../shared/platform/signature';
import { createWebhookPlatform } from '../../../shared/platform/webhook';
import { startPlatformStub, type PlatformStub } from '../../helpers/platform-stub';

const request: PlatformRequest = {
  operationId: '01JA000000000000000000000A.2',
  operation: 'disable',
  accountId: '01JA000000000000000000000A',
  email: 'ann@example.org',
  target: 'disabled',
};

describe('the webhook adapter against a platform', () => {
  let stub: PlatformStub;
  beforeAll(async () => {
    stub = await startPlatformStub('shared-secret');
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => {
    stub.recover();
  });

  const platform = (overrides: Partial<Parameters<typeof createWebhookPlatform>[0]> = {}) =>
    createWebhookPlatform({ url: stub.url, secret: async () => stub.secret, timeoutMs: 2_000, ...overrides });

  it('POSTs the signed JSON body and completes on a 2xx', async () => {
    // Act
    const result = await platform().perform(request);

    // Assess
    expect(result).toEqual({ ok: true });
    const received = stub.requests.at(-1);
    expect(received?.verified).toBe(true);
    expect(received?.body).toEqual(request);
    expect(Object.keys(JSON.parse(received?.raw ?? '{}'))).toEqual([
      'operationId',
      'operation',
      'accountId',
      'email',
      'target',
    ]);
  });

  it('signs so that the platform verifies with the shared secret, and a tampered body fails', async () => {
    // Act
    await platform().perform(request);
    const { raw, signature } = stub.requests.at(-1)!;

    // Assess
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature('shared-secret', signature, raw, 300)).toBe(true);
    expect(verifySignature('shared-secret', signature, raw.replace('disable', 'delete'), 300)).toBe(false);
    expect(verifySignature('another-secret', signature, raw, 300)).toBe(false);
  });

  it('fails with the status and a short excerpt of the answer on a non-2xx', async () => {
    // Prepare
    stub.failNext(1, 503);

    // Act
    const result = await platform().perform(request);

    // Assess
    expect(result).toEqual({ ok: false, error: 'HTTP 503 Service Unavailable: {"error":"platform unavailable"}' });
  });

  it("masks every address in the platform's answer and keeps a bounded excerpt (60 echoed addresses)", async () => {
    // Prepare
    const echoed = Array.from({ length: 60 }, (_, i) => `user${i}.name+tag@sub${i}.example.org`);
    stub.failNext(1, 400, () => JSON.stringify({ error: 'unknown mailboxes', mailboxes: echoed }));

    // Act
    const result = await platform().perform(request);

    // Assess
    expect(result.ok).toBe(false);
    const error = (result as { error: string }).error;
    expect(error).toMatch(
      /^HTTP 400 Bad Request: \{"error":"unknown mailboxes","mailboxes":\["\[address\]","\[address\]"/,
    );
    expect(error).not.toContain('@');
    expect(error.length).toBeLessThanOrEqual(230);
  });

  it('fails when the platform refuses the signature (wrong secret)', async () => {
    const result = await platform({ secret: async () => 'wrong-secret' }).perform(request);
    expect(result).toEqual({ ok: false, error: 'HTTP 401 Unauthorized: {"error":"bad signature"}' });
    expect(stub.requests.at(-1)?.verified).toBe(false);
  });

  it('fails with a timeout when the platform does not answer in time', async () => {
    // Prepare
    stub.hangNext(1);

    // Act
    const result = await platform({ timeoutMs: 200 }).perform(request);

    // Assess
    expect(result).toEqual({ ok: false, error: 'timed out after 200 ms' });
    expect(stub.requests.at(-1)?.answer).toBe('hang');
  });

  it('fails (an attempt to record and retry, not a throw) when the signing secret cannot be read, calling nothing', async () => {
    // Prepare
    const sent = stub.requests.length;
    const unreadable = async (): Promise<string> => {
      throw Object.assign(new Error('User is not authorized to perform: secretsmanager:GetSecretValue'), {
        name: 'AccessDeniedException',
      });
    };

    // Act
    const result = await platform({ secret: unreadable }).perform(request);

    // Assess
    expect(result).toEqual({
      ok: false,
      error:
        'signing secret unavailable: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue',
    });
    expect(stub.requests.length).toBe(sent);
  });

  it('fails with a network error when nothing listens', async () => {
    // Prepare
    const gone = await startPlatformStub();
    const url = gone.url;
    await gone.close();

    // Act
    const result = await platform({ url }).perform(request);

    // Assess
    expect(result).toEqual({ ok: false, error: 'network error: ECONNREFUSED' });
  });
});
