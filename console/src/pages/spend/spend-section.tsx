import * as Plot from '@observablehq/plot';
import { DataTable } from '../../components/data-table.tsx';
import { PlotFigure } from '../../components/plot-figure.tsx';
import {
  addDays,
  csvFilename,
  currencyExponent,
  dayTable,
  daysIn,
  formatMinor,
  minorToDecimal,
  spendPerDay,
  toCsv,
  type CurrencySpend,
  type DayRange,
  type UsageRow,
} from './aggregate.ts';
import { type SectionInputs, AccountNotes, CsvButton, Legend, Loading, Section, labelChart } from './shared.tsx';

interface Props extends SectionInputs<UsageRow> {
  colors: Map<string, string>;
}

export function spendChartLabel(c: CurrencySpend, range: DayRange): string {
  return `Spend per day, ${c.currency}, ${range.from} to ${range.to}, total ${formatMinor(c.total, c.currency)}`;
}

export function SpendSection({ lists, pending, total, scope, range, colors }: Props) {
  const spend = pending === 0 ? spendPerDay(lists) : undefined;
  return (
    <Section id="spend" title="Spend per day" description="What each tool charged per day (the charges of its usage rows), stacked by tool.">
      {!spend ? (
        <Loading what="usage" pending={pending} total={total} minHeight="24rem" />
      ) : (
        <>
          {spend.currencies.length === 0 && <p class="empty">No charges in this range. Try a longer range, or a scope with a tool that reports costs.</p>}
          {spend.currencies.length > 1 && (
            <p class="notice" role="note">
              These rows are in {spend.currencies.length} currencies ({spend.currencies.map((c) => c.currency).join(', ')}); amounts in different currencies are
              never added, so each has its own chart and total.
            </p>
          )}
          {spend.currencies.map((c) => (
            <CurrencyChart key={c.currency} spend={c} range={range} scope={scope} colors={colors} />
          ))}
          {spend.longRows > 0 && (
            <p class="spend-section-description">
              {spend.longRows} charge rows cover more than a day (a monthly cost, such as Datadog's): each is drawn on the day it starts.
            </p>
          )}
          {spend.withoutMoney.length > 0 && <p class="spend-section-description">No charges in this range from: {spend.withoutMoney.join(', ')}.</p>}
          <AccountNotes lists={lists} />
        </>
      )}
    </Section>
  );
}

function CurrencyChart({ spend, range, scope, colors }: { spend: CurrencySpend; range: DayRange; scope: string; colors: Map<string, string> }) {
  const label = spendChartLabel(spend, range);
  const table = dayTable(spend);
  const tools = spend.integrations;
  const csv = () =>
    toCsv(
      ['Day', 'Currency', ...tools, 'Total'],
      table.map((r) => [
        r.day,
        spend.currency,
        ...tools.map((t) => minorToDecimal(r.amounts[t] ?? 0, spend.currency)),
        minorToDecimal(r.total, spend.currency),
      ]),
    );
  return (
    <div class="spend-currency">
      <div class="spend-total-line">
        <p class="spend-total">
          Total {spend.currency}: <strong data-total={spend.total}>{formatMinor(spend.total, spend.currency)}</strong>
        </p>
        <CsvButton csv={csv} filename={csvFilename(`spend-per-day-${spend.currency}`, scope, range)} what={`spend per day in ${spend.currency}`} />
      </div>
      <Legend items={tools.map((t) => ({ label: t, color: colors.get(t) ?? '#888' }))} />
      <PlotFigure
        label={label}
        height={300}
        deps={[label, tools.join(), spend.points.length]}
        render={(width) => spendChart(spend, range, colors, width, label)}
      />
      <DataTable
        caption={`Spend per day in ${spend.currency}`}
        rows={table}
        rowKey={(r) => r.day}
        columns={[
          { key: 'day', label: 'Day' },
          ...tools.map((t) => ({
            key: t,
            label: t,
            align: 'right' as const,
            render: (r: (typeof table)[number]) => formatMinor(r.amounts[t] ?? 0, spend.currency),
          })),
          { key: 'total', label: 'Total', align: 'right' as const, render: (r: (typeof table)[number]) => formatMinor(r.total, spend.currency) },
        ]}
      />
    </div>
  );
}

function spendChart(spend: CurrencySpend, range: DayRange, colors: Map<string, string>, width: number, label: string) {
  const scale = 10 ** currencyExponent(spend.currency);
  const data = spend.points.map((p) => ({ date: new Date(`${p.day}T00:00:00Z`), tool: p.integration, value: p.amount / scale }));
  const tools = spend.integrations;
  return labelChart(
    Plot.plot({
      width,
      height: 300,
      marginLeft: 60,
      x: {
        type: 'utc',
        domain: [new Date(`${range.from}T00:00:00Z`), new Date(`${addDays(range.to, 1)}T00:00:00Z`)],
        label: null,
        // Whole days only (never "12 PM"), as many as fit.
        ticks: Math.max(2, Math.min(daysIn(range).length, Math.floor(width / 70))),
        tickFormat: '%b %-d',
      },
      y: { label: `Spend (${spend.currency})`, grid: true },
      color: { domain: tools, range: tools.map((t) => colors.get(t) ?? '#888') },
      marks: [
        Plot.rectY(data, {
          x: 'date',
          interval: 'day',
          y: 'value',
          fill: 'tool',
          inset: 1,
          title: (d: (typeof data)[number]) =>
            `${d.date.toISOString().slice(0, 10)} ${d.tool}: ${d.value.toFixed(currencyExponent(spend.currency))} ${spend.currency}`,
        }),
        Plot.ruleY([0]),
      ],
    }),
    label,
  );
}
