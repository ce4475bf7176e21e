import type { Capabilities } from './types.ts';

/** GET /integrated-account/{id}/capabilities: the unified resources this account serves, then the proxy's. */
export function CapabilitiesView({ capabilities }: { capabilities: Capabilities }) {
  const { unified, proxy, auth } = capabilities;
  const proxyMethods = proxy.reduce((n, r) => n + r.methods.length, 0);
  return (
    <>
      {unified.length ? (
        <div class="table-scroll">
          <table>
            <caption>Unified API</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Resource</th>
                <th scope="col">Methods</th>
              </tr>
            </thead>
            <tbody>
              {unified.map((u) => (
                <tr key={`${u.model}/${u.resource}`}>
                  <td>{u.model_label || u.model}</td>
                  <td>
                    <code>{u.resource}</code>
                    {u.env_overridden && <span class="acc-hint"> (mapping overridden in this environment)</span>}
                  </td>
                  <td>{u.methods.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="empty">This integration maps no unified resource.</p>
      )}
      <details class="acc-details">
        <summary>
          Proxy API: {proxy.length} {proxy.length === 1 ? 'resource' : 'resources'}, {proxyMethods} {proxyMethods === 1 ? 'method' : 'methods'}
        </summary>
        <ul class="acc-proxy">
          {proxy.map((r) => (
            <li key={r.resource}>
              <code>{r.resource}</code>: {r.methods.map((m) => m.name || m.method).join(', ')}
            </li>
          ))}
        </ul>
      </details>
      <p class="acc-hint">
        Authentication: {auth.formats.join(', ') || 'none'}
        {auth.fields.length ? `; fields ${auth.fields.map((f) => f.label || f.name).join(', ')}` : ''}
      </p>
    </>
  );
}
