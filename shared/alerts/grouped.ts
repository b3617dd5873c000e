/**
 * Grouped alerts (SPEC §5): on-call is paged per episode, not per account in a storm. One detector run or one
 * worker batch collects its alerts; at its end, a type with at most GROUP_THRESHOLD alerts goes out one by one
 * as before, a type with more goes out as ONE grouped page: its `count`, the first GROUP_SAMPLE accounts, and
 * `fullList`, where the full list is (the run's log: one `alert grouped` line per account, by id). Each
 * account's episode is still tracked on its own by the caller (its memory is written as for a single alert),
 * so its reminder and resolved notice stay correct.
 */
import { describeError, SILENT, type Logger } from '../observability';
import type { Alert, AlertAccount, AlertPublisher, AlertType } from './alert';

/** More alerts than this of one type in one run or batch become one grouped page. */
const GROUP_THRESHOLD = 5;
/** The accounts a grouped page names. */
const GROUP_SAMPLE = 20;

/** What to undo when an alert the caller counted as sent is finally not delivered. */
type Undo = () => Promise<void>;

/** A publisher that holds a run's alerts until {@link AlertGroup.flush}. */
interface AlertGroup extends AlertPublisher {
  /** Accepts `alert` (at once); `undo` runs if it is finally not delivered. */
  publish(alert: Alert, undo?: Undo): Promise<void>;
  /**
   * Sends what the run collected. Never throws: what could not be delivered is undone (each `undo`), logged,
   * and returned.
   */
  flush(): Promise<FlushResult>;
}

interface FlushResult {
  /** Pages sent: single alerts and grouped pages. */
  readonly sent: number;
  /** Alerts that went out inside a grouped page. */
  readonly grouped: number;
  /** Alerts not delivered (their `undo` has run). */
  readonly undelivered: readonly Alert[];
}

interface GroupOptions {
  /** Receives one `alert grouped` line per account of a grouped page: the full list. */
  readonly logger?: Logger;
  /** What collected the alerts, for `fullList` ("the stuck detector run", "worker batch"). */
  readonly source: string;
  /** The invocation's request id, which finds its log lines; null locally. */
  readonly requestId?: string | null;
  /** The real time: stamps the grouped page. */
  readonly clock?: () => Date;
}

const TYPE_WORDS: Readonly<Record<AlertType, string>> = {
  stuck: 'accounts newly stuck in progress',
  stuck_reminder: 'accounts still stuck in progress',
  stuck_resolved: 'stuck accounts resolved',
  sweep_brake: 'sweep brakes',
  operation_gave_up: 'operations gave up',
};

/** Where a grouped page's full list is. */
function fullListOf(type: AlertType, options: GroupOptions): string {
  const where = options.requestId ? `request ${options.requestId}` : 'this run';
  // Lambda names the function's log group in its environment; locally the log is the stack's console.
  const logGroup = process.env['AWS_LAMBDA_LOG_GROUP_NAME'];
  return (
    `The ${options.source} log${logGroup === undefined ? '' : ` (log group ${logGroup})`}, ${where}: ` +
    `one "alert grouped" line per account with type "${type}" ` +
    '(CloudWatch Logs Insights: filter message = "alert grouped" and alertType = "' +
    `${type}"${options.requestId ? ` and requestId = "${options.requestId}"` : ''}); each account's own alert ` +
    'summary and action are as in a single alert (docs/runbook.md).'
  );
}

/** The one page for `alerts` (all of one type, more than the threshold). */
function groupedPage(type: AlertType, alerts: readonly Alert[], options: GroupOptions): Alert {
  const accounts = alerts.map((a) => a.account).filter((a): a is AlertAccount => a !== undefined);
  const first = alerts[0];
  return {
    type,
    at: (options.clock?.() ?? new Date()).toISOString(),
    summary: `${alerts.length} ${TYPE_WORDS[type]} in one ${options.source} (grouped; first: ${first?.summary ?? ''})`,
    grouped: true,
    count: alerts.length,
    accounts: accounts.slice(0, GROUP_SAMPLE),
    fullList: fullListOf(type, options),
    ...(first?.action === undefined ? {} : { action: first.action }),
  };
}

/**
 * Collects the alerts of one run or batch from `publisher`'s callers.
 *
 * @example
 * const alerts = groupAlerts(deps.alerts, { source: 'stuck detector run', logger });
 * await runWith({ ...deps, alerts });
 * await alerts.flush();
 */
function groupAlerts(publisher: AlertPublisher, options: GroupOptions): AlertGroup {
  const logger = options.logger ?? SILENT;
  let held: { alert: Alert; undo: Undo | undefined }[] = [];

  /** Delivers one page; on failure undoes `entries`, then rethrows. */
  const deliver = async (page: Alert, entries: typeof held): Promise<void> => {
    try {
      await publisher.publish(page);
    } catch (error) {
      for (const { undo } of entries) await undo?.().catch(() => undefined);
      throw error;
    }
  };

  return {
    async publish(alert, undo) {
      held.push({ alert, undo });
    },
    async flush() {
      const entries = held;
      held = [];
      const byType = new Map<AlertType, typeof held>();
      for (const entry of entries) byType.set(entry.alert.type, [...(byType.get(entry.alert.type) ?? []), entry]);
      let sent = 0;
      let grouped = 0;
      const undelivered: Alert[] = [];
      for (const [type, ofType] of byType) {
        try {
          if (ofType.length <= GROUP_THRESHOLD) {
            for (const entry of ofType) {
              await deliver(entry.alert, [entry]).then(
                () => {
                  sent += 1;
                },
                (error: unknown) => {
                  undelivered.push(entry.alert);
                  logger.error('alert not delivered', { alertType: type, ...describeError(error) });
                },
              );
            }
            continue;
          }
          for (const { alert } of ofType) {
            // By id, never the address (logs name accounts by id; the page itself carries the first emails).
            logger.info('alert grouped', {
              alertType: type,
              accountId: alert.account?.accountId ?? null,
              domain: alert.account?.domain ?? null,
              status: alert.status ?? null,
              target: alert.target ?? null,
              since: alert.since ?? null,
              attempts: alert.attempts ?? null,
              requestId: options.requestId ?? null,
            });
          }
          await deliver(
            groupedPage(
              type,
              ofType.map((e) => e.alert),
              options,
            ),
            ofType,
          );
          sent += 1;
          grouped += ofType.length;
        } catch (error) {
          undelivered.push(...ofType.map((e) => e.alert));
          logger.error('grouped alert not delivered', {
            alertType: type,
            count: ofType.length,
            ...describeError(error),
          });
        }
      }
      return { sent, grouped, undelivered };
    },
  };
}

export { groupAlerts, GROUP_THRESHOLD, GROUP_SAMPLE };
export type { AlertGroup, GroupOptions, FlushResult };
