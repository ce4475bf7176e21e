import { useEffect, useState } from 'preact/hooks';
import type { ListPage } from '../../api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useAsync } from '../../components/use-async.ts';
import type { PageProps } from '../../page.ts';
import { LogDetail, formatLogTime, type LogRecord } from './log-detail.tsx';
import { filtersSearch, logQuery, readFilters, type LogFilters, type LogType } from './log-filters.ts';
import { LogFiltersForm } from './log-filters-form.tsx';
import './logs.css';

interface Account {
  id: string;
  tenant_id: string;
  integration: { name: string };
}

interface Loaded {
  rows: LogRecord[];
  cursor: string | null;
  /** The first page's query, reused (with the cursor) for the next pages so the time window stays put. */
  query: Record<string, unknown>;
}

const TABS: { type: LogType; label: string }[] = [
  { type: 'unified_proxy_api', label: 'API requests' },
  { type: 'webhook', label: 'Webhook deliveries' },
];

const shortId = (id: string | null) => (id ? id.slice(0, 8) : '—');

const REQUEST_COLUMNS: Column<LogRecord>[] = [
  { key: 'time', label: 'Time', render: (r) => <time dateTime={r.created_at}>{formatLogTime(r.created_at)}</time> },
  { key: 'type', label: 'Type', render: (r) => r.request.type ?? '—' },
  { key: 'method', label: 'Method', render: (r) => r.request.method ?? '—' },
  {
    key: 'path',
    label: 'Path',
    render: (r) => (
      <code class="log-path" title={r.request.path ?? undefined}>
        {r.request.path ?? '—'}
      </code>
    ),
  },
  { key: 'status', label: 'Status', render: (r) => <StatusBadge status={r.response.status} /> },
  { key: 'account', label: 'Account', render: (r) => (r.integrated_account_id ? `${r.integration ?? '?'} · ${shortId(r.integrated_account_id)}` : '—') },
  { key: 'duration', label: 'Duration', align: 'right', render: (r) => (r.duration_ms === null ? '—' : `${r.duration_ms} ms`) },
  { key: 'request_id', label: 'Request id', render: (r) => <code class="log-id">{r.request.request_id ?? '—'}</code> },
];

const WEBHOOK_COLUMNS: Column<LogRecord>[] = [
  { key: 'time', label: 'Time', render: (r) => <time dateTime={r.created_at}>{formatLogTime(r.created_at)}</time> },
  { key: 'event', label: 'Event', render: (r) => r.event ?? '—' },
  {
    key: 'target',
    label: 'Target',
    render: (r) => (
      <code class="log-path" title={r.request.path ?? undefined}>
        {r.request.path ?? '—'}
      </code>
    ),
  },
  { key: 'status', label: 'Status', render: (r) => <StatusBadge status={r.response.status} /> },
  { key: 'attempt', label: 'Attempt', align: 'right', render: (r) => String(r.attempt ?? '—') },
  { key: 'state', label: 'State', render: (r) => <StatusBadge status={r.state} /> },
  { key: 'account', label: 'Account', render: (r) => (r.integrated_account_id ? `${r.integration ?? '?'} · ${shortId(r.integrated_account_id)}` : '—') },
  { key: 'duration', label: 'Duration', align: 'right', render: (r) => (r.duration_ms === null ? '—' : `${r.duration_ms} ms`) },
  { key: 'delivery', label: 'Delivery id', render: (r) => <code class="log-id">{r.delivery_id ?? r.request.request_id ?? '—'}</code> },
];

