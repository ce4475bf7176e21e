import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { AsyncView } from '../../components/async-view.tsx';
import { Field } from '../../components/field.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useAsync } from '../../components/use-async.ts';
import type { PageProps } from '../../page.ts';
import type { AccountRef } from './aggregate.ts';
import { PeopleSection } from './people-section.tsx';
import { lastDays, parseSpendQuery, QUICK_RANGES, scopeFromValue, scopeSlug, scopeValue, spendQueryString, type Scope, type SpendQuery } from './query.ts';
import { SeatsSection } from './seats-section.tsx';
import { toolColors } from './shared.tsx';
import { SpendSection } from './spend-section.tsx';
import { UnusedSection } from './unused-section.tsx';
import { useSpendData } from './use-spend-data.ts';
import './spend.css';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Seats and spend (issue 14 §3): for one account or every account of a tenant, from the unified
 * usage-metering `users` and `usage` lists only. Scope, range and the idle threshold live in the
 * URL query, so a reload keeps them.
 */
export function SpendPage({ api }: PageProps) {
  const location = useLocation();
  const query = parseSpendQuery(location.query, today());
  const accounts = useAsync((signal) => api.listAll<AccountRef>('/integrated-account', {}, { signal }), [api]);
  const navigate = (next: SpendQuery) => location.route(`/console/spend?${spendQueryString(next)}`, true);
  return (
    <div class="spend-page">
      <PageHeader
        title="Seats and spend"
        description="Who has a seat in each tool, what the tools cost per day and per person, and which paid seats go unused."
      />
      <AsyncView
        state={accounts}
        label="Loading accounts…"
        minHeight="6rem"
        isEmpty={(list) => list.length === 0}
        empty={
          <p>
            No integrated accounts yet. <a href="/console/accounts">Connect one on the Accounts page</a>, then come back to see its seats and spend.
          </p>
        }
      >
        {(list) => <SpendBody api={api} accounts={list} query={query} navigate={navigate} />}
      </AsyncView>
    </div>
  );
}

interface BodyProps extends PageProps {
  accounts: AccountRef[];
  query: SpendQuery;
  navigate: (next: SpendQuery) => void;
}

function tenantsOf(accounts: AccountRef[]): string[] {
  return [...new Set(accounts.map((a) => a.tenant_id))].sort();
}

function accountsIn(accounts: AccountRef[], scope: Scope): AccountRef[] {
  return accounts.filter((a) => (scope.kind === 'tenant' ? a.tenant_id === scope.tenant : a.id === scope.id));
}

function SpendBody({ api, accounts, query, navigate }: BodyProps) {
  const tenants = tenantsOf(accounts);
  const scope: Scope = query.scope ?? { kind: 'tenant', tenant: tenants[0] };
  const inScope = accountsIn(accounts, scope);
  const data = useSpendData(api, inScope, query.range);
  const colors = toolColors(inScope.map((a) => a.integration.name));
  const slug = scopeSlug(scope);
  const set = (patch: Partial<SpendQuery>) => navigate({ ...query, scope, ...patch });
  return (
    <>
      <Controls accounts={accounts} tenants={tenants} scope={scope} query={query} set={set} />
      {inScope.length === 0 ? (
        <p class="empty">
          {scope.kind === 'account' ? `No account ${scope.id} is visible to this token.` : `Tenant ${scope.tenant} has no accounts.`} Pick another scope above.
        </p>
      ) : (
        <div class="spend-grid">
          <SeatsSection lists={data.users} pending={data.usersPending} total={inScope.length} scope={slug} range={query.range} />
          <SpendSection lists={data.usage} pending={data.usagePending} total={inScope.length} scope={slug} range={query.range} colors={colors} />
          <PeopleSection
            usage={data.usage}
            users={data.users}
            pending={data.usagePending + data.usersPending}
            total={inScope.length * 2}
            scope={slug}
            range={query.range}
          />
          <UnusedSection
            lists={data.users}
            pending={data.usersPending}
            total={inScope.length}
            scope={slug}
            range={query.range}
            idleDays={query.idleDays}
            onIdleDays={(idleDays) => set({ idleDays })}
          />
        </div>
      )}
    </>
  );
}

interface ControlsProps {
  accounts: AccountRef[];
  tenants: string[];
  scope: Scope;
  query: SpendQuery;
  set: (patch: Partial<SpendQuery>) => void;
}

function Controls({ accounts, tenants, scope, query, set }: ControlsProps) {
  const [from, setFrom] = useState(query.range.from);
  const [to, setTo] = useState(query.range.to);
  // The URL can change under the inputs (a quick range, back/forward): show what is in effect.
  useEffect(() => {
    setFrom(query.range.from);
    setTo(query.range.to);
  }, [query.range.from, query.range.to]);
  const rangeError = !from || !to ? 'Pick both days' : from > to ? 'The start is after the end' : undefined;
  const apply = (nextFrom: string, nextTo: string) => {
    if (nextFrom && nextTo && nextFrom <= nextTo) set({ range: { from: nextFrom, to: nextTo } });
  };
  const sorted = [...accounts].sort((a, b) => a.integration.name.localeCompare(b.integration.name) || a.tenant_id.localeCompare(b.tenant_id));
  return (
    <form class="spend-controls" aria-label="Scope and date range" onSubmit={(e) => (e.preventDefault(), apply(from, to))}>
      <Field label="Scope" inline>
        <select value={scopeValue(scope)} onChange={(e) => set({ scope: scopeFromValue(e.currentTarget.value) })}>
          <optgroup label="Every account of a tenant">
            {tenants.map((t) => (
              <option key={t} value={`tenant:${t}`}>
                Tenant {t} ({accounts.filter((a) => a.tenant_id === t).length} accounts)
              </option>
            ))}
          </optgroup>
          <optgroup label="One account">
            {sorted.map((a) => (
              <option key={a.id} value={`account:${a.id}`}>
                {a.integration.name} · {a.tenant_id} · {a.id.slice(0, 8)}
              </option>
            ))}
          </optgroup>
        </select>
      </Field>
      <Field label="From" inline>
        <input
          type="date"
          value={from}
          max={to || undefined}
          onInput={(e) => setFrom(e.currentTarget.value)}
          onChange={(e) => apply(e.currentTarget.value, to)}
        />
      </Field>
      <Field label="To" inline error={rangeError}>
        <input
          type="date"
          value={to}
          min={from || undefined}
          onInput={(e) => setTo(e.currentTarget.value)}
          onChange={(e) => apply(from, e.currentTarget.value)}
        />
      </Field>
      <div class="spend-quick" role="group" aria-label="Quick ranges">
        {QUICK_RANGES.map((days) => {
          const r = lastDays(today(), days);
          const pressed = r.from === query.range.from && r.to === query.range.to;
          return (
            <button key={days} type="button" class="button-secondary" aria-pressed={pressed} onClick={() => set({ range: r })}>
              Last {days} days
            </button>
          );
        })}
      </div>
    </form>
  );
}
