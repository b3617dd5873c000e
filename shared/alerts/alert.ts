/**
 * On-call alerts (SPEC §5): JSON objects with `type`, `at`, a one-line `summary`, and the fields of their
 * kind. One publisher sends them all: the SNS topic in the cloud; the console, .local/alerts.jsonl and
 * ALERT_WEBHOOK_URL locally.
 */
import type { Account, InProgress } from '../domain/account';
import type { Status } from '../domain/statuses';

type AlertType = 'stuck' | 'stuck_reminder' | 'stuck_resolved' | 'sweep_brake' | 'operation_gave_up';

/** The account an alert is about; alerts carry the email so on-call can act. */
interface AlertAccount {
  readonly accountId: string;
  readonly email: string | null;
  readonly domain: string;
}

interface Alert {
  readonly type: AlertType;
  /** ISO 8601. */
  readonly at: string;
  /** One line, for a pager or an email subject. */
  readonly summary: string;
  readonly account?: AlertAccount;
  readonly status?: Status;
  readonly target?: Status;
  readonly since?: string;
  readonly attempts?: number;
  readonly lastError?: string | null;
  /** What on-call should do, in a sentence or two. */
  readonly action?: string;
  /** Anything else the kind carries (a sweep brake's candidate count, say). */
  readonly [field: string]: unknown;
}

/** The one alert publisher port. */
interface AlertPublisher {
  publish(alert: Alert): Promise<void>;
}

/** The account an alert names: id, email (so on-call can act) and domain. */
const alertAccount = (account: Account): AlertAccount => ({
  accountId: account.accountId,
  email: account.email,
  domain: account.domain,
});

/**
 * The fields every alert about an in-progress operation carries: the account, where it is and where it is
 * going, since when, and how its attempts went.
 *
 * @example
 * const alert: Alert = { type: 'stuck', at, summary, ...operationFields(account, account.inProgress), action };
 */
function operationFields(account: Account, op: InProgress) {
  return {
    account: alertAccount(account),
    status: account.status,
    target: op.target,
    since: op.startedAt,
    attempts: op.attempts,
    lastError: op.lastError,
    operation: op.operation,
    operationId: op.operationId,
  };
}

export { alertAccount, operationFields };
export type { Alert, AlertAccount, AlertPublisher, AlertType };