/** GET /log as a table: requests and webhook deliveries, filtered in the URL, paged with next_cursor. */
export function LogsPage({ api }: PageProps) {
  const [filters, setFilters] = useState<LogFilters>(() => readFilters(window.location.search));
  const [refreshed, setRefreshed] = useState(0);
  const [more, setMore] = useState<{ rows: LogRecord[]; cursor: string | null; loading: boolean; error?: string }>();
  const [open, setOpen] = useState<LogRecord>();

  useEffect(() => {
    const search = filtersSearch(filters);
    if (search !== window.location.search) history.replaceState(history.state, '', `${window.location.pathname}${search}`);
  }, [filters]);

  const accounts = useAsync((signal) => api.listAll<Account>('/integrated-account', {}, { max: 500, signal }), []);
  const first = useAsync<Loaded>(
    async (signal) => {
      const query = logQuery(filters, new Date());
      const page = await api.get<ListPage<LogRecord>>('/log', query, signal);
      return { rows: page.result, cursor: page.next_cursor ?? null, query };
    },
    [filters, refreshed],
  );
  useEffect(() => setMore(undefined), [first.data]);

  const rows = [...(first.data?.rows ?? []), ...(more?.rows ?? [])];
  const cursor = more ? more.cursor : (first.data?.cursor ?? null);

  async function loadMore() {
    if (!first.data || !cursor) return;
    setMore((m) => ({ rows: m?.rows ?? [], cursor, loading: true }));
    try {
      const page = await api.get<ListPage<LogRecord>>('/log', { ...first.data.query, next_cursor: cursor });
      setMore((m) => ({ rows: [...(m?.rows ?? []), ...page.result], cursor: page.next_cursor ?? null, loading: false }));
    } catch (e) {
      setMore((m) => ({ rows: m?.rows ?? [], cursor, loading: false, error: (e as Error).message }));
    }
  }

  const webhook = filters.type === 'webhook';
  const setType = (type: LogType) => setFilters((f) => ({ ...f, type }));
  return (
    <div class="logs-page">
      <PageHeader
        title="Logs"
        description="Every call to the unified, proxy and custom APIs made with a token, and every webhook delivery attempt, from GET /log."
        actions={
          <button type="button" onClick={() => setRefreshed((n) => n + 1)} disabled={first.loading}>
            {first.loading ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      />
      <div role="tablist" aria-label="Log type" class="tabs logs-tabs">
        {TABS.map((t, i) => (
          <button
            key={t.type}
            id={`logs-tab-${t.type}`}
            type="button"
            role="tab"
            aria-selected={filters.type === t.type}
            aria-controls="logs-panel"
            tabIndex={filters.type === t.type ? 0 : -1}
            onClick={() => setType(t.type)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const next = TABS[(i + 1) % TABS.length];
              setType(next.type);
              document.getElementById(`logs-tab-${next.type}`)?.focus();
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="logs-panel" role="tabpanel" aria-labelledby={`logs-tab-${filters.type}`}>
        <LogFiltersForm filters={filters} accounts={accounts.data ?? []} onChange={setFilters} />
        <AsyncView
          state={first}
          label={webhook ? 'Loading webhook deliveries…' : 'Loading request logs…'}
          minHeight="16rem"
          isEmpty={(d) => d.rows.length === 0}
          empty={
            webhook ? (
              <p>
                No webhook delivery in this range. Deliveries are sent to the webhooks you create with POST /webhook (docs/webhooks.md) when an integrated
                account is created, becomes active, is updated or deleted; POST /webhook/test sends one now. Each attempt is listed here.
              </p>
            ) : (
              <p>
                No request in this range. Every call to /unified, /proxy, /custom or /batch-request made with a token is logged, within a second of its answer:{' '}
                <a href="/console/explorer">make one in the API explorer</a>, then press Refresh. Widen the time range or clear the filters to see older calls.
              </p>
            )
          }
        >
          {() => (
            <>
              <DataTable
                caption={`${rows.length} ${webhook ? 'delivery attempts' : 'requests'}, newest first. Select a row to see all of it.`}
                columns={webhook ? WEBHOOK_COLUMNS : REQUEST_COLUMNS}
                rows={rows}
                rowKey={(r) => r.id}
                onRowClick={setOpen}
              />
              <div class="logs-more">
                {more?.error && (
                  <p class="notice notice-error" role="alert">
                    {more.error}
                  </p>
                )}
                {cursor ? (
                  <button type="button" class="button-secondary" onClick={loadMore} disabled={more?.loading}>
                    {more?.loading ? 'Loading…' : 'Load more'}
                  </button>
                ) : (
                  <p class="logs-end">That is all for these filters.</p>
                )}
              </div>
            </>
          )}
        </AsyncView>
      </div>
      {open && <LogDetail key={open.id} record={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
