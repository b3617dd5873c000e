import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createLocalRetryScheduler,
  createSqsRetryScheduler,
  InvalidRetryMessageError,
  parseRetryMessage,
  type OwedRetry,
  type RetryMessage,
} from '../../../shared/worker/retry-scheduler';

describe('parseRetryMessage', () => {
  it('reads accountId, operationId and round', () => {
    expect(parseRetryMessage('{"accountId":"a1","operationId":"a1.3","round":2}')).toEqual({
      accountId: 'a1',
      operationId: 'a1.3',
      round: 2,
    });
  });

  it('accepts a message without a round', () => {
    expect(parseRetryMessage('{"accountId":"a1","operationId":"a1.3"}')).toEqual({
      accountId: 'a1',
      operationId: 'a1.3',
    });
  });

  it.each([
    'not json',
    'null',
    '{"accountId":"a1"}',
    '{"accountId":"","operationId":"x"}',
    '{"accountId":"a","operationId":"x","round":-1}',
    '{"accountId":"a","operationId":"x","round":"2"}',
  ])('refuses %s', (body) => {
    expect(() => parseRetryMessage(body)).toThrow(InvalidRetryMessageError);
  });
});

describe('createSqsRetryScheduler', () => {
  it('sends the message to the retry queue with the delay, capped at 900 seconds', async () => {
    // Prepare
    const sent: SendMessageCommand[] = [];
    const client = {
      send: async (command: SendMessageCommand) => {
        sent.push(command);
        return {};
      },
    };
    const scheduler = createSqsRetryScheduler('https://sqs.example/queue', client as never);
    const message: RetryMessage = { accountId: 'a1', operationId: 'a1.3', round: 1 };

    // Act
    await scheduler.schedule(message, 60);
    await scheduler.schedule(message, 1920);

    // Assess
    expect(sent.map((c) => c.input)).toEqual([
      { QueueUrl: 'https://sqs.example/queue', MessageBody: JSON.stringify(message), DelaySeconds: 60 },
      { QueueUrl: 'https://sqs.example/queue', MessageBody: JSON.stringify(message), DelaySeconds: 900 },
    ]);
  });
});

describe('createLocalRetryScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the message once its delay has passed', async () => {
    // Prepare
    vi.useFakeTimers();
    const ran: RetryMessage[] = [];
    const scheduler = createLocalRetryScheduler(async (m) => {
      ran.push(m);
    });
    const message = { accountId: 'a1', operationId: 'a1.3', round: 1 };

    // Act
    await scheduler.schedule(message, 30);
    await vi.advanceTimersByTimeAsync(29_999);
    const before = ran.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(before).toBe(0);
    expect(ran).toEqual([message]);
    expect(scheduler.pending()).toBe(0);
  });

  it('cancels what is waiting on stop', async () => {
    // Prepare
    vi.useFakeTimers();
    const run = vi.fn(async () => {});
    const scheduler = createLocalRetryScheduler(run);
    await scheduler.schedule({ accountId: 'a1', operationId: 'a1.3' }, 5);
    await scheduler.schedule({ accountId: 'a2', operationId: 'a2.3' }, 10);

    // Act
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess
    expect(run).not.toHaveBeenCalled();
    expect(scheduler.pending()).toBe(0);
  });

  it('logs a failed run instead of throwing it', async () => {
    // Prepare
    vi.useFakeTimers();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const scheduler = createLocalRetryScheduler(async () => {
      throw new Error('store unreachable');
    });

    // Act
    await scheduler.schedule({ accountId: 'a1', operationId: 'a1.3' }, 1);
    await vi.advanceTimersByTimeAsync(1_000);

    // Assess
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('store unreachable'));
    errors.mockRestore();
  });
});

describe('createLocalRetryScheduler with a retries file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbl-retries-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps each retry owed in the file (0600) until it has run, for the next scheduler to re-arm', async () => {
    // Prepare
    const file = join(dir, 'retries.json');
    const before = createLocalRetryScheduler(async () => {}, { file });
    await before.schedule({ accountId: 'a1', operationId: 'a1.3', round: 1 }, 600);
    await before.schedule({ accountId: 'a2', operationId: 'a2.3', round: 1 }, 900);
    await before.stop();

    // Act: a restart, with one of the two long overdue.
    const owed = JSON.parse(await readFile(file, 'utf8')) as { retries: OwedRetry[] };
    const overdue = owed.retries.map((r) => (r.accountId === 'a1' ? { ...r, dueAt: '2020-01-01T00:00:00.000Z' } : r));
    await writeFile(file, JSON.stringify({ retries: overdue }));
    const ran: RetryMessage[] = [];
    const after = createLocalRetryScheduler(
      async (m) => {
        ran.push(m);
      },
      { file },
    );
    await vi.waitFor(async () => {
      expect((JSON.parse(await readFile(file, 'utf8')) as { retries: OwedRetry[] }).retries).toHaveLength(1);
    });

    // Assess
    expect(owed.retries.map((r) => r.accountId)).toEqual(['a1', 'a2']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(ran).toEqual([{ accountId: 'a1', operationId: 'a1.3', round: 1 }]);
    expect(after.pending()).toBe(1);
    await after.stop();
  });
});
