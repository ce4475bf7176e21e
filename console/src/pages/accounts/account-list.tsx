import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import type { Api, ListPage } from '../../api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { Field } from '../../components/field.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useAsync } from '../../components/use-async.ts';
import { ConnectForm } from './connect-form.tsx';
import { filtersFromQuery, listUrl, matchesSearch, type AccountFilters } from './filters.ts';
import { formatTime, statusLabel } from './format.ts';
import { ACCOUNT_STATUSES, type Account, type EnvironmentIntegration } from './types.ts';
import { useAccountPages } from './use-account-pages.ts';

/** /console/accounts: the environment's integrated accounts, filtered, searchable, and the way to connect one. */
export function AccountList({ api }: { api: Api }) {
  const { query, route } = useLocation();
  const filters = filtersFromQuery(query);
  const pages = useAccountPages(api, filters);
  const integrations = useAsync(
    (signal) => api.get<ListPage<EnvironmentIntegration>>('/environment-integration', undefined, signal).then((p) => p.result),
    [api],
  );
  const labels = new Map((integrations.data ?? []).map((ei) => [ei.integration_id, ei.integration.label]));
  const labelOf = (name: string) => labels.get(name) ?? name;
  const [connectOpen, setConnectOpen] = useState(false);
  // The tenant filter is exact and server-side: it applies on Enter or leaving the field, not per keystroke.
  const [tenantDraft, setTenantDraft] = useState(filters.tenant);
  useEffect(() => setTenantDraft(filters.tenant), [filters.tenant]);
  // The connect page's redirect_uri brings the browser back with the new account's id (docs/connect.md).
  const connected =
    query.connected === '1' && query.integrated_account_id ? { id: query.integrated_account_id, integration: query.integration ?? '' } : undefined;
  const deleted = query.deleted === '1';

  const setFilters = (change: Partial<AccountFilters>) => route(listUrl({ ...filters, ...change }), true);
  const open = (account: Account) => route(`/console/accounts/${encodeURIComponent(account.id)}`);
  const filtered = Boolean(filters.integration || filters.status || filters.tenant);
  const shown = pages.rows.filter((a) => matchesSearch(a, filters.search));

  const columns: Column<Account>[] = [
    {
      key: 'integration',
      label: 'Integration',
      render: (a) => (
        <a
          href={`/console/accounts/${encodeURIComponent(a.id)}`}
          onClick={(e) => {
            // The row opens the account too: one navigation, not the row's and the link's.
            e.stopPropagation();
            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            open(a);
          }}
        >
          {labelOf(a.integration.name)}
        </a>
      ),
    },
    { key: 'tenant_id', label: 'Tenant' },
    { key: 'status', label: 'Status', render: (a) => <StatusBadge status={a.status} label={statusLabel(a.status)} /> },
    { key: 'last_error', label: 'Last error', render: (a) => <span class="acc-error-cell">{a.last_error ?? ''}</span> },
    { key: 'created_at', label: 'Created', render: (a) => <time dateTime={a.created_at}>{formatTime(a.created_at)}</time> },
    { key: 'updated_at', label: 'Updated', render: (a) => <time dateTime={a.updated_at}>{formatTime(a.updated_at)}</time> },
  ];

  return (
    <div class="acc-page">
      <PageHeader
        title="Accounts"
        description="Your customers' connected accounts in this environment: their status and last error. Open one for its capabilities, re-validate or delete it."
        actions={
          <button type="button" aria-expanded={connectOpen} aria-controls="connect-panel" onClick={() => setConnectOpen(!connectOpen)}>
            Connect an account
          </button>
        }
      />
      {connected && (
        <div class="notice notice-ok acc-notice" role="status">
          <p>
            {labelOf(connected.integration)} account connected. <a href={`/console/accounts/${encodeURIComponent(connected.id)}`}>Open the new account</a>
          </p>
          <button type="button" class="button-secondary" onClick={() => route(listUrl(filters), true)}>
            Dismiss
          </button>
        </div>
      )}
      {deleted && (
        <div class="notice notice-ok acc-notice" role="status">
          <p>The account was deleted.</p>
          <button type="button" class="button-secondary" onClick={() => route(listUrl(filters), true)}>
            Dismiss
          </button>
        </div>
      )}
      <div id="connect-panel" hidden={!connectOpen}>
        {connectOpen && <ConnectForm api={api} autoFocus />}
      </div>

      <form class="field-row acc-filters" role="search" aria-label="Filter accounts" onSubmit={(e) => e.preventDefault()}>
        <Field label="Integration" inline>
          <select value={filters.integration} onChange={(e) => setFilters({ integration: e.currentTarget.value })}>
            <option value="">All integrations</option>
            {(integrations.data ?? []).map((ei) => (
              <option key={ei.id} value={ei.integration_id}>
                {ei.integration.label}
              </option>
            ))}
            {filters.integration && !labels.has(filters.integration) && <option value={filters.integration}>{filters.integration}</option>}
          </select>
        </Field>
        <Field label="Status" inline>
          <select value={filters.status} onChange={(e) => setFilters({ status: e.currentTarget.value })}>
            <option value="">Any status</option>
            {ACCOUNT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Tenant" inline>
          <input
            type="text"
            value={tenantDraft}
            placeholder="exact tenant id"
            autocomplete="off"
            onInput={(e) => setTenantDraft(e.currentTarget.value)}
            onChange={(e) => setFilters({ tenant: e.currentTarget.value })}
          />
        </Field>
        <Field label="Search" inline>
          <input
            type="search"
            value={filters.search}
            placeholder="id or tenant"
            autocomplete="off"
            onInput={(e) => setFilters({ search: e.currentTarget.value })}
          />
        </Field>
      </form>

      <AsyncView
        state={pages.first}
        label="Loading accounts…"
        minHeight="12rem"
        isEmpty={() => shown.length === 0}
        empty={
          filtered || filters.search ? (
            <>
              <p>No account matches these filters.</p>
              <button type="button" onClick={() => route('/console/accounts', true)}>
                Clear filters
              </button>
            </>
          ) : (
            <>
              <p>No account is connected in this environment yet. Connect one: you enter its credentials on the hosted connect page.</p>
              <button type="button" onClick={() => setConnectOpen(true)}>
                Connect an account
              </button>
            </>
          )
        }
      >
        {() => (
          <>
            <p class="acc-count" aria-live="polite">
              <span data-testid="account-count">{shown.length}</span> {shown.length === 1 ? 'account' : 'accounts'}
              {filters.search ? ` matching “${filters.search}” of ${pages.rows.length} loaded` : ''}
              {pages.hasMore ? ' (more on the server)' : ''}
            </p>
            <DataTable caption="Integrated accounts" columns={columns} rows={shown} rowKey={(a) => a.id} onRowClick={open} />
          </>
        )}
      </AsyncView>
      {pages.hasMore && (
        <p>
          <button type="button" onClick={pages.loadMore} disabled={pages.loadingMore}>
            {pages.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
      {pages.moreError && (
        <p class="notice notice-error" role="alert">
          {pages.moreError}
        </p>
      )}
    </div>
  );
}
