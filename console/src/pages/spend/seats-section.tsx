import * as Plot from '@observablehq/plot';
import { DataTable } from '../../components/data-table.tsx';
import { PlotFigure } from '../../components/plot-figure.tsx';
import { csvFilename, seatsByTool, toCsv, type SeatCounts, type SeatUser } from './aggregate.ts';
import { type SectionInputs, AccountNotes, CsvButton, Legend, Loading, Section, labelChart } from './shared.tsx';

const STATUSES = ['active', 'inactive', 'invited'] as const;
const STATUS_COLORS: Record<(typeof STATUSES)[number], string> = { active: '#3ca951', inactive: '#9498a0', invited: '#efb118' };

type Props = SectionInputs<SeatUser>;

export function SeatsSection({ lists, pending, total, scope, range }: Props) {
  const seats = seatsByTool(lists);
  const csv = () =>
    toCsv(
      ['Tool', 'Active', 'Inactive', 'Invited'],
      seats.map((s) => [s.integration, s.active, s.inactive, s.invited]),
    );
  const label = `Seats by tool: ${seats.map((s) => `${s.integration} ${s.active} active, ${s.inactive} inactive, ${s.invited} invited`).join('; ')}`;
  return (
    <Section
      id="seats"
      title="Seats by tool"
      description="Users of each tool by seat status (the users list of each account); deleted users hold no seat."
      actions={pending === 0 && seats.length > 0 && <CsvButton csv={csv} filename={csvFilename('seats', scope, range)} what="seats by tool" />}
    >
      {pending > 0 ? (
        <Loading what="users" pending={pending} total={total} minHeight="16rem" />
      ) : (
        <>
          {seats.length === 0 ? (
            <p class="empty">No account in this scope reports users. Pick another scope, or connect a tool that lists its members.</p>
          ) : (
            <>
              <div class="spend-seats-body">
                <div>
                  <Legend items={STATUSES.map((s) => ({ label: s, color: STATUS_COLORS[s] }))} />
                  <PlotFigure label={label} height={chartHeight(seats)} deps={[label]} render={(width) => seatsChart(seats, width, label)} />
                </div>
                <DataTable
                  caption="Seats by tool"
                  rows={seats}
                  rowKey={(s) => s.integration}
                  columns={[
                    { key: 'integration', label: 'Tool' },
                    { key: 'active', label: 'Active', align: 'right' },
                    { key: 'inactive', label: 'Inactive', align: 'right' },
                    { key: 'invited', label: 'Invited', align: 'right' },
                  ]}
                />
              </div>
            </>
          )}
          <AccountNotes lists={lists} />
        </>
      )}
    </Section>
  );
}

const chartHeight = (seats: SeatCounts[]) => Math.max(120, seats.length * 32 + 50);

function seatsChart(seats: SeatCounts[], width: number, label: string) {
  const long = seats.flatMap((s) => STATUSES.map((status) => ({ integration: s.integration, status, count: s[status] })));
  return labelChart(
    Plot.plot({
      width,
      height: chartHeight(seats),
      marginLeft: 110,
      x: { label: 'Seats', grid: true },
      y: { label: null, domain: seats.map((s) => s.integration) },
      color: { domain: [...STATUSES], range: STATUSES.map((s) => STATUS_COLORS[s]) },
      marks: [
        Plot.barX(long, { y: 'integration', x: 'count', fill: 'status', title: (d: (typeof long)[number]) => `${d.integration}: ${d.count} ${d.status}` }),
        Plot.ruleX([0]),
      ],
    }),
    label,
  );
}
