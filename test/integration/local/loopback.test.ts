/**
 * SPEC §6: nothing the local stack starts is reachable from another machine. The listening sockets of
 * DynamoDB Local (started by the harness through the same startDynamoDbLocal the stack uses) and of the
 * local API, read from /proc/net/tcp and tcp6 as `ss -ltn` shows them, are all bound to loopback.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startLocalStack } from '../../../infra/local/stack';
import type { LocalStack } from '../../../infra/local/stack';
import { isLoopback, listeningAddresses } from '../../helpers/sockets';

describe('listening sockets', () => {
  let dir: string;
  let stack: LocalStack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-loopback-'));
    stack = await startLocalStack({
      port: 0,
      localDir: dir,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableName: `loopback-${randomUUID()}`,
      schedules: false,
      writeStackFile: false,
      log: () => {},
    });
  });

  afterAll(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("DynamoDB Local's every socket on its port is bound to a loopback address", () => {
    // Act
    const addresses = listeningAddresses(Number(new URL(inject('dynamodbEndpoint')).port));

    // Assess
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !isLoopback(address))).toEqual([]);
  });

  it("the local API's every socket is bound to a loopback address", () => {
    // Act
    const addresses = listeningAddresses(Number(new URL(stack.apiUrl).port));

    // Assess
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !isLoopback(address))).toEqual([]);
  });
});
