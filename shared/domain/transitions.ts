/**
 * The administrator transition table of SPEC §2 as data. A target reached "via" an in-progress status
 * starts a platform operation (the request is then `underway`); the others change this service's record only.
 * Pure: no I/O.
 */
import type { Status } from './statuses';

const Operation = {
  PROVISION: 'provision',
  ENABLE: 'enable',
  DISABLE: 'disable',
  DELETE: 'delete',
  PURGE: 'purge',
  RESTORE: 'restore',
  MIGRATE: 'migrate',
} as const;
type Operation = (typeof Operation)[keyof typeof Operation];

const OPERATIONS: readonly Operation[] = Object.values(Operation);

const Scope = {
  READ: 'accounts:read',
  WRITE: 'accounts:write',
  ADMIN: 'accounts:admin',
  LOGIN_REPORT: 'login:report',
  ACCESS_CHECK: 'access:check',
  /** SPEC §10: an identity provider provisioning users over SCIM. */
  SCIM: 'scim:provision',
} as const;
type Scope = (typeof Scope)[keyof typeof Scope];

interface Via {
  /** The in-progress status shown while the operation runs. */
  readonly status: Status;
  readonly operation: Operation;
  /** Where the operation ends; the requested target unless it says otherwise (migrate ends in `active`). */
  readonly completesTo: Status;
}

interface AdminTransition {
  readonly target: Status;
  readonly via: Via | null;
  /** A scope beyond `accounts:write` that the caller needs for this target. */
  readonly requires: Scope | null;
}

const direct = (target: Status, requires: Scope | null = null): AdminTransition => ({ target, via: null, requires });
const via = (
  target: Status,
  status: Status,
  operation: Operation,
  requires: Scope | null = null,
  completesTo: Status = target,
): AdminTransition => ({ target, via: { status, operation, completesTo }, requires });

const disable = via('disabled', 'disabling', 'disable');
const remove = via('deleted', 'deleting', 'delete');

/** `active` and `inactive` allow the same targets. */
const FROM_ACTIVE: readonly AdminTransition[] = [
  direct('active'),
  direct('locked'),
  direct('maintenance'),
  disable,
  direct('closed'),
  remove,
  direct('pending', Scope.ADMIN),
  via('migration_pending', 'migration_pending', 'migrate', null, 'active'),
];

/** Allowed administrator targets by resting status (SPEC §2). In-progress statuses allow none. */
const ADMIN_TRANSITIONS: Readonly<Partial<Record<Status, readonly AdminTransition[]>>> = {
  pending: [via('active', 'pending', 'provision'), direct('closed'), remove],
  active: FROM_ACTIVE,
  inactive: FROM_ACTIVE,
  locked: [direct('active'), direct('locked'), direct('maintenance'), disable, direct('closed'), remove],
  maintenance: [direct('active'), direct('locked'), disable, direct('closed'), remove],
  disabled: [via('active', 'enabling', 'enable'), direct('closed'), remove],
  closed: [direct('active'), remove],
  deleted: [via('active', 'restoring', 'restore'), via('deleted_permanent', 'deleting', 'purge', Scope.ADMIN)],
  deleted_permanent: [],
};

/**
 * The administrator transitions out of a status; empty for in-progress and terminal statuses.
 *
 * @example
 * adminTransitions('disabled').map((t) => t.target) // ['active', 'closed', 'deleted']
 */
function adminTransitions(from: Status): readonly AdminTransition[] {
  return ADMIN_TRANSITIONS[from] ?? [];
}

/** The transition from `from` to `target`, or undefined when the table does not allow it. */
function findAdminTransition(from: Status, target: Status): AdminTransition | undefined {
  return adminTransitions(from).find((t) => t.target === target);
}

/** Whether a space-separated scope claim grants `needed` (admin includes write, write includes read). */
function hasScope(granted: readonly string[], needed: Scope): boolean {
  const implied: Record<string, readonly Scope[]> = {
    [Scope.ADMIN]: [Scope.ADMIN, Scope.WRITE, Scope.READ],
    [Scope.WRITE]: [Scope.WRITE, Scope.READ],
  };
  return granted.some((g) => g === needed || (implied[g]?.includes(needed) ?? false));
}

export { Operation, OPERATIONS, Scope, ADMIN_TRANSITIONS, adminTransitions, findAdminTransition, hasScope };
export type { AdminTransition, Via };
