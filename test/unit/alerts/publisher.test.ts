import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../shared/alerts/alert';
import { alertSubject, createAlertPublisher, MAX_SUBJECT_LENGTH } from '../../../shared/alerts/publisher';
import { loadConfig } from '../../../shared/config';

const alert: Alert = {
  type: 'operation_gave_up',
  at: '2025-03-01T12:00:00.000Z',
  summary: 'disable of a@example.org gave up after 5 attempts: HTTP 503 Service Unavailable',
  account: { accountId: 'a1', email: 'a@example.org', domain: 'example.org' },
  status: 'disabling',
  target: 'disabled',
  since: '2025-03-01T11:00:00.000Z',
  attempts: 5,
  lastError: 'HTTP 503 Service Unavailable',
  action: 'retry or cancel',
};

describe('alertSubject', () => {
  it('keeps a short summary', () => {
    expect(alertSubject(alert.summary)).toBe(alert.summary);
  });

  it('fits SNS: one printable ASCII line of at most 100 characters', () => {
    // Act
    const subject = alertSubject(`délai\n${'x'.repeat(200)}`);

    // Assess
    expect(subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
    expect(subject.startsWith('d?lai x')).toBe(true);
  });

  it('never sends an empty subject', () => {
    expect(alertSubject(' \n ')).toBe('Mailbox lifecycle alert');
  });
});

describe('createAlertPublisher with a topic', () => {
  it('publishes the alert as JSON to SNS with a subject from its summary', async () => {
    // Prepare
    const sent: PublishCommand[] = [];
    const sns = {
      send: async (command: PublishCommand) => {
        sent.push(command);
        return {};
      },
    };
    const publisher = createAlertPublisher(
      loadConfig({ ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-2:123456789012:on-call' }),
      { sns: sns as never },
    );

    // Act
    await publisher.publish(alert);

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toEqual({
      TopicArn: 'arn:aws:sns:eu-west-2:123456789012:on-call',
      Subject: alert.summary,
      Message: JSON.stringify(alert),
    });
  });

  it('lets an SNS failure reach the caller', async () => {
    const sns = {
      send: async () => {
        throw new Error('throttled');
      },
    };
    const publisher = createAlertPublisher(
      loadConfig({ ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-2:123456789012:on-call' }),
      { sns: sns as never },
    );
    await expect(publisher.publish(alert)).rejects.toThrow('throttled');
  });
});

describe('createAlertPublisher locally', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alerts-'));
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a line and appends one JSON line per alert to the file, creating its directory', async () => {
    // Prepare
    const file = join(dir, 'nested', 'alerts.jsonl');
    const publisher = createAlertPublisher(loadConfig({ ALERT_FILE: file }));

    // Act
    await publisher.publish(alert);
    await publisher.publish({ ...alert, type: 'stuck' });

    // Assess
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Alert);
    expect(lines).toEqual([alert, { ...alert, type: 'stuck' }]);
    expect(console.log).toHaveBeenCalledWith(`ALERT operation_gave_up: ${alert.summary}`);
  });

  it('prints control and bidi characters as escapes, never raw to the on-call terminal', async () => {
    // Prepare: an address stored before addresses were canonical.
    const publisher = createAlertPublisher(loadConfig({}));
    const hostile = { ...alert, summary: 'disable of moc.elpmaxe\u202e@a.org \u001b[2J gave up' };

    // Act
    await publisher.publish(hostile);

    // Assess
    expect(console.log).toHaveBeenCalledWith(
      'ALERT operation_gave_up: disable of moc.elpmaxe\\u{202e}@a.org \\u{1b}[2J gave up',
    );
  });

  it('POSTs the alert to the webhook when one is set', async () => {
    // Prepare
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(null, { status: 204 });
    }) as typeof globalThis.fetch;
    const publisher = createAlertPublisher(loadConfig({ ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts' }), { fetch });

    // Act
    await publisher.publish(alert);

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://127.0.0.1:9/alerts');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(alert);
  });

  it('reports webhook and file failures without throwing them', async () => {
    // Prepare
    const errors: string[] = [];
    const fetch = (async () => new Response('no', { status: 500 })) as typeof globalThis.fetch;
    const publisher = createAlertPublisher(
      loadConfig({ ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts', ALERT_FILE: join(dir, '\0bad') }),
      { fetch, onError: (message) => errors.push(message) },
    );

    // Act
    await publisher.publish(alert);

    // Assess
    expect(errors.sort()).toEqual([expect.stringMatching(/^alert not written/), 'alert webhook failed']);
  });
});
