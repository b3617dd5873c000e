/**
 * An account (000's Edit > General Information): its general information, the Account status control
 * with the targets allowed for this account and caller and Save; lock, maintenance, leaver mark, delete,
 * restore and permanent delete; the operation in progress with retry and cancel; and its History.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, unwrap, writeHeaders } from '../api/client';
import type { Account, Api, Status } from '../api/client';
import { hasScope } from '../auth/session';
import { allowedTargets, effect, isStuck, label, statusText, when } from '../model';
import { useConsole } from './context';
import { ConfirmDialog } from './Dialog';
import { ProblemNotice } from './ProblemNotice';

const HISTORY_PAGE = 20;
const POLL_WINDOW_MS = 5 * 60_000;

type Write =
  | { readonly kind: 'status'; readonly status: Status; readonly reason: string }
  | { readonly kind: 'leaver'; readonly leaveDate: string; readonly reason: string }
  | { readonly kind: 'unleaver' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'retry' }
  | { readonly kind: 'cancel' };

/** Sends one write with If-Match (the version on screen) and a fresh Idempotency-Key. */
function send(api: Api, account: Account, write: Write): Promise<Account> {
  const path = { accountId: account.accountId };
  const headers = writeHeaders(account.version);
  const reason = (text: string) => (text.trim() === '' ? {} : { reason: text.trim() });
  switch (write.kind) {
    case 'status':
      return unwrap(
        api.PUT('/accounts/{accountId}/status', {
          params: { path },
          body: { status: write.status, ...reason(write.reason) },
          headers,
        }),
      );
    case 'leaver':
      return unwrap(
        api.PUT('/accounts/{accountId}/leaver', {
          params: { path },
          body: { leaveDate: write.leaveDate, ...reason(write.reason) },
          headers,
        }),
      );
    case 'unleaver':
      return unwrap(api.DELETE('/accounts/{accountId}/leaver', { params: { path }, headers }));
    case 'delete':
      return unwrap(api.DELETE('/accounts/{accountId}', { params: { path }, headers }));
    case 'retry':
      return unwrap(api.POST('/accounts/{accountId}/in-progress/retry', { params: { path }, headers }));
    case 'cancel':
      return unwrap(api.POST('/accounts/{accountId}/in-progress/cancel', { params: { path }, headers }));
  }
}

const today = (): string => new Date().toISOString().slice(0, 10);

