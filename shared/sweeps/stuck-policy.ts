/**
 * The stuck detector's alerting policy (SPEC §5) as one pure function: given an account as read, which
 * alerts are due and what its stuck memory (`stuckAlert`) becomes. An episode is one in-progress status
 * of one operation (`inProgress.operationId` + status): one `stuck` alert per episode, a `stuck_reminder`
 * every reminder period while it lasts, a `stuck_resolved` once it has ended. The time rules (the stuck
 * threshold, the reminder period) are the domain's: shared/domain/due.ts. Pure: no I/O.
 */
import type { Alert } from '../alerts/alert';
import type { Account, StuckAlert } from '../domain/account';
import { isDue, nextReminderAt, reached, sameEpisode } from '../domain/due';
import type { Policy } from '../domain/policy';
import { stuckAlert, stuckReminder, stuckResolved } from './alerts';

interface StuckPlan {
  /** In progress past its status's threshold at `now`. */
  readonly stuck: boolean;
  /** To publish, in order, once `memory` is written. */
  readonly alerts: readonly Alert[];
  /** What `stuckAlert` becomes; `undefined` when it stays as it is (nothing to write). */
  readonly memory: StuckAlert | null | undefined;
  readonly alerted: number;
  readonly reminded: number;
  readonly resolved: number;
}

/**
 * What the stuck detector does with `account` at the run's `now`; alerts are stamped `at` (the real time).
 *
 * @example
 * const plan = planStuck(account, now, new Date(), policy);
 * if (plan.memory !== undefined) await store.quiet(account, { ...account, stuckAlert: plan.memory });
 */
function planStuck(account: Account, now: Date, at: Date, policy: Policy): StuckPlan {
  const stuck = isDue('stuck', account, now, policy);
  const op = account.inProgress;
  const memory = account.stuckAlert;
  const current = memory !== null && sameEpisode(account, memory);
  const alerts: Alert[] = [];
  let next: StuckAlert | null | undefined;
  let alerted = 0;
  let reminded = 0;
  let resolved = 0;
  const remindAt = nextReminderAt(now, policy);
  if (memory !== null && !current) {
    alerts.push(stuckResolved(account, memory, at));
    next = null;
    resolved = 1;
  }
  if (stuck && op !== null && !current) {
    alerts.push(stuckAlert(account, op, now, at));
    next = { operationId: op.operationId, status: account.status, alertedAt: now.toISOString(), remindAt };
    alerted = 1;
  } else if (stuck && op !== null && memory !== null && current && reached(memory.remindAt, now)) {
    alerts.push(stuckReminder(account, op, memory, now, at));
    next = { ...memory, remindAt };
    reminded = 1;
  }
  return { stuck, alerts, memory: next, alerted, reminded, resolved };
}

export { planStuck };
export type { StuckPlan };
