/**
 * Mailboxes (003): pick a domain, see its mailboxes, filter by status (counts from the summary), search,
 * page on, block or restore access on a row, select rows for a bulk status change, export the filtered
 * list as CSV.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { RowSelectionState } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { unwrap, writeHeaders } from '../api/client';
import type { Account, Api, Status } from '../api/client';
import { toCsv } from '../csv';
import { allowedTargets, effect, isBlocked, isStuck, label, statusText, when } from '../model';
import { useConsole, useDomain } from './context';
import { ConfirmDialog } from './Dialog';
import { ProblemNotice } from './ProblemNotice';
import { BulkStatus } from './BulkStatus';

const PAGE_SIZE = 50;
const EXPORT_PAGE_SIZE = 200;
/** Rows whose operation started this recently are polled until it completes. */
const POLL_WINDOW_MS = 5 * 60_000;

/** 'all', 'status:<status>', 'leaver' or 'inProgress'. */
type Filter = string;

type ListQuery = {
  domain: string;
  limit: string;
  cursor?: string;
  status?: string;
  leaver?: 'true';
  inProgress?: 'true';
  q?: string;
};

function listQuery(domain: string, filter: Filter, q: string, cursor: string | null, limit: number): ListQuery {
  const query: ListQuery = { domain, limit: String(limit) };
  if (cursor !== null) query.cursor = cursor;
  if (q !== '') query.q = q;
  if (filter.startsWith('status:')) query.status = filter.slice('status:'.length);
  if (filter === 'leaver') query.leaver = 'true';
  if (filter === 'inProgress') query.inProgress = 'true';
  return query;
}

async function listPage(api: Api, query: ListQuery) {
  return unwrap(api.GET('/accounts', { params: { query } }));
}

const recentlyStarted = (a: Account): boolean =>
  a.inProgress !== null && Date.now() - Date.parse(a.inProgress.startedAt) < POLL_WINDOW_MS;

type Confirm = { readonly account: Account; readonly action: 'block' | 'restore' };

