import { DataTable } from '../../components/data-table.tsx';
import { csvFilename, formatMinor, minorToDecimal, spendPerPerson, toCsv, type AccountList, type DayRange, type SeatUser, type UsageRow } from './aggregate.ts';
import { AccountNotes, CsvButton, Loading, Section } from './shared.tsx';

interface Props {
  usage: AccountList<UsageRow>[];
  users: AccountList<SeatUser>[];
  pending: number;
  total: number;
  scope: string;
  range: DayRange;
}

export const TOP_PEOPLE = 20;

export function PeopleSection({ usage, users, pending, total, scope, range }: Props) {
  const people = pending === 0 ? spendPerPerson(usage, users, TOP_PEOPLE) : undefined;
  const rows = people?.map((p, i) => ({ ...p, rank: i + 1 }));
  const csv = () =>
    toCsv(
      ['Rank', 'Name', 'Email', 'Tools', 'Currency', 'Spend'],
      (rows ?? []).map((p) => [p.rank, p.name, p.email, p.integrations.join(' '), p.currency, minorToDecimal(p.amount, p.currency)]),
    );
  const withCost = new Set(usage.filter((l) => l.rows?.some((r) => r.user && r.charges?.length)).map((l) => l.account.integration.name));
  const reporting = [...new Set(usage.filter((l) => l.rows).map((l) => l.account.integration.name))].filter((n) => !withCost.has(n)).sort();
  return (
    <Section
      id="people"
      title={`Spend per person (top ${TOP_PEOPLE})`}
      description="Charges of usage rows attributed to a user, added up per person (one email across tools is one person)."
      actions={rows && rows.length > 0 && <CsvButton csv={csv} filename={csvFilename('spend-per-person', scope, range)} what="spend per person" />}
    >
      {!rows ? (
        <Loading what="usage" pending={pending} total={total} minHeight="12rem" />
      ) : (
        <>
          {rows.length === 0 ? (
            <p class="empty">
              No charge in this range is attributed to a person. Costs split by user come from tools such as Cursor; pick a scope that has one.
            </p>
          ) : (
            <DataTable
              caption={`Top ${rows.length} people by spend`}
              rows={rows}
              rowKey={(p) => `${p.key}:${p.currency}`}
              columns={[
                { key: 'rank', label: '#', align: 'right' },
                { key: 'name', label: 'Name' },
                { key: 'email', label: 'Email' },
                { key: 'tools', label: 'Tools', render: (p) => p.integrations.join(', ') },
                { key: 'spend', label: 'Spend', align: 'right', render: (p) => `${formatMinor(p.amount, p.currency)} ${p.currency}` },
              ]}
            />
          )}
          {reporting.length > 0 && <p class="spend-section-description">No per-person cost reported by: {reporting.join(', ')}.</p>}
          <AccountNotes lists={usage} />
        </>
      )}
    </Section>
  );
}
