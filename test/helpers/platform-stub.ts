/**
 * A stand-in mail platform for tests: a real HTTP server on 127.0.0.1 (a free port) that verifies the
 * webhook signature with the shared secret and records every request. It can be told to fail the next N
 * requests, to hang (answer nothing until closed, so the caller's timeout fires), to run a hook before
 * answering, and to recover.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlatformRequest } from '../../shared/platform/port';
import { verifySignature } from '../../shared/platform/signature';

interface StubRequest {
  /** The raw body, as signed. */
  readonly raw: string;
  readonly body: PlatformRequest | null;
  readonly signature: string | undefined;
  /** Whether the signature verified with the stub's secret. */
  readonly verified: boolean;
  /** What the stub answered: a status code, or `hang`. */
  readonly answer: number | 'hang';
}

interface PlatformStub {
  readonly url: string;
  readonly secret: string;
  readonly requests: readonly StubRequest[];
  /**
   * Answer the next `count` requests with `status` (default 503), and the body `body` makes of the request
   * (default `{"error":"platform unavailable"}`).
   */
  failNext(count: number, status?: number, body?: (request: PlatformRequest | null) => string): void;
  /** Answer nothing to the next `count` requests (until the stub closes). */
  hangNext(count: number): void;
  /** Runs before the stub answers each request (e.g. to change the account while an attempt is in flight). */
  beforeAnswer(hook: ((request: PlatformRequest | null) => Promise<void>) | null): void;
  /** Answer 200 from now on. */
  recover(): void;
  close(): Promise<void>;
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

function parse(raw: string): PlatformRequest | null {
  try {
    return JSON.parse(raw) as PlatformRequest;
  } catch {
    return null;
  }
}

/**
 * Starts a platform stub.
 *
 * @example
 * const platform = await startPlatformStub('s3cret');
 * platform.failNext(2);
 * // … MAIL_PLATFORM_URL = platform.url …
 * await platform.close();
 */
async function startPlatformStub(secret = 'test-platform-secret'): Promise<PlatformStub> {
  const requests: StubRequest[] = [];
  let failures = 0;
  let failStatus = 503;
  let failBody: ((request: PlatformRequest | null) => string) | undefined;
  let hangs = 0;
  let hook: ((request: PlatformRequest | null) => Promise<void>) | null = null;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const raw = await readBody(request);
    const header = request.headers['x-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    const verified = verifySignature(secret, signature, raw);
    const body = parse(raw);
    let answer: number | 'hang';
    if (!verified) answer = 401;
    else if (hangs > 0) answer = 'hang';
    else if (failures > 0) answer = failStatus;
    else answer = 200;
    if (answer === 'hang') hangs -= 1;
    else if (answer !== 200 && answer !== 401) failures -= 1;
    requests.push({ raw, body, signature, verified, answer });
    if (answer === 'hang') return;
    if (hook !== null) await hook(body);
    response.writeHead(answer, { 'content-type': 'application/json' });
    if (answer !== 200 && answer !== 401 && failBody !== undefined) return void response.end(failBody(body));
    response.end(
      JSON.stringify(
        answer === 200 ? { accepted: true } : { error: answer === 401 ? 'bad signature' : 'platform unavailable' },
      ),
    );
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/operations`,
    secret,
    requests,
    failNext(count, status = 503, body) {
      failures = count;
      failStatus = status;
      failBody = body;
    },
    hangNext(count) {
      hangs = count;
    },
    beforeAnswer(next) {
      hook = next;
    },
    recover() {
      failures = 0;
      hangs = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export { startPlatformStub };
export type { PlatformStub, StubRequest };
