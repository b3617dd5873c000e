/**
 * The alerts the sweeps raise (SPEC §5): `stuck`, `stuck_reminder`, `stuck_resolved` and `sweep_brake`.
 * Each says what happened in one line and what on-call should do. Pure: no I/O.
 */
import { alertAccount, operationFields, type Alert } from '../alerts/alert';
import type { Account, InProgress, StuckAlert } from '../domain/account';
import type { AccountSweep } from '../domain/due';

/** Where the runbook explains each alert (docs/runbook.md). */
const RUNBOOK = 'docs/runbook.md';

const named = (account: Account): string => `${account.accountId} (${account.email ?? 'purged'})`;

const hoursBetween = (from: string, to: Date): number => Math.floor((to.getTime() - Date.parse(from)) / 3_600_000);

/** What to do about a stuck operation: find out why, then retry or cancel. */
function stuckAction(account: Account, op: InProgress): string {
  const path = `/accounts/${account.accountId}/in-progress`;
  return (
    `Find out why the mail platform has not completed operation ${op.operationId} (${op.operation}): ` +
    `check lastError and the platform. Once fixed, retry with POST ${path}/retry (accounts:write); to give up, ` +
    `POST ${path}/cancel (accounts:admin) returns the account to ${op.from} — then reconcile the platform by hand. ` +
    `See ${RUNBOOK}#stuck.`
  );
}

/** The fields every stuck and reminder alert carries. */
function stuckFields(account: Account, op: InProgress) {
  return {
    ...operationFields(account, op),
    action: stuckAction(account, op),
  };
}

/**
 * An account has been in progress past its threshold: the first alert of the episode.
 *
 * @example
 * stuckAlert(account, account.inProgress, now, new Date()) // { type: 'stuck', summary: 'Account … stuck in disabling …', … }
 */
function stuckAlert(account: Account, op: InProgress, now: Date, at: Date): Alert {
  const error = op.lastError === null ? 'no error recorded' : `last error: ${op.lastError}`;
  return {
    type: 'stuck',
    at: at.toISOString(),
    summary:
      `Account ${named(account)} stuck in ${account.status} → ${op.target} for ${hoursBetween(op.startedAt, now)} h ` +
      `(${op.attempts} attempts, ${error})`,
    ...stuckFields(account, op),
  };
}

/** Still stuck in the same episode, a reminder period after the last alert. */
function stuckReminder(account: Account, op: InProgress, memory: StuckAlert, now: Date, at: Date): Alert {
  return {
    type: 'stuck_reminder',
    at: at.toISOString(),
    summary:
      `Still stuck: account ${named(account)} in ${account.status} → ${op.target} for ${hoursBetween(op.startedAt, now)} h ` +
      `(${op.attempts} attempts)`,
    ...stuckFields(account, op),
    alertedAt: memory.alertedAt,
  };
}

/** The episode alerted on has ended: the account left that in-progress status (or moved to another operation). */
function stuckResolved(account: Account, memory: StuckAlert, at: Date): Alert {
  const now =
    account.inProgress === null ? account.status : `${account.status} (operation ${account.inProgress.operationId})`;
  return {
    type: 'stuck_resolved',
    at: at.toISOString(),
    summary: `Resolved: account ${named(account)} is no longer stuck in ${memory.status}; now ${now}`,
    account: alertAccount(account),
    status: account.status,
    stuckStatus: memory.status,
    operationId: memory.operationId,
    alertedAt: memory.alertedAt,
    action: 'Nothing to do. If the operation was cancelled, make sure the mail platform matches the account.',
  };
}

interface BrakeDetails {
  readonly sweep: AccountSweep;
  /** The run's fixed now. */
  readonly now: Date;
  /** How many candidates were found before stopping (maxAffected + 1: there may be more). */
  readonly found: number;
  readonly maxAffected: number;
}

/** A destructive sweep found more than maxAffected candidates and changed nothing. */
function sweepBrake(details: BrakeDetails, at: Date): Alert {
  const { sweep, found, maxAffected } = details;
  return {
    type: 'sweep_brake',
    at: at.toISOString(),
    summary: `The ${sweep} sweep found more than ${maxAffected} accounts due and changed nothing`,
    sweep,
    now: details.now.toISOString(),
    candidates: found,
    maxAffected,
    action:
      `Nothing was changed. Find out why so many accounts are due (a bulk import of leavers, a clock or ` +
      `configuration error): run the sweep with {"dryRun": true} to count them. If the number is expected, run it ` +
      `once with {"maxAffected": <at least that number>}; otherwise fix the cause first — the brake holds on every ` +
      `run until then. See ${RUNBOOK}#sweep_brake.`,
  };
}

export { stuckAlert, stuckReminder, stuckResolved, sweepBrake, RUNBOOK };
export type { BrakeDetails };
