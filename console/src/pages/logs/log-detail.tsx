import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatTime } from '../../format-time.ts';

/** One GET /log record (docs/logs.md "Shape"): the common fields, then the type's own. */
export interface LogRecord {
  id: string;
  log_type: 'unified_proxy_api' | 'webhook';
  created_at: string;
  integrated_account_id: string | null;
  integration: string | null;
  request: { method: string | null; path: string | null; request_id: string | null; type?: string };
  response: { status: number | null };
  duration_ms: number | null;
  error: { code: string | null; message: string } | null;
  model?: string;
  resource?: string;
  resource_method?: string;
  upstream?: { method: string; url: string; status: number | string | null; duration_ms: number; attempt: number; role?: string }[];
  upstream_calls?: number;
  webhook_id?: string;
  event?: string;
  delivery_id?: string;
  attempt?: number;
  state?: string;
  [key: string]: unknown;
}

/** Log times to the second, in UTC like every time in the console. */
export function formatLogTime(iso: string): string {
  return formatTime(iso, { seconds: true });
}

/**
 * The whole record in a modal <dialog>: the browser keeps focus in it and closes it on Escape;
 * focus then goes back to the row that opened it.
 */
export function LogDetail({ record, onClose }: { record: LogRecord; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    // Not every browser gives focus back when a modal closes: the row that opened it gets it back here.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const webhook = record.log_type === 'webhook';
  const fields: [string, ComponentChildren][] = [
    ['Time', `${formatLogTime(record.created_at)} (${record.created_at})`],
    ['Status', <StatusBadge status={record.response.status} />],
    ['Method', record.request.method ?? '—'],
    [webhook ? 'Target' : 'Path', <code>{record.request.path ?? '—'}</code>],
    ['Duration', record.duration_ms === null ? '—' : `${record.duration_ms} ms`],
    [webhook ? 'Delivery id' : 'Request id', <code>{record.request.request_id ?? '—'}</code>],
    ['Integrated account', record.integrated_account_id ? <code>{record.integrated_account_id}</code> : '—'],
    ['Integration', record.integration ?? '—'],
  ];
  if (webhook) {
    fields.push(['Event', record.event ?? '—'], ['Attempt', String(record.attempt ?? '—')], ['State', <StatusBadge status={record.state} />]);
  } else if (record.model) {
    fields.push(['Unified call', `${record.model} / ${record.resource} / ${record.resource_method}`]);
  }
  if (record.error) fields.push(['Error', `${record.error.code ? `${record.error.code}: ` : ''}${record.error.message}`]);
  const upstream = record.upstream ?? [];
  return (
    <dialog ref={ref} class="log-detail" aria-labelledby="log-detail-title" onClose={onClose}>
      <div class="log-detail-head">
        <h2 id="log-detail-title">{webhook ? 'Webhook delivery attempt' : 'Request'}</h2>
        <button type="button" class="button-secondary" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <dl class="log-detail-fields">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {!webhook && (
        <section aria-labelledby="log-upstream-title">
          <h3 id="log-upstream-title">
            Upstream calls ({record.upstream_calls ?? upstream.length}
            {record.upstream_calls !== undefined && record.upstream_calls > upstream.length ? `, ${upstream.length} listed` : ''})
          </h3>
          {upstream.length ? (
            <div class="table-scroll">
              <table class="log-upstream">
                <caption class="visually-hidden">Provider calls this request made</caption>
                <thead>
                  <tr>
                    <th scope="col">Role</th>
                    <th scope="col">Method</th>
                    <th scope="col">URL</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Duration
                    </th>
                    <th scope="col" class="num">
                      Attempt
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {upstream.map((u, i) => (
                    <tr key={i}>
                      <td>{u.role ?? '—'}</td>
                      <td>{u.method}</td>
                      <td class="log-url">{u.url}</td>
                      <td>
                        <StatusBadge status={u.status} />
                      </td>
                      <td class="num">{Math.round(u.duration_ms)} ms</td>
                      <td class="num">{u.attempt}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="empty">This request made no provider call (it was answered by Tessera itself).</p>
          )}
        </section>
      )}
      <details>
        <summary>The whole record (JSON)</summary>
        <pre class="code-block log-json" tabIndex={0} aria-label="The whole log record as JSON">
          {JSON.stringify(record, null, 2)}
        </pre>
      </details>
    </dialog>
  );
}