function AccountPage({ accountId }: { accountId: string }) {
  const { api, model, session } = useConsole();
  const queryClient = useQueryClient();
  const account = useQuery({
    queryKey: ['account', accountId],
    queryFn: () => unwrap(api.GET('/accounts/{accountId}', { params: { path: { accountId } } })),
    refetchInterval: (query) => {
      const started = query.state.data?.inProgress?.startedAt;
      return started !== undefined && Date.now() - Date.parse(started) < POLL_WINDOW_MS ? 1000 : false;
    },
  });
  const history = useInfiniteQuery({
    queryKey: ['history', accountId],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/accounts/{accountId}/history', {
          params: {
            path: { accountId },
            query: { limit: String(HISTORY_PAGE), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

  const [target, setTarget] = useState<Status | null>(null);
  const [reason, setReason] = useState('');
  const [leaveDate, setLeaveDate] = useState(today);
  const [notice, setNotice] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [dialog, setDialog] = useState<'delete' | 'purge' | null>(null);
  const [typed, setTyped] = useState('');

  const current = account.data;
  const targets = current ? allowedTargets(model, current, session) : [];
  // The control starts on the current status; the administrator's choice is kept across refusals.
  const chosen = target !== null && targets.some((t) => t.target === target) ? target : (current?.status ?? null);

  // A 202 operation: say so when it completes.
  useEffect(() => {
    if (waiting && current && current.inProgress === null) {
      setWaiting(false);
      setNotice(`Done: the account is now ${current.statusLabel}.`);
    }
  }, [waiting, current]);

  const write = useMutation({
    mutationFn: (w: Write) => send(api, current!, w),
    onSuccess: (updated, w) => {
      queryClient.setQueryData(['account', accountId], updated);
      setDialog(null);
      setTyped('');
      if (w.kind === 'status') {
        setTarget(null);
        setReason('');
      }
      setWaiting(updated.inProgress !== null);
      if (updated.inProgress !== null) {
        setNotice(
          `Saved: ${updated.statusLabel} now; the account becomes ${label(model, updated.inProgress.target)} when the mail platform is done.`,
        );
      } else {
        setNotice(`Saved: the account is now ${updated.statusLabel}. This takes effect immediately.`);
      }
    },
    onError: (error) => {
      // A refusal shows the account as it is now; what the administrator chose stays on screen.
      if (error instanceof ApiError && [409, 412].includes(error.problem.status))
        void queryClient.invalidateQueries({ queryKey: ['account', accountId] });
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['history', accountId] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['summary'] });
    },
  });

  if (account.error) {
    return (
      <section aria-labelledby="account-title">
        <h1 id="account-title">Account</h1>
        <ProblemNotice error={account.error} model={model} />
        <Link href="/">Back to mailboxes</Link>
      </section>
    );
  }
  if (!current) return <p role="status">Loading the account…</p>;

  const canWrite = hasScope(session, 'accounts:write');
  const isAdmin = hasScope(session, 'accounts:admin');
  const stuck = isStuck(current);
  const canDelete = targets.some((t) => t.target === 'deleted') && current.status !== 'deleted';
  const canPurge = current.status === 'deleted' && targets.some((t) => t.target === 'deleted_permanent');
  const canRestore = current.status === 'deleted' && targets.some((t) => t.target === 'active');
  const canMarkLeaver =
    canWrite &&
    current.inProgress === null &&
    current.leaver === null &&
    !['deleted', 'deleted_permanent'].includes(current.status);
  const statusTargets = targets.filter((t) => t.target !== 'deleted_permanent');

  const saveStatus = (event: FormEvent) => {
    event.preventDefault();
    if (chosen !== null) write.mutate({ kind: 'status', status: chosen, reason });
  };

  return (
    <section aria-labelledby="account-title">
      <p>
        <Link href="/">Back to mailboxes</Link>
      </p>
      <h1 id="account-title">{current.email ?? '(purged account)'}</h1>
      <p className={`status-line${current.status === 'disabled' ? ' blocked' : ''}`}>
        {statusText(model, current)}
        {stuck && <span className="badge stuck"> Stuck: in progress since {when(current.statusSince)}</span>}
      </p>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <ProblemNotice error={write.error} model={model} />

      <h2>General information</h2>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{current.email ?? '—'}</dd>
        <dt>Name</dt>
        <dd>{current.displayName ?? '—'}</dd>
        <dt>Domain</dt>
        <dd>{current.domain}</dd>
        <dt>Status</dt>
        <dd>
          {current.statusLabel} ({effect(model, current.status)}) since {when(current.statusSince)}
        </dd>
        <dt>Reason</dt>
        <dd>{current.statusReason ?? '—'}</dd>
        {current.lock && (
          <>
            <dt>Lock</dt>
            <dd>
              {current.lock.reason === 'admin' ? 'By an administrator' : 'After failed logins'}
              {current.lock.until ? `, until ${when(current.lock.until)}` : ''}; was{' '}
              {label(model, current.lock.previousStatus)}
            </dd>
          </>
        )}
        <dt>Leaver</dt>
        <dd>
          {current.leaver
            ? `Leaves ${current.leaver.leaveDate}; deleted after ${when(current.leaver.windowEndsAt)}`
            : 'No'}
        </dd>
        <dt>Last activity</dt>
        <dd>{when(current.lastActivityAt)}</dd>
        {current.purgeAfter && (
          <>
            <dt>Restorable until</dt>
            <dd>{when(current.purgeAfter)}</dd>
          </>
        )}
        <dt>Last changed</dt>
        <dd>
          {when(current.updatedAt)} by {current.updatedBy} (version {current.version})
        </dd>
      </dl>

      {current.inProgress && (
        <section className="operation" aria-labelledby="operation-title">
          <h2 id="operation-title">Operation in progress</h2>
          <label>
            Operation progress
            <progress />
          </label>
          <dl className="facts">
            <dt>Operation</dt>
            <dd>
              {current.inProgress.operation} → {label(model, current.inProgress.target)}
            </dd>
            <dt>Started</dt>
            <dd>{when(current.inProgress.startedAt)}</dd>
            <dt>Attempts</dt>
            <dd>{current.inProgress.attempts}</dd>
            <dt>Last error</dt>
            <dd>{current.inProgress.lastError ?? 'None'}</dd>
          </dl>
          {stuck && (
            <p className="problem">
              Stuck: this operation has been in progress longer than expected. Retry it, or cancel it and reconcile the
              mail platform (see the runbook).
            </p>
          )}
          <div className="actions">
            {canWrite && (
              <button type="button" onClick={() => write.mutate({ kind: 'retry' })} disabled={write.isPending}>
                Retry now
              </button>
            )}
            {isAdmin && (
              <button type="button" onClick={() => write.mutate({ kind: 'cancel' })} disabled={write.isPending}>
                Cancel operation
              </button>
            )}
          </div>
        </section>
      )}

      {canWrite && (
        <form className="status-form" onSubmit={saveStatus} aria-labelledby="status-title">
          <h2 id="status-title">Change status</h2>
          {statusTargets.length === 0 ? (
            <p>
              {current.inProgress
                ? 'No status can be set while an operation is in progress.'
                : 'No status can be set for this account.'}
            </p>
          ) : (
            <>
              <label>
                Account status
                <select value={chosen ?? ''} onChange={(e) => setTarget(e.target.value as Status)}>
                  {!statusTargets.some((t) => t.target === current.status) && (
                    <option value={current.status} disabled>
                      {current.statusLabel} (current)
                    </option>
                  )}
                  {statusTargets.map((t) => (
                    <option key={t.target} value={t.target}>
                      {label(model, t.target)} — {effect(model, t.target)}
                      {t.via ? ` (via ${label(model, t.via.status)})` : ''}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Reason
                <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
              </label>
              <button type="submit" className="primary" disabled={write.isPending || chosen === current.status}>
                Save
              </button>
            </>
          )}
        </form>
      )}

      {canWrite && (
        <section className="leaver" aria-labelledby="leaver-title">
          <h2 id="leaver-title">Leaver</h2>
          {current.leaver ? (
            <button type="button" onClick={() => write.mutate({ kind: 'unleaver' })} disabled={write.isPending}>
              Cancel leaver mark
            </button>
          ) : canMarkLeaver ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                write.mutate({ kind: 'leaver', leaveDate, reason });
              }}
            >
              <label>
                Leave date
                <input type="date" value={leaveDate} onChange={(e) => setLeaveDate(e.target.value)} required />
              </label>
              <button type="submit" disabled={write.isPending}>
                Mark as leaver
              </button>
            </form>
          ) : (
            <p>This account cannot be marked as a leaver now.</p>
          )}
        </section>
      )}

      {(canDelete || canRestore || canPurge) && (
        <section className="danger-zone" aria-labelledby="delete-title">
          <h2 id="delete-title">Delete</h2>
          {canDelete && (
            <button type="button" className="danger" onClick={() => setDialog('delete')}>
              Delete account
            </button>
          )}
          {canRestore && (
            <button
              type="button"
              onClick={() => write.mutate({ kind: 'status', status: 'active', reason })}
              disabled={write.isPending}
            >
              Restore account
            </button>
          )}
          {canPurge && isAdmin && (
            <button type="button" className="danger" onClick={() => setDialog('purge')}>
              Delete permanently
            </button>
          )}
        </section>
      )}

      <h2 id="history-title">History</h2>
      <div className="table-scroll" role="region" aria-labelledby="history-title" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Action</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {history.data?.pages
              .flatMap((p) => p.items)
              .map((entry) => (
                <tr key={entry.id}>
                  <td>{when(entry.at)}</td>
                  <td>{entry.actor}</td>
                  <td>{entry.from === null ? '—' : label(model, entry.from)}</td>
                  <td>{label(model, entry.to)}</td>
                  <td>{entry.action}</td>
                  <td>{entry.reason ?? ''}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <ProblemNotice error={history.error} model={model} />
      {history.hasNextPage && (
        <button type="button" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          Show older changes
        </button>
      )}

      {dialog === 'delete' && (
        <ConfirmDialog
          title="Delete account"
          confirmLabel="Yes, delete account"
          busy={write.isPending}
          onCancel={() => setDialog(null)}
          onConfirm={() => write.mutate({ kind: 'delete' })}
        >
          <p>
            Delete <strong>{current.email}</strong>? Login is blocked and mail is rejected. It can be restored until{' '}
            {model.durations.retentionSeconds
              ? `${Math.round(model.durations.retentionSeconds / 86_400)} days`
              : 'the retention period'}{' '}
            after deletion, then it is purged.
          </p>
          <ProblemNotice error={write.error} model={model} />
        </ConfirmDialog>
      )}
      {dialog === 'purge' && (
        <ConfirmDialog
          title="Delete permanently"
          confirmLabel="Yes, delete permanently"
          busy={write.isPending}
          confirmDisabled={typed.trim().toLowerCase() !== current.email}
          onCancel={() => {
            setDialog(null);
            setTyped('');
          }}
          onConfirm={() => write.mutate({ kind: 'status', status: 'deleted_permanent', reason })}
        >
          <p>
            This removes <strong>{current.email}</strong> for good: its address and name are erased and it can never be
            restored. Type the address to confirm.
          </p>
          <label>
            Type the address to confirm
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </label>
          <ProblemNotice error={write.error} model={model} />
        </ConfirmDialog>
      )}
    </section>
  );
}

export { AccountPage };