function Mailboxes() {
  const { api, model, session } = useConsole();
  const queryClient = useQueryClient();
  const [domain, setDomain] = useDomain();
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [exporting, setExporting] = useState<{ done: number; total: number | null } | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);

  const domains = useQuery({ queryKey: ['domains'], queryFn: () => unwrap(api.GET('/domains')) });
  useEffect(() => {
    const items = domains.data?.items;
    if (!items?.length) return;
    if (domain === null || !items.some((d) => d.domain === domain)) setDomain(items[0]!.domain);
  }, [domains.data, domain, setDomain]);

  // The search box asks the API once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim().toLowerCase()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  // A new domain, filter or search starts again at the first page, with nothing selected.
  useEffect(() => {
    setCursors([null]);
    setRowSelection({});
  }, [domain, filter, q]);

  const summary = useQuery({
    queryKey: ['summary', domain],
    queryFn: () => unwrap(api.GET('/domains/{domain}/summary', { params: { path: { domain: domain! } } })),
    enabled: domain !== null,
  });
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery({
    queryKey: ['accounts', domain, filter, q, cursor],
    queryFn: () => listPage(api, listQuery(domain!, filter, q, cursor, PAGE_SIZE)),
    enabled: domain !== null,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(recentlyStarted) ? 1000 : false),
  });

  const changeStatus = useMutation({
    mutationFn: ({ account, status }: { account: Account; status: Status }) =>
      unwrap(
        api.PUT('/accounts/{accountId}/status', {
          params: { path: { accountId: account.accountId } },
          body: { status },
          headers: writeHeaders(account.version),
        }),
      ),
    onSuccess: (account, { status }) => {
      setConfirm(null);
      setNotice(
        status === 'disabled'
          ? `Access to ${account.email} is blocked: nobody can log in, mail is still delivered.`
          : `Access to ${account.email} is restored.`,
      );
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['summary'] });
    },
  });

  const column = createColumnHelper<Account>();
  const columns = useMemo(
    () => [
      column.display({
        id: 'select',
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="Select all mailboxes on this page"
            checked={table.getIsAllRowsSelected()}
            onChange={table.getToggleAllRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select ${row.original.email ?? row.original.accountId}`}
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      }),
      column.accessor('email', {
        header: 'Email',
        cell: ({ row }) => <Link href={`/accounts/${row.original.accountId}`}>{row.original.email ?? '(purged)'}</Link>,
      }),
      column.accessor('displayName', { header: 'Name', cell: ({ getValue }) => getValue() ?? '' }),
      column.accessor('status', {
        header: 'Status',
        cell: ({ row }) => (
          <>
            <span>{statusText(model, row.original)}</span>
            {isStuck(row.original) && <span className="badge stuck"> Stuck</span>}
          </>
        ),
      }),
      column.accessor('lastActivityAt', { header: 'Last activity', cell: ({ getValue }) => when(getValue()) }),
      column.display({
        id: 'action',
        header: 'Action',
        cell: ({ row }) => {
          const account = row.original;
          const targets = allowedTargets(model, account, session).map((t) => t.target);
          return (
            <div className="row-actions">
              {isBlocked(account) && targets.includes('active') ? (
                <button type="button" onClick={() => setConfirm({ account, action: 'restore' })}>
                  Restore access
                </button>
              ) : targets.includes('disabled') ? (
                <button type="button" onClick={() => setConfirm({ account, action: 'block' })}>
                  Block access
                </button>
              ) : null}
              <Link href={`/accounts/${account.accountId}`}>Edit</Link>
            </div>
          );
        },
      }),
    ],
    [model, session],
  );

  const table = useReactTable({
    data: page.data?.items ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (a) => a.accountId,
    state: { rowSelection },
    onRowSelectionChange: setRowSelection,
    enableRowSelection: (row) => row.original.status !== 'deleted_permanent',
  });

  const counts = summary.data;
  const expectedTotal = (): number | null => {
    if (!counts || q !== '') return null;
    if (filter === 'all') return counts.accounts;
    if (filter === 'leaver') return counts.leavers;
    if (filter === 'inProgress') return counts.inProgress;
    return counts.byStatus[filter.slice('status:'.length) as Status] ?? 0;
  };

  const exportCsv = async () => {
    if (domain === null) return;
    const total = expectedTotal();
    setExportError(null);
    setExporting({ done: 0, total });
    const rows: Account[] = [];
    try {
      let next: string | null = null;
      do {
        const result = await listPage(api, listQuery(domain, filter, q, next, EXPORT_PAGE_SIZE));
        rows.push(...result.items);
        next = result.nextCursor;
        setExporting({ done: rows.length, total: total === null ? null : Math.max(total, rows.length) });
      } while (next !== null);
      const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${domain}-mailboxes.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setNotice(`Exported ${rows.length} mailboxes of ${domain} as CSV.`);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(null);
    }
  };

  const selected = table.getSelectedRowModel().rows.map((r) => r.original);
  // Every status, each with its count from the summary (zero included, so the list never shifts).
  const statusOptions = model.statuses;

  return (
    <section aria-labelledby="mailboxes-title">
      <h1 id="mailboxes-title">Mailboxes</h1>
      <div className="toolbar">
        <label>
          Domain
          <select value={domain ?? ''} onChange={(e) => setDomain(e.target.value)} disabled={!domains.data}>
            {domains.data?.items.length === 0 && <option value="">No domains</option>}
            {domains.data?.items.map((d) => (
              <option key={d.domain} value={d.domain}>
                {d.domain} ({d.accounts})
              </option>
            ))}
          </select>
        </label>
        <label>
          Status filter
          <select value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="all">All statuses ({counts?.accounts ?? '…'})</option>
            {statusOptions.map((s) => (
              <option key={s.status} value={`status:${s.status}`}>
                {s.label} ({counts?.byStatus[s.status] ?? 0})
              </option>
            ))}
            <option value="leaver">Leavers ({counts?.leavers ?? '…'})</option>
            <option value="inProgress">In progress ({counts?.inProgress ?? '…'})</option>
          </select>
        </label>
        <label>
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Address or name"
          />
        </label>
        <button type="button" onClick={() => void exportCsv()} disabled={exporting !== null || domain === null}>
          Export CSV
        </button>
      </div>
      {counts && (
        <p className="summary">
          {counts.accounts} mailboxes · {counts.inProgress} in progress · {counts.stuck} stuck · {counts.leavers}{' '}
          leavers
        </p>
      )}
      {exporting && (
        <div className="export">
          <label>
            Export progress
            {exporting.total === null ? (
              <progress />
            ) : (
              <progress max={Math.max(exporting.total, 1)} value={exporting.done} />
            )}
          </label>
          <span>
            {exporting.done}
            {exporting.total === null ? '' : ` of ${exporting.total}`} mailboxes
          </span>
        </div>
      )}
      <ProblemNotice error={exportError ?? domains.error ?? summary.error ?? page.error} model={model} />
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <BulkStatus accounts={selected} onDone={() => setRowSelection({})} />
      <div className="table-scroll" role="region" aria-label="Mailboxes" tabIndex={0}>
        <table>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col" className={`col-${header.column.id}`}>
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className={isBlocked(row.original) ? 'blocked' : undefined}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={`col-${cell.column.id}`}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {page.data?.items.length === 0 && <p className="empty">No mailboxes match.</p>}
        {page.isPending && domain !== null && <p className="empty">Loading…</p>}
      </div>
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => {
            setRowSelection({});
            setCursors((c) => c.slice(0, -1));
          }}
        >
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => {
            setRowSelection({});
            setCursors((c) => [...c, page.data!.nextCursor!]);
          }}
        >
          Next page
        </button>
      </nav>
      {confirm && (
        <ConfirmDialog
          title={confirm.action === 'block' ? 'Block access' : 'Restore access'}
          confirmLabel={confirm.action === 'block' ? 'Yes, block access' : 'Yes, restore access'}
          busy={changeStatus.isPending}
          onCancel={() => {
            changeStatus.reset();
            setConfirm(null);
          }}
          onConfirm={() =>
            changeStatus.mutate({
              account: confirm.account,
              status: confirm.action === 'block' ? 'disabled' : 'active',
            })
          }
        >
          {confirm.action === 'block' ? (
            <p>
              Block access to <strong>{confirm.account.email}</strong>? Nobody will be able to log in to this mailbox (
              {effect(model, 'disabled')}): it still receives and stores mail, and access can be restored later.
            </p>
          ) : (
            <p>
              Restore access to <strong>{confirm.account.email}</strong>? Its users will be able to log in again (
              {effect(model, 'active')}); it goes through {label(model, 'enabling')} first.
            </p>
          )}
          <ProblemNotice error={changeStatus.error} model={model} />
        </ConfirmDialog>
      )}
    </section>
  );
}

export { Mailboxes, listQuery };
