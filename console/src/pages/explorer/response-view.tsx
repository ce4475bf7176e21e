import { useState } from 'preact/hooks';
import type { ApiResponse } from '../../api.ts';
import { StatusBadge } from '../../components/status-badge.tsx';

/** Past this many characters the body is cut until the person asks for all of it (a big list would freeze the tab). */
export const BODY_PREVIEW_CHARS = 20_000;

export function prettyBody(body: unknown): string {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  return JSON.stringify(body, null, 2);
}

/**
 * What came back: status, wall time, headers and the body. The body is set as text content of a
 * <pre> (Preact escapes it), never as HTML, since it is whatever the provider sent.
 */
export function ResponseView({ response }: { response: ApiResponse }) {
  const [showAll, setShowAll] = useState(false);
  const text = prettyBody(response.body);
  const cut = !showAll && text.length > BODY_PREVIEW_CHARS;
  const headers = [...response.headers.entries()];
  return (
    <div class="explorer-response">
      <dl class="explorer-summary">
        <div>
          <dt>Status</dt>
          <dd data-testid="response-status">
            <StatusBadge status={response.status} />
          </dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd data-testid="response-time">{Math.round(response.ms)} ms</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{text.length.toLocaleString('en')} characters</dd>
        </div>
      </dl>
      <details class="explorer-headers">
        <summary>Response headers ({headers.length})</summary>
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Response headers</caption>
            <tbody>
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td data-header={name}>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <h3 id="explorer-body-title">Body</h3>
      <pre class="code-block explorer-pre" aria-labelledby="explorer-body-title" tabIndex={0} data-testid="response-body">
        {cut ? text.slice(0, BODY_PREVIEW_CHARS) : text || '(empty body)'}
      </pre>
      {text.length > BODY_PREVIEW_CHARS && (
        <button type="button" class="button-secondary" onClick={() => setShowAll(!showAll)}>
          {showAll ? 'Show the first 20,000 characters' : `Show all ${text.length.toLocaleString('en')} characters`}
        </button>
      )}
    </div>
  );
}
