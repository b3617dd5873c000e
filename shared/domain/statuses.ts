/**
 * The status model of SPEC §1 as data: every status with its label, access policy and kind.
 * Pure: no I/O, no AWS imports.
 */

const Status = {
  PENDING: 'pending',
  ACTIVE: 'active',
  INACTIVE: 'inactive',
  LOCKED: 'locked',
  MAINTENANCE: 'maintenance',
  DISABLED: 'disabled',
  CLOSED: 'closed',
  DELETED: 'deleted',
  DELETED_PERMANENT: 'deleted_permanent',
  ENABLING: 'enabling',
  DISABLING: 'disabling',
  DELETING: 'deleting',
  RESTORING: 'restoring',
  MIGRATION_PENDING: 'migration_pending',
} as const;

type Status = (typeof Status)[keyof typeof Status];

const LoginPolicy = { ALLOW: 'allow', DENY: 'deny' } as const;
type LoginPolicy = (typeof LoginPolicy)[keyof typeof LoginPolicy];

const MailPolicy = { DELIVER: 'deliver', QUEUE: 'queue', REJECT: 'reject' } as const;
type MailPolicy = (typeof MailPolicy)[keyof typeof MailPolicy];

/** `resting`: no outstanding operation; `in_progress`: shown while an operation runs; `terminal`: never left. */
type StatusKind = 'resting' | 'in_progress' | 'terminal';

interface StatusDefinition {
  readonly status: Status;
  readonly label: string;
  readonly login: LoginPolicy;
  readonly mail: MailPolicy;
  readonly kind: StatusKind;
  /** Where the status comes from: the seed documents in ../shared/seeds. */
  readonly sources: readonly string[];
  readonly description: string;
}

const definitions: readonly StatusDefinition[] = [
  {
    status: 'pending',
    label: 'Pending',
    login: 'deny',
    mail: 'reject',
    kind: 'resting',
    sources: ['000', '001'],
    description: 'Not yet provisioned; also shown in progress while provisioning.',
  },
  {
    status: 'active',
    label: 'Active',
    login: 'allow',
    mail: 'deliver',
    kind: 'resting',
    sources: ['000', '001', '003'],
    description: 'The normal status: mail is delivered and the owner can log in.',
  },
  {
    status: 'inactive',
    label: 'Inactive',
    login: 'allow',
    mail: 'deliver',
    kind: 'resting',
    sources: ['001'],
    description: 'No activity for the inactivity period; set by the inactivity sweep, cleared by a login.',
  },
  {
    status: 'locked',
    label: 'Locked',
    login: 'deny',
    mail: 'deliver',
    kind: 'resting',
    sources: ['000', '001'],
    description: 'Login refused, mail still delivered; by an administrator or after too many failed logins.',
  },
  {
    status: 'maintenance',
    label: 'Maintenance',
    login: 'deny',
    mail: 'queue',
    kind: 'resting',
    sources: ['000'],
    description: 'Login refused; mail is queued at the MTA (temporary failure).',
  },
  {
    status: 'disabled',
    label: 'Disabled',
    login: 'deny',
    mail: 'deliver',
    kind: 'resting',
    sources: ['001', '003'],
    description: 'Access blocked by an administrator; the mailbox still receives and stores mail.',
  },
  {
    status: 'closed',
    label: 'Closed',
    login: 'deny',
    mail: 'reject',
    kind: 'resting',
    sources: ['000'],
    description: 'Soft-deleted; the account exists until it is deleted.',
  },
  {
    status: 'deleted',
    label: 'Deleted',
    login: 'deny',
    mail: 'reject',
    kind: 'resting',
    sources: ['001'],
    description: 'Deleted; restorable until purgeAfter.',
  },
  {
    status: 'deleted_permanent',
    label: 'Deleted Permanent',
    login: 'deny',
    mail: 'reject',
    kind: 'terminal',
    sources: ['001'],
    description: 'Purged: a tombstone without personal data; cannot be restored.',
  },
  {
    status: 'enabling',
    label: 'Enabling',
    login: 'deny',
    mail: 'deliver',
    kind: 'in_progress',
    sources: ['001'],
    description: 'In progress towards active, from disabled.',
  },
  {
    status: 'disabling',
    label: 'Disabling',
    login: 'deny',
    mail: 'deliver',
    kind: 'in_progress',
    sources: ['001'],
    description: 'In progress towards disabled.',
  },
  {
    status: 'deleting',
    label: 'Deleting',
    login: 'deny',
    mail: 'reject',
    kind: 'in_progress',
    sources: ['001'],
    description: 'In progress towards deleted or deleted_permanent.',
  },
  {
    status: 'restoring',
    label: 'Restoring',
    login: 'deny',
    mail: 'reject',
    kind: 'in_progress',
    sources: ['001'],
    description: 'In progress towards active, from deleted.',
  },
  {
    status: 'migration_pending',
    label: 'Migration Pending',
    login: 'allow',
    mail: 'queue',
    kind: 'in_progress',
    sources: ['001'],
    description: 'Being migrated; returns to active when the platform is done (about 8 hours).',
  },
];

const STATUSES: readonly Status[] = Object.values(Status);

const byStatus = new Map(definitions.map((d) => [d.status, d]));

/**
 * The definition of one status.
 *
 * @example
 * statusDefinition('maintenance').mail // 'queue'
 */
function statusDefinition(status: Status): StatusDefinition {
  const definition = byStatus.get(status);
  if (definition === undefined) throw new TypeError(`unknown status ${status}`);
  return definition;
}

/** Whether a string is one of the 14 statuses. */
function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && byStatus.has(value as Status);
}

/** The label shown to people; a leaver's label adds "(Leaver)". */
function statusLabel(status: Status, leaver: boolean): string {
  const label = statusDefinition(status).label;
  return leaver ? `${label} (Leaver)` : label;
}

export {
  Status,
  LoginPolicy,
  MailPolicy,
  STATUSES,
  definitions as STATUS_DEFINITIONS,
  statusDefinition,
  isStatus,
  statusLabel,
};
export type { StatusKind, StatusDefinition };
