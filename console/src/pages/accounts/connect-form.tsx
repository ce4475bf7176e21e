import { useState } from 'preact/hooks';
import type { Api, ListPage } from '../../api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { Field } from '../../components/field.tsx';
import { useAsync } from '../../components/use-async.ts';
import type { EnvironmentIntegration, LinkToken } from './types.ts';

interface ConnectFormProps {
  api: Api;
  /** Set by the empty state's "Connect an account", so the first field can take focus. */
  autoFocus?: boolean;
}

/**
 * Connecting goes through the same hosted page an application's end users see (docs/connect.md):
 * the console asks for a link token and sends the browser to its connect_url; the person enters
 * the credentials there, never in the console, and the page comes back to the list with the
 * new account's id. The console itself never sees the key.
 */
export function ConnectForm({ api, autoFocus }: ConnectFormProps) {
  // Installed and enabled in this environment: what POST /link-token with `integration` accepts.
  const installed = useAsync(
    (signal) =>
      api
        .get<ListPage<EnvironmentIntegration>>('/environment-integration', { is_enabled: true }, signal)
        .then((page) => [...page.result].sort((a, b) => a.integration.label.localeCompare(b.integration.label))),
    [api],
  );
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const tenant = String(data.get('tenant_id') ?? '').trim();
    const integration = String(data.get('integration') ?? '');
    if (!tenant) {
      setError('Enter the tenant the account belongs to.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const link = await api.post<LinkToken>('/link-token', {
        tenant_id: tenant,
        integration,
        redirect_uri: `${location.origin}/console/accounts?connected=1`,
      });
      location.assign(link.connect_url);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <section class="panel acc-connect" aria-labelledby="connect-heading">
      <h2 id="connect-heading">Connect an account</h2>
      <p class="acc-hint">
        You will enter the credentials on Tessera's connect page, the one your users see; it brings you back here when the account is connected.
      </p>
      <AsyncView
        state={installed}
        label="Loading integrations…"
        minHeight="6.5rem"
        isEmpty={(list) => list.length === 0}
        empty={<p>No integration is enabled in this environment. Enable one with PATCH /environment-integration/&lt;id&gt; {'{"is_enabled": true}'}.</p>}
      >
        {(list) => (
          <form class="field-row acc-connect-form" onSubmit={submit}>
            <Field label="Tenant id" hint="Your customer the account belongs to, e.g. acme." inline>
              <input name="tenant_id" required maxLength={255} autocomplete="off" autoFocus={autoFocus} />
            </Field>
            <Field label="Integration" inline>
              <select name="integration" required>
                {list.map((ei) => (
                  <option key={ei.id} value={ei.integration_id}>
                    {ei.integration.label}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" disabled={busy}>
              {busy ? 'Opening the connect page…' : 'Continue to the connect page'}
            </button>
            {error && (
              <p class="notice notice-error" role="alert">
                {error}
              </p>
            )}
          </form>
        )}
      </AsyncView>
    </section>
  );
}
