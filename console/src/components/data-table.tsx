import type { ComponentChildren } from 'preact';

export interface Column<Row> {
  key: string;
  label: string;
  /** Defaults to the row's value at `key`, as text. */
  render?: (row: Row) => ComponentChildren;
  align?: 'left' | 'right';
}

interface DataTableProps<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** Makes each row a keyboard-reachable link/button when given. */
  onRowClick?: (row: Row) => void;
}

/** A plain, accessible table (a caption, column headers); scrolls sideways on a phone instead of squashing. */
export function DataTable<Row>({ caption, columns, rows, rowKey, onRowClick }: DataTableProps<Row>) {
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" class={c.align === 'right' ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={rowKey(row)}
              class={onRowClick ? 'clickable' : undefined}
              tabIndex={onRowClick ? 0 : undefined}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
              onKeyDown={onRowClick ? (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onRowClick(row)) : undefined}
            >
              {columns.map((c) => (
                <td key={c.key} class={c.align === 'right' ? 'num' : undefined}>
                  {c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
