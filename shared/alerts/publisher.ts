/**
 * The alert publisher (SPEC §5): the on-call SNS topic in the cloud (ALERT_TOPIC_ARN); locally a console
 * line, a JSON line appended to ALERT_FILE (.local/alerts.jsonl) and a POST to ALERT_WEBHOOK_URL if set.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig } from '../aws/clients';
import type { Config } from '../config';
import { reportError } from '../observability';
import type { AlertPublisher } from './alert';

type SnsClient = Pick<SNSClient, 'send'>;

interface PublisherOptions {
  /** Injected in tests; one client per publisher otherwise. */
  readonly sns?: SnsClient;
  readonly fetch?: typeof fetch;
  /** Where local delivery problems are reported (console.error by default). */
  readonly onError?: (message: string, error: unknown) => void;
  /** The local webhook's timeout. */
  readonly webhookTimeoutMs?: number;
}

/** SNS's limit on a subject. */
const MAX_SUBJECT_LENGTH = 100;
const FALLBACK_SUBJECT = 'Mailbox lifecycle alert';

/**
 * An SNS subject from a summary: printable ASCII on one line, at most 100 characters.
 *
 * @example
 * alertSubject('delete of a@example.org gave up after 5 attempts: HTTP 503') // unchanged (fits)
 */
function alertSubject(summary: string): string {
  const line = summary
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '?')
    .trim();
  if (line === '') return FALLBACK_SUBJECT;
  return line.length <= MAX_SUBJECT_LENGTH ? line : `${line.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

/**
 * The SNS SDK, loaded when the first alert goes out: most invocations of the functions that may alert send
 * none, and need not pay for loading it at start (SPEC §8).
 */
const loadSns = () => import('../aws/sns');

function snsPublisher(topicArn: string, region: string, injected: SnsClient | undefined): AlertPublisher {
  let sns = injected;
  return {
    async publish(alert) {
      const { PublishCommand, SNSClient } = await loadSns();
      sns ??= new SNSClient(awsClientConfig({ region }));
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: alertSubject(alert.summary),
          Message: JSON.stringify(alert),
        }),
      );
    },
  };
}

function localPublisher(config: Config['alerts'], options: PublisherOptions): AlertPublisher {
  const onError = options.onError ?? reportError;
  const send = options.fetch ?? fetch;
  const timeoutMs = options.webhookTimeoutMs ?? 5_000;
  const toFile = async (file: string, line: string): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, `${line}\n`);
  };
  const toWebhook = async (url: string, line: string): Promise<void> => {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: line,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  };
  return {
    async publish(alert) {
      const line = JSON.stringify(alert);
      console.log(`ALERT ${alert.type}: ${alert.summary}`);
      const deliveries: Promise<void>[] = [];
      if (config.file)
        deliveries.push(
          toFile(config.file, line).catch((e: unknown) => onError(`alert not written to ${config.file}`, e)),
        );
      if (config.webhookUrl)
        deliveries.push(toWebhook(config.webhookUrl, line).catch((e: unknown) => onError('alert webhook failed', e)));
      await Promise.all(deliveries);
    },
  };
}

/**
 * The configured alert publisher. SNS errors reach the caller (which decides whether its change waits
 * for the alert); local deliveries are best effort: their failures are reported through `onError`,
 * never thrown.
 *
 * @example
 * const alerts = createAlertPublisher(loadConfig());
 * await alerts.publish({ type: 'stuck', at, summary, account, … });
 */
function createAlertPublisher(
  config: Pick<Config, 'alerts' | 'region'>,
  options: PublisherOptions = {},
): AlertPublisher {
  const { topicArn } = config.alerts;
  if (topicArn !== undefined) return snsPublisher(topicArn, config.region, options.sns);
  return localPublisher(config.alerts, options);
}

export { createAlertPublisher, alertSubject, MAX_SUBJECT_LENGTH };
export type { PublisherOptions };
