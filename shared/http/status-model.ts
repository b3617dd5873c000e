/**
 * GET /status-model: the status model as data, from shared/domain — every status with its login and mail
 * policy, the administrator transition table, and the configured durations.
 */
import type { Policy } from '../domain/policy';
import { stuckAfterMs } from '../domain/policy';
import { STATUS_DEFINITIONS, STATUSES, type Status } from '../domain/statuses';
import { adminTransitions, Scope } from '../domain/transitions';

const SECOND = 1000;

/**
 * The statuses an operation runs in, which the stuck detector watches: every "via" status of the
 * transition table — the in-progress ones, and `pending` while provisioning.
 */
const OPERATION_STATUSES: ReadonlySet<Status> = new Set(
  STATUSES.flatMap((from) => adminTransitions(from).flatMap(({ via }) => (via === null ? [] : [via.status]))),
);

/**
 * The machine-readable status model under `policy`.
 *
 * @example
 * statusModel(DEFAULT_POLICY).transitions.find((t) => t.from === 'disabled')?.targets[0]
 * // { target: 'active', via: { status: 'enabling', operation: 'enable', completesTo: 'active' }, requires: null, answers: 202 }
 */
function statusModel(policy: Policy) {
  return {
    statuses: STATUS_DEFINITIONS.map(({ status, label, login, mail, kind, sources, description }) => ({
      status,
      label,
      leaverLabel: `${label} (Leaver)`,
      login,
      mail,
      kind,
      sources,
      description,
      stuckAfterSeconds:
        kind === 'in_progress' || OPERATION_STATUSES.has(status) ? stuckAfterMs(policy, status) / SECOND : null,
    })),
    transitions: STATUSES.map((from) => ({
      from,
      targets: adminTransitions(from).map(({ target, via, requires }) => ({
        target,
        via,
        requires: requires ?? Scope.WRITE,
        answers: via === null ? 200 : 202,
      })),
    })),
    scopes: Object.values(Scope),
    durations: {
      inactivitySeconds: policy.inactivityMs / SECOND,
      leaverWindowSeconds: policy.leaverWindowMs / SECOND,
      leaveDatePastDays: policy.leaveDatePastDays,
      leaveDateFutureDays: policy.leaveDateFutureDays,
      retentionSeconds: policy.retentionMs / SECOND,
      failureWindowSeconds: policy.failureWindowMs / SECOND,
      maxFailedLogins: policy.maxFailures,
      lockoutSeconds: policy.lockoutMs / SECOND,
      stuckReminderSeconds: policy.stuckReminderMs / SECOND,
    },
  };
}

type StatusModel = ReturnType<typeof statusModel>;

export { statusModel };
export type { StatusModel };
