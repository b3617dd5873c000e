/**
 * The local HTTP API as API Gateway: the JWT authorizer's checks, the payload 2.0 event (claims in their
 * string form), route matching, and the mapping of results back to responses — observed through stub
 * handlers on a real server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiGatewayClaims } from '../../../infra/local/apigw';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, createVerifier, ensureSigningKey, signToken } from '../../../infra/local/jwt';
import type { SigningKey } from '../../../infra/local/jwt';
import { startLocalApi } from '../../../infra/local/server';
import type { LocalApi } from '../../../infra/local/server';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A raw request (node:http keeps repeated headers apart, as a real client may send them). */
function send(
  url: string,
  method: string,
  headers: Record<string, string | string[]> = {},
  body?: Buffer | string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (reply: Reply): unknown => JSON.parse(reply.body.toString('utf8'));

describe('local API server', () => {
  let dir: string;
  let key: SigningKey;
  let api: LocalApi;
  const events: (APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer)[] = [];
  let nextResult: () => unknown = () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"ok":true}',
  });
  const stub = async (event: APIGatewayProxyEventV2): Promise<unknown> => {
    events.push(event);
    return nextResult();
  };
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const goodToken = (): Promise<string> =>
    signToken(key, { sub: 'alice', scope: 'accounts:read accounts:write', domains: ['a.org', 'b.org'] });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-server-'));
    key = await ensureSigningKey(join(dir, 'signing-key.json'));
    api = await startLocalApi({
      port: 0,
      handlers: { accounts: stub, public: stub, access: stub, loginEvents: stub },
      verifier: createVerifier(key),
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    events.length = 0;
    nextResult = () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  });

  it('binds to 127.0.0.1 on the port it was given (0: a free one)', () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    expect(api.port).toBeGreaterThan(0);
  });

  describe('authorizer', () => {
    it('lets a good token through and hands the claims over as API Gateway strings', async () => {
      const token = await goodToken();

      const reply = await send(`${api.url}/accounts/01J0000000000000000000000A`, 'GET', bearer(token));

      expect(reply.status).toBe(200);
      const event = events[0] as APIGatewayProxyEventV2WithJWTAuthorizer;
      const claims = event.requestContext.authorizer.jwt.claims;
      expect(claims.sub).toBe('alice');
      expect(claims.scope).toBe('accounts:read accounts:write');
      expect(claims.domains).toBe('[a.org b.org]');
      expect(claims.iss).toBe(LOCAL_ISSUER);
      expect(claims.aud).toBe(LOCAL_AUDIENCE);
      expect(claims.exp).toMatch(/^\d{10}$/);
      expect(claims.iat).toMatch(/^\d{10}$/);
      expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
      expect(event.requestContext.authorizer.jwt.scopes).toBeNull();
    });

    it('hands a single domain and the wildcard over as plain strings', async () => {
      await send(
        `${api.url}/accounts/x`,
        'GET',
        bearer(await signToken(key, { sub: 'bob', scope: 'accounts:read', domains: 'example.org' })),
      );
      await send(
        `${api.url}/accounts/x`,
        'GET',
        bearer(await signToken(key, { sub: 'root', scope: 'accounts:admin', domains: '*' })),
      );

      const domains = events.map(
        (e) => (e as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer.jwt.claims.domains,
      );
      expect(domains).toEqual(['example.org', '*']);
    });

    it('accepts the bare token as API Gateway does', async () => {
      const reply = await send(`${api.url}/accounts/x`, 'GET', { authorization: await goodToken() });

      expect(reply.status).toBe(200);
    });

    const now = () => Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', scope: 'accounts:admin', domains: '*' };
    const refused: Record<string, () => Promise<string | null>> = {
      'no token': async () => null,
      'an expired token': () => signToken(key, claims, { now: now() - 7200, ttlSeconds: 3600 }),
      'a token not valid yet': () => signToken(key, claims, { notBefore: now() + 3600 }),
      'a wrong issuer': () => signToken(key, claims, { issuer: 'https://elsewhere.example/' }),
      'a wrong audience': () => signToken(key, claims, { audience: 'another-api' }),
      'a bad signature': async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: key.kid })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
      },
      'alg none': async () =>
        new UnsecuredJWT({ ...claims })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .encode(),
      HS256: async () =>
        new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'HS256', kid: key.kid })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!')),
      'no expiry': async () =>
        new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: key.kid })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setIssuedAt()
          .sign(key.privateKey),
      'an unknown key id': async () =>
        new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: 'other' })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(key.privateKey),
      garbage: async () => 'not.a.jwt',
    };
    for (const [name, make] of Object.entries(refused)) {
      it(`answers 401 for ${name}, never reaching the function`, async () => {
        const token = await make();

        const reply = await send(`${api.url}/accounts/x`, 'GET', token === null ? {} : bearer(token));

        expect(reply.status).toBe(401);
        expect(json(reply)).toEqual({ message: 'Unauthorized' });
        expect(reply.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
        expect(events).toHaveLength(0);
      });
    }
  });

  describe('routing', () => {
    it('answers 404 {"message":"Not Found"} for an unknown path or method', async () => {
      const token = await goodToken();

      const unknownPath = await send(`${api.url}/nowhere`, 'GET', bearer(token));
      const unknownMethod = await send(`${api.url}/status-model`, 'POST', bearer(token));

      expect([unknownPath.status, unknownMethod.status]).toEqual([404, 404]);
      expect(json(unknownPath)).toEqual({ message: 'Not Found' });
      expect(events).toHaveLength(0);
    });

    it('serves the public routes without a token and without an authorizer context', async () => {
      const reply = await send(`${api.url}/status-model`, 'GET');
      const openapi = await send(`${api.url}/openapi.json`, 'GET');

      expect([reply.status, openapi.status]).toEqual([200, 200]);
      expect(events.map((e) => e.routeKey)).toEqual(['GET /status-model', 'GET /openapi.json']);
      expect('authorizer' in (events[0]?.requestContext ?? {})).toBe(false);
    });

    it('prefers a literal segment over a path parameter', async () => {
      await send(
        `${api.url}/accounts/bulk-status`,
        'POST',
        { ...bearer(await goodToken()), 'content-type': 'application/json' },
        '{}',
      );

      expect(events[0]?.routeKey).toBe('POST /accounts/bulk-status');
      expect(events[0]?.pathParameters).toBeUndefined();
    });
  });

  describe('the payload 2.0 event', () => {
    it('carries the request as API Gateway builds it', async () => {
      const token = await goodToken();

      await send(
        `${api.url}/accounts/01J0000000000000000000000A/status?x=1&tag=a&tag=b&email=a%2Bb%40c.org`,
        'PUT',
        {
          ...bearer(token),
          'Content-Type': 'application/json',
          'X-Dup': ['one', 'two'],
          Cookie: 'a=1; b=2',
          'User-Agent': 'local-test',
        },
        '{"status":"locked"}',
      );

      const event = events[0] as APIGatewayProxyEventV2WithJWTAuthorizer;
      expect(event.version).toBe('2.0');
      expect(event.routeKey).toBe('PUT /accounts/{accountId}/status');
      expect(event.rawPath).toBe('/accounts/01J0000000000000000000000A/status');
      expect(event.rawQueryString).toBe('x=1&tag=a&tag=b&email=a%2Bb%40c.org');
      expect(event.queryStringParameters).toEqual({ x: '1', tag: 'a,b', email: 'a+b@c.org' });
      expect(event.pathParameters).toEqual({ accountId: '01J0000000000000000000000A' });
      expect(event.headers['content-type']).toBe('application/json');
      expect(event.headers['x-dup']).toBe('one,two');
      expect(event.headers.authorization).toBe(`Bearer ${token}`);
      expect(event.headers.cookie).toBeUndefined();
      expect(event.cookies).toEqual(['a=1', 'b=2']);
      expect(event.body).toBe('{"status":"locked"}');
      expect(event.isBase64Encoded).toBe(false);
      const context = event.requestContext;
      expect(context.routeKey).toBe(event.routeKey);
      expect(context.stage).toBe('$default');
      expect(context.http).toEqual({
        method: 'PUT',
        path: event.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'local-test',
      });
      expect(context.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
      expect(context.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      expect(Math.abs(context.timeEpoch - Date.now())).toBeLessThan(60_000);
    });

    it('base64-encodes a body that is not text, as API Gateway does', async () => {
      const bytes = Buffer.from([0, 1, 2, 250, 255]);

      await send(
        `${api.url}/accounts`,
        'POST',
        { ...bearer(await goodToken()), 'content-type': 'application/octet-stream' },
        bytes,
      );

      expect(events[0]?.isBase64Encoded).toBe(true);
      expect(Buffer.from(events[0]?.body ?? '', 'base64')).toEqual(bytes);
    });

    it('leaves out the body, query and cookies a request does not have', async () => {
      await send(`${api.url}/status-model`, 'GET');

      const event = events[0];
      expect(event?.body).toBeUndefined();
      expect(event?.isBase64Encoded).toBe(false);
      expect(event?.queryStringParameters).toBeUndefined();
      expect(event?.cookies).toBeUndefined();
      expect(event?.rawQueryString).toBe('');
    });

    it("answers 413 above API Gateway's 10 MB payload limit without calling the function", async () => {
      const reply = await send(
        `${api.url}/accounts`,
        'POST',
        { ...bearer(await goodToken()), 'content-type': 'application/json' },
        Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
      );

      expect(reply.status).toBe(413);
      expect(events).toHaveLength(0);
    });
  });

  describe('the result mapping', () => {
    it('sends status, headers, cookies and body of a structured result', async () => {
      nextResult = () => ({
        statusCode: 201,
        headers: { Location: '/accounts/1', 'X-Count': 3 },
        cookies: ['a=1', 'b=2; Path=/'],
        body: '{"id":1}',
      });

      const reply = await send(`${api.url}/status-model`, 'GET');

      expect(reply.status).toBe(201);
      expect(reply.headers.location).toBe('/accounts/1');
      expect(reply.headers['x-count']).toBe('3');
      expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2; Path=/']);
      expect(reply.headers['apigw-requestid']).toBe(events[0]?.requestContext.requestId);
      expect(json(reply)).toEqual({ id: 1 });
    });

    it('decodes a base64 body', async () => {
      nextResult = () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: 'AAEC+v8=',
        isBase64Encoded: true,
      });

      const reply = await send(`${api.url}/status-model`, 'GET');

      expect(reply.body).toEqual(Buffer.from([0, 1, 2, 250, 255]));
    });

    it('makes a 200 application/json of a string or of a result without statusCode', async () => {
      nextResult = () => 'Hello from Lambda!';
      const text = await send(`${api.url}/status-model`, 'GET');
      nextResult = () => ({ hello: 'world' });
      const object = await send(`${api.url}/status-model`, 'GET');

      expect([text.status, object.status]).toEqual([200, 200]);
      expect(text.headers['content-type']).toBe('application/json');
      expect(text.body.toString()).toBe('Hello from Lambda!');
      expect(json(object)).toEqual({ hello: 'world' });
    });

    it('answers 503 when the function does not answer within the integration timeout', async () => {
      const slow = await startLocalApi({
        port: 0,
        handlers: { public: () => new Promise<never>(() => undefined) },
        verifier: createVerifier(key),
        timeoutMs: 50,
        log: () => undefined,
      });
      try {
        const reply = await send(`${slow.url}/status-model`, 'GET');

        expect(reply.status).toBe(503);
        expect(json(reply)).toEqual({ message: 'Service Unavailable' });
      } finally {
        await slow.stop();
      }
    });

    it('answers 500 {"message":"Internal Server Error"} when the function fails', async () => {
      nextResult = () => {
        throw new Error('boom');
      };

      const reply = await send(`${api.url}/status-model`, 'GET');

      expect(reply.status).toBe(500);
      expect(json(reply)).toEqual({ message: 'Internal Server Error' });
    });
  });

  describe("claims in API Gateway's string form", () => {
    it('turns every claim value into a string: arrays bracketed and space-separated, numbers and booleans as text', () => {
      const claims = apiGatewayClaims({
        sub: 'alice',
        domains: ['a.org', 'b.org'],
        single: ['only'],
        empty: [],
        exp: 1_900_000_000,
        ratio: 1.5,
        admin: true,
        nested: { b: 2, a: [1, 'x'] },
      });

      expect(claims).toEqual({
        sub: 'alice',
        domains: '[a.org b.org]',
        single: '[only]',
        empty: '[]',
        exp: '1900000000',
        ratio: '1.5',
        admin: 'true',
        nested: 'map[a:[1 x] b:2]',
      });
    });
  });
});
