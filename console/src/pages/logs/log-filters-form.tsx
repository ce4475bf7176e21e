import { useState } from 'preact/hooks';
import { RANGES, type LogFilters, type RangeKey } from './log-filters.ts';

interface Account {
  id: string;
  tenant_id: string;
  integration: { name: string };
}

const CLASSES = ['2xx', '3xx', '4xx', '5xx'];

/**
 * The filters. Selects apply at once; text fields apply on change (Enter or leaving the field), so
 * a half-typed status or date never reaches the API.
 */
export function LogFiltersForm({ filters, accounts, onChange }: { filters: LogFilters; accounts: Account[]; onChange(f: LogFilters): void }) {
  const isClass = CLASSES.includes(filters.status);
  const [exact, setExact] = useState(!isClass && filters.status !== '');
  const set = (patch: Partial<LogFilters>) => onChange({ ...filters, ...patch });
  const statusMode = exact ? 'exact' : filters.status;
  return (
    <form class="logs-filters" aria-label="Log filters" onSubmit={(e) => e.preventDefault()}>
      <div class="logs-filter">
        <label for="logs-filter-integrated-account">Integrated account</label>
        <select id="logs-filter-integrated-account" value={filters.account} onChange={(e) => set({ account: e.currentTarget.value })}>
          <option value="">All accounts</option>
          {filters.account && !accounts.some((a) => a.id === filters.account) && <option value={filters.account}>{filters.account}</option>}
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.integration.name} · {a.tenant_id} · {a.id.slice(0, 8)}
            </option>
          ))}
        </select>
      </div>
      <div class="logs-filter">
        <label for="logs-filter-status">Status</label>
        <select
          id="logs-filter-status"
          value={statusMode}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setExact(v === 'exact');
            set({ status: v === 'exact' ? '' : v });
          }}
        >
          <option value="">Any status</option>
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
          <option value="exact">Exact status…</option>
        </select>
      </div>
      {exact && (
        <div class="logs-filter">
          <label for="logs-filter-exact-status">Exact status</label>
          <input
            id="logs-filter-exact-status"
            type="text"
            inputMode="numeric"
            placeholder="404 or 404,502"
            value={filters.status}
            onChange={(e) => set({ status: e.currentTarget.value.trim() })}
          />
        </div>
      )}
      <div class="logs-filter">
        <label for="logs-filter-time-range">Time range</label>
        <select id="logs-filter-time-range" value={filters.range} onChange={(e) => set({ range: e.currentTarget.value as RangeKey })}>
          {Object.entries(RANGES).map(([key, r]) => (
            <option key={key} value={key}>
              {r.label}
            </option>
          ))}
          <option value="custom">Custom range (at most 31 days)…</option>
        </select>
      </div>
      {filters.range === 'custom' && (
        <>
          <div class="logs-filter">
            <label for="logs-filter-from">From</label>
            <input id="logs-filter-from" type="datetime-local" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} />
          </div>
          <div class="logs-filter">
            <label for="logs-filter-to">To</label>
            <input id="logs-filter-to" type="datetime-local" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} />
          </div>
        </>
      )}
      <div class="logs-filter">
        <label for="logs-filter-request-id">Request id</label>
        <input
          id="logs-filter-request-id"
          type="search"
          value={filters.requestId}
          spellcheck={false}
          autocomplete="off"
          onChange={(e) => set({ requestId: e.currentTarget.value })}
        />
      </div>
    </form>
  );
}
