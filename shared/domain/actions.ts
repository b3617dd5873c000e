/**
 * The `action` of every history entry (SPEC §3): what happened, in one word. Pure data.
 */
import { Operation } from './transitions';

const Action = {
  /** The account was created (from null to pending). */
  CREATE: 'create',
  /** Administrator targets reached via an operation: the operation's name. */
  ...Operation,
  /** Administrator targets changed directly. */
  ACTIVATE: 'activate',
  LOCK: 'lock',
  UNLOCK: 'unlock',
  MAINTENANCE: 'maintenance',
  CLOSE: 'close',
  SET_PENDING: 'set_pending',
  /** Other administrator requests. */
  RENAME: 'rename',
  MARK_LEAVER: 'mark_leaver',
  UNMARK_LEAVER: 'unmark_leaver',
  RETRY: 'retry',
  CANCEL: 'cancel',
  /** The identity provider's profile of the person (externalId, name) changed. */
  UPDATE_PROFILE: 'update_profile',
  /** A status was asked for while an operation was in progress: kept, applied when it ends (or dropped). */
  WANT: 'want',
  /** Login events (actor BackgroundTasks). */
  LOCKOUT: 'lockout',
  LOGIN_UNLOCK: 'login_unlock',
  LOGIN_REACTIVATE: 'login_reactivate',
  /** Sweeps (actor BackgroundTasks). */
  INACTIVITY: 'inactivity',
  LOCKOUT_EXPIRED: 'lockout_expired',
  LEAVER_DELETE: 'leaver_delete',
  RETENTION_PURGE: 'retention_purge',
  /** The worker completed an in-progress operation. */
  COMPLETE: 'complete',
} as const satisfies Record<string, string>;

type Action = (typeof Action)[keyof typeof Action];

const ACTIONS: readonly Action[] = Object.values(Action);

export { Action, ACTIONS };
