/**
 * Bulk: one status for the selected rows, each account on its own; the outcome of each is listed
 * (changed, accepted and in progress, unchanged, refused with the reason, not found).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { unwrap } from '../api/client';
import type { Account, Status } from '../api/client';
import { hasScope } from '../auth/session';
import { explain, ProblemNotice } from './ProblemNotice';
import { useConsole } from './context';

const OUTCOME_WORDS: Record<string, string> = {
  changed: 'Changed',
  accepted: 'Accepted (in progress)',
  unchanged: 'Unchanged (already so)',
  refused: 'Refused',
  not_found: 'Not found',
};

interface Outcome {
  readonly email: string;
  readonly outcome: string;
  readonly detail: string;
}

function BulkStatus({ accounts, onDone }: { accounts: readonly Account[]; onDone: () => void }) {
  const { api, model, session } = useConsole();
  const queryClient = useQueryClient();
  const targets = [...new Set(model.transitions.flatMap((t) => t.targets))]
    .filter((t) => hasScope(session, t.requires) && t.target !== 'deleted_permanent')
    .map((t) => t.target)
    .filter((status, index, all) => all.indexOf(status) === index);
  const [status, setStatus] = useState<Status>('disabled');
  const [reason, setReason] = useState('');
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);

  const apply = useMutation({
    mutationFn: (chosen: readonly Account[]) =>
      unwrap(
        api.POST('/accounts/bulk-status', {
          body: { accountIds: chosen.map((a) => a.accountId), status, ...(reason ? { reason } : {}) },
          headers: { 'idempotency-key': crypto.randomUUID() },
        }),
      ).then((result) => ({ result, chosen })),
    onSuccess: ({ result, chosen }) => {
      const emails = new Map(chosen.map((a) => [a.accountId, a.email ?? a.accountId]));
      setOutcomes(
        result.results.map((r) => ({
          email: emails.get(r.accountId) ?? r.accountId,
          outcome: OUTCOME_WORDS[r.outcome] ?? r.outcome,
          detail: r.error
            ? explain(model, r.error)
            : r.status
              ? (model.statuses.find((s) => s.status === r.status)?.label ?? r.status)
              : '',
        })),
      );
      onDone();
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['summary'] });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply.mutate(accounts);
  };

  return (
    <>
      {accounts.length > 0 && (
        <form className="bulk" onSubmit={submit} aria-label="Bulk status change">
          <label>
            Bulk status
            <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
              {targets.map((t) => (
                <option key={t} value={t}>
                  {model.statuses.find((s) => s.status === t)?.label ?? t}
                </option>
              ))}
            </select>
          </label>
          <label>
            Bulk reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={apply.isPending}>
            Apply to {accounts.length} selected
          </button>
        </form>
      )}
      <ProblemNotice error={apply.error} model={model} />
      {outcomes && (
        <div className="table-scroll" role="region" aria-label="Bulk outcomes" tabIndex={0}>
          <table>
            <caption>Bulk outcomes</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Outcome</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o) => (
                <tr key={o.email}>
                  <td>{o.email}</td>
                  <td>{o.outcome}</td>
                  <td>{o.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export { BulkStatus };
