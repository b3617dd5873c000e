/**
 * The worker's use-case (SPEC §5): one attempt of an account's in-progress operation on the mail platform.
 * A success completes the operation; a failure records `attempts` and `lastError` (no history, no version,
 * no stream dispatch) and schedules the next attempt with exponential backoff, or, after the last attempt
 * of the round, raises an `operation_gave_up` alert and leaves the account in progress for an operator's
 * retry or cancel. A late, cancelled or completed operation never changes the account.
 */
import { operationFields, type Alert, type AlertPublisher } from '../alerts/alert';
import type { Config } from '../config';
import type { Account, InProgress } from '../domain/account';
import { describeError, type Logger } from '../observability';
import type { MailPlatform } from '../platform/port';
import { apply, type Deps } from '../services/apply';
import { nowOf } from '../services/deps';
import { backoffSeconds, truncateError } from './retry-policy';
import type { RetryScheduler } from './retry-scheduler';

interface WorkerDeps extends Deps {
  readonly platform: MailPlatform;
  readonly scheduler: RetryScheduler;
  readonly alerts: AlertPublisher;
  readonly worker: Pick<Config['worker'], 'maxAttempts' | 'firstDelaySeconds'>;
  /** The little logging the worker does; Powertools' Logger fits it. */
  readonly log: Logger;
}

interface RunOptions {
  /** The round the trigger belongs to (stream dispatch or retry message); a stale round is skipped. */
  readonly round?: number;
  /** Recorded on the completion's history entry. */
  readonly requestId?: string | null;
}

type RunResult =
  /** Not (or no longer) this operation's turn: nothing was called or written. */
  | { readonly outcome: 'skipped'; readonly reason: string }
  | { readonly outcome: 'completed'; readonly account: Account }
  | { readonly outcome: 'retrying'; readonly attempts: number; readonly delaySeconds: number }
  | { readonly outcome: 'gave_up'; readonly attempts: number };

/** Why the account is not running operation `operationId` round `round` any more, or null if it is. */
function notRunnable(
  account: Account | null,
  operationId: string,
  round: number | undefined,
  maxAttempts: number,
): string | null {
  const op = account?.inProgress;
  if (!account) return 'account not found';
  if (!op) return 'not in progress';
  if (op.operationId !== operationId) return 'another operation is in progress';
  if (round !== undefined && op.round !== round) return `round ${round} was replaced by round ${op.round}`;
  if (op.attempts >= maxAttempts) return 'attempts exhausted; waiting for an operator';
  return null;
}

/**
 * The `operation_gave_up` alert for an account whose round of attempts is used up.
 *
 * @example
 * await alerts.publish(gaveUpAlert(account, new Date()));
 */
function gaveUpAlert(account: Account, now: Date): Alert {
  const op = account.inProgress as InProgress;
  const { accountId, email } = account;
  const path = `/accounts/${accountId}/in-progress`;
  return {
    type: 'operation_gave_up',
    at: now.toISOString(),
    summary:
      `${op.operation} of ${email ?? accountId} gave up after ${op.attempts} attempts: ${op.lastError ?? 'unknown error'}`.replace(
        /\s+/g,
        ' ',
      ),
    ...operationFields(account, op),
    action:
      `Fix the platform side, then retry with POST ${path}/retry; or cancel with POST ${path}/cancel ` +
      '(accounts:admin) and reconcile the platform. See docs/runbook.md, "operation_gave_up".',
  };
}

/** Records the failed attempt of round `round`; a round replaced while it ran (an operator's retry) is left alone. */
async function recordFailure(
  deps: WorkerDeps,
  account: Account,
  operationId: string,
  round: number,
  message: string,
): Promise<RunResult> {
  const { accountId } = account;
  const error = truncateError(message);
  const applied = await apply(
    deps,
    account,
    { kind: 'operation_failed', operationId, round, error },
    { race: 'system' },
  );
  const op = applied.account.inProgress;
  if (applied.outcome !== 'quiet' || !op || op.operationId !== operationId) {
    return { outcome: 'skipped', reason: 'the operation ended, or a new round began, while the attempt ran' };
  }
  const { maxAttempts, firstDelaySeconds } = deps.worker;
  if (op.attempts < maxAttempts) {
    const delaySeconds = backoffSeconds(op.attempts, firstDelaySeconds);
    await deps.scheduler.schedule({ accountId, operationId, round: op.round }, delaySeconds);
    deps.log.warn('attempt failed; retry scheduled', {
      accountId,
      operationId,
      attempts: op.attempts,
      delaySeconds,
      error,
    });
    return { outcome: 'retrying', attempts: op.attempts, delaySeconds };
  }
  deps.log.error('operation gave up', { accountId, operationId, attempts: op.attempts, error });
  if (op.attempts === maxAttempts) {
    await deps.alerts.publish(gaveUpAlert(applied.account, nowOf(deps))).catch((failure: unknown) => {
      // The account stays in progress either way; the stuck detector pages later if this alert is lost.
      deps.log.error('operation_gave_up alert not published', { accountId, operationId, ...describeError(failure) });
    });
  }
  return { outcome: 'gave_up', attempts: op.attempts };
}

/**
 * Runs one attempt of operation `operationId` on account `accountId`.
 *
 * @example
 * const result = await runOperation(deps, accountId, operationId, { round: 1 });
 * // { outcome: 'completed', account } | { outcome: 'retrying', attempts, delaySeconds } | …
 */
async function runOperation(
  deps: WorkerDeps,
  accountId: string,
  operationId: string,
  options: RunOptions = {},
): Promise<RunResult> {
  const account = await deps.store.get(accountId);
  const reason = notRunnable(account, operationId, options.round, deps.worker.maxAttempts);
  if (reason !== null || account === null || account.inProgress === null) {
    deps.log.info('nothing to run', { accountId, operationId, reason });
    return { outcome: 'skipped', reason: reason ?? 'not in progress' };
  }
  const { operation, target, round } = account.inProgress;
  const result = await deps.platform.perform({ operationId, operation, accountId, email: account.email, target });
  if (!result.ok) return recordFailure(deps, account, operationId, round, result.error);

  const request = { kind: 'operation_completed', operationId, requestId: options.requestId ?? null } as const;
  const applied = await apply(deps, account, request, { race: 'system' });
  if (applied.outcome !== 'changed') {
    deps.log.info('completion changed nothing', { accountId, operationId, outcome: applied.outcome });
    return { outcome: 'skipped', reason: 'the operation ended while the attempt ran' };
  }
  deps.log.info('operation completed', { accountId, operationId, operation, status: applied.account.status });
  return { outcome: 'completed', account: applied.account };
}

export { runOperation, gaveUpAlert };
export type { RunOptions, RunResult, WorkerDeps };
