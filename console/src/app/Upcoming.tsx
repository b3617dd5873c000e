/**
 * Upcoming: what each sweep will change in the chosen domain in the next 7 days, from the sweeps'
 * preview route (the same rules the sweeps run).
 */
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../api/client';
import type { operations } from '../api/schema';
import { label, when } from '../model';
import { useConsole, useDomain } from './context';
import { ProblemNotice } from './ProblemNotice';

type Sweep = operations['previewSweep']['parameters']['path']['sweep'];

const SWEEPS: readonly { sweep: Sweep; title: string; what: string }[] = [
  {
    sweep: 'inactivity',
    title: 'Inactivity',
    what: 'Active accounts with no activity for the inactivity period become Inactive.',
  },
  { sweep: 'leaver', title: 'Leavers', what: 'Leavers whose window ends are deleted.' },
  {
    sweep: 'retention',
    title: 'Retention',
    what: 'Deleted accounts past their restore period are deleted permanently.',
  },
  {
    sweep: 'lockout',
    title: 'Lockout expiry',
    what: 'Accounts locked after failed logins return to their previous status.',
  },
];
const DAYS = 7;

function Upcoming() {
  const { api, model } = useConsole();
  const [domain] = useDomain();
  // Fixed when the screen opens, so the four previews agree.
  const [until] = useState(() => new Date(Date.now() + DAYS * 86_400_000).toISOString());
  const previews = useQueries({
    queries: SWEEPS.map(({ sweep }) => ({
      queryKey: ['preview', sweep, domain, until],
      queryFn: () =>
        unwrap(
          api.GET('/sweeps/{sweep}/preview', {
            params: { path: { sweep }, query: { domain: domain!, until, limit: '100' } },
          }),
        ),
      enabled: domain !== null,
    })),
  });

  return (
    <section aria-labelledby="upcoming-title">
      <h1 id="upcoming-title">Upcoming</h1>
      <p>
        What the sweeps will change in <strong>{domain ?? 'no domain yet: pick one under Mailboxes'}</strong> in the
        next {DAYS} days, until {when(until)}.
      </p>
      {SWEEPS.map(({ sweep, title, what }, index) => {
        const preview = previews[index]!;
        const items = preview.data?.items ?? [];
        return (
          <div key={sweep} className="sweep">
            <h2 id={`sweep-${sweep}`}>{title}</h2>
            <p className="hint">{what}</p>
            <ProblemNotice error={preview.error} model={model} />
            {preview.isSuccess && items.length === 0 ? (
              <p>Nothing due.</p>
            ) : (
              <div className="table-scroll" role="region" aria-labelledby={`sweep-${sweep}`} tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Email</th>
                      <th scope="col">Name</th>
                      <th scope="col">Status</th>
                      <th scope="col">Due</th>
                      <th scope="col">Becomes</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item) => (
                      <tr key={item.accountId}>
                        <td>{item.email}</td>
                        <td>{item.displayName ?? ''}</td>
                        <td>{label(model, item.status)}</td>
                        <td>{when(item.dueAt)}</td>
                        <td>{label(model, item.to)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {preview.data?.nextCursor && <p className="hint">More are due; the first 100 are shown.</p>}
          </div>
        );
      })}
    </section>
  );
}

export { Upcoming };
