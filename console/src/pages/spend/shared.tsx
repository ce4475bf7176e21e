import type { ComponentChildren } from 'preact';
import { isNotReported, type AccountList, type DayRange } from './aggregate.ts';

/** One colour per tool across every chart of the page (Observable's 10-colour scheme, in order). */
const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];
/** What every section of the page gets: the loaded lists of one kind, how many are still loading, and the scope and range shown. */
export interface SectionInputs<T> {
  lists: AccountList<T>[];
  pending: number;
  total: number;
  scope: string;
  range: DayRange;
}

export function toolColors(integrations: string[]): Map<string, string> {
  return new Map([...new Set(integrations)].sort().map((name, i) => [name, PALETTE[i % PALETTE.length]]));
}

/**
 * Plot's own legend writes inline styles, which the console's CSP refuses; this one is HTML, its
 * swatch colour set through the CSSOM (allowed). The text is always beside the colour.
 */
export function Legend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <ul class="spend-legend" aria-hidden="true">
      {items.map((i) => (
        <li key={i.label}>
          <span class="spend-swatch" style={{ backgroundColor: i.color }} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * A Plot chart gets the summary as its accessible name, as one image (its numbers are in the
 * table below it). Plot labels its inner <g> groups ("bar", "x-axis tick"), which ARIA forbids
 * on an element without a role; inside an image they say nothing anyway, so they go.
 */
export function labelChart<T extends Element>(chart: T, label: string): T {
  const svgs = chart.tagName.toLowerCase() === 'svg' ? [chart] : [...chart.querySelectorAll('svg')];
  for (const svg of svgs) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    for (const inner of svg.querySelectorAll('[aria-label], [aria-description]')) {
      inner.removeAttribute('aria-label');
      inner.removeAttribute('aria-description');
    }
  }
  return chart;
}

interface SectionProps {
  id: string;
  title: string;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
}

export function Section({ id, title, description, actions, children }: SectionProps) {
  return (
    <section class="spend-section" aria-labelledby={`${id}-title`}>
      <div class="spend-section-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions && <div class="spend-section-actions">{actions}</div>}
      </div>
      {description && <p class="spend-section-description">{description}</p>}
      {children}
    </section>
  );
}

/** While some accounts have not answered: a status line in a reserved box, so nothing jumps when they do. */
export function Loading({ what, pending, total, minHeight }: { what: string; pending: number; total: number; minHeight: string }) {
  return (
    <div class="loading" role="status" aria-busy="true" style={{ minHeight }}>
      Loading {what}: {total - pending} of {total} accounts answered…
    </div>
  );
}

/**
 * Per account: a source that does not map the resource is "not reported by <integration>" (a
 * fact about the source); anything else is an error, with the API's own message.
 */
export function AccountNotes<T>({ lists }: { lists: AccountList<T>[] }) {
  const missing = lists.filter((l) => l.error && isNotReported(l.error));
  const failed = lists.filter((l) => l.error && !isNotReported(l.error));
  if (!missing.length && !failed.length) return null;
  return (
    <div class="spend-notes">
      {missing.length > 0 && (
        <ul class="spend-not-reported">
          {missing.map((l) => (
            <li key={l.account.id}>
              {l.account.integration.name} ({l.account.tenant_id}): not reported by {l.account.integration.name}
            </li>
          ))}
        </ul>
      )}
      {failed.length > 0 && (
        <div class="notice notice-error" role="alert">
          <ul>
            {failed.map((l) => (
              <li key={l.account.id}>
                {l.account.integration.name} ({l.account.tenant_id}): {l.error!.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** A "Download CSV" button: the table as it is on screen, as a file (built in the browser, nothing sent). */
export function CsvButton({ csv, filename, what }: { csv: () => string; filename: string; what: string }) {
  return (
    <button
      type="button"
      class="button-secondary"
      aria-label={`Download CSV of ${what}`}
      onClick={() => {
        const url = URL.createObjectURL(new Blob([csv()], { type: 'text/csv;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }}
    >
      Download CSV
    </button>
  );
}
