/**
 * The status model as the console uses it: labels, what each status does to login and mail, the targets
 * an administrator may choose (all read from `GET /status-model`, never copied here), and the words the
 * seeds use on screen ("Blocked", stuck, in progress).
 */
import type { Account, Status } from './api/client';
import type { Session } from './auth/session';
import { hasScope } from './auth/session';

interface StatusInfo {
  readonly status: Status;
  readonly label: string;
  readonly leaverLabel: string;
  readonly login: 'allow' | 'deny';
  readonly mail: 'deliver' | 'queue' | 'reject';
  readonly kind: 'resting' | 'in_progress' | 'terminal';
  readonly description: string;
  readonly stuckAfterSeconds: number | null;
}

interface TransitionTarget {
  readonly target: Status;
  readonly via: { readonly status: Status; readonly operation: string; readonly completesTo: Status } | null;
  readonly requires: 'accounts:read' | 'accounts:write' | 'accounts:admin';
  readonly answers: 200 | 202;
}

interface StatusModel {
  readonly statuses: readonly StatusInfo[];
  readonly transitions: readonly { readonly from: Status; readonly targets: readonly TransitionTarget[] }[];
  readonly durations: Readonly<Record<string, number>>;
}

const MAIL_WORDS: Record<StatusInfo['mail'], string> = {
  deliver: 'mail delivered',
  queue: 'mail queued',
  reject: 'mail rejected',
};

function info(model: StatusModel, status: Status): StatusInfo | undefined {
  return model.statuses.find((s) => s.status === status);
}

/** "Locked" for `locked` (the status itself when the model does not know it). */
function label(model: StatusModel, status: Status): string {
  return info(model, status)?.label ?? status;
}

/**
 * What a status does, in words.
 *
 * @example
 * effect(model, 'disabled') // 'login blocked, mail delivered'
 */
function effect(model: StatusModel, status: Status): string {
  const s = info(model, status);
  if (!s) return '';
  return `${s.login === 'allow' ? 'login allowed' : 'login blocked'}, ${MAIL_WORDS[s.mail]}`;
}

/**
 * The targets this caller may choose for this account now: none while an operation is in progress,
 * those needing a scope the caller lacks left out, restore left out once `purgeAfter` has passed.
 */
function allowedTargets(model: StatusModel, account: Account, session: Session, now = Date.now()): TransitionTarget[] {
  if (account.inProgress !== null) return [];
  const row = model.transitions.find((t) => t.from === account.status);
  return (row?.targets ?? []).filter((t) => {
    if (!hasScope(session, t.requires)) return false;
    if (account.status === 'deleted' && t.target === 'active' && account.purgeAfter !== null)
      return Date.parse(account.purgeAfter) > now;
    return true;
  });
}

/** Access is blocked (003): the mailbox still receives mail but nobody can log in. */
const isBlocked = (account: Account): boolean => account.status === 'disabled';

/**
 * The status in words, as the list and the account page show it.
 *
 * @example
 * statusText(model, disabledAccount) // 'Disabled — access blocked'
 * statusText(model, disablingAccount) // 'Disabling → Disabled'
 */
function statusText(model: StatusModel, account: Account): string {
  if (account.inProgress !== null) return `${account.statusLabel} → ${label(model, account.inProgress.target)}`;
  if (isBlocked(account)) return `${account.statusLabel} — access blocked`;
  return account.statusLabel;
}

/**
 * Stuck as the API says: the stuck detector has paged on-call about the operation in progress and it is still
 * outstanding — the same accounts the domain summary counts as stuck.
 */
const isStuck = (account: Account): boolean => account.inProgress?.stuck === true;

/** An ISO time as people read it, in their own time zone; '—' for none. */
function when(iso: string | null): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export { label, effect, allowedTargets, isBlocked, statusText, isStuck, when, info };
export type { StatusModel, StatusInfo, TransitionTarget };
