import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import type { Api } from '../../api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useAsync } from '../../components/use-async.ts';
import { CapabilitiesView } from './capabilities-view.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ContextView } from './context-view.tsx';
import { formatTime, statusLabel } from './format.ts';
import { maskedJson } from './mask.ts';
import { revalidate } from './revalidate.ts';
import type { Account, Capabilities } from './types.ts';

/** /console/accounts/:id: one account, what it can do, its (masked) context, re-validate and delete. */
export function AccountDetail({ api, id }: { api: Api; id: string }) {
  const { route } = useLocation();
  const path = `/integrated-account/${encodeURIComponent(id)}`;
  const account = useAsync((signal) => api.get<Account>(path, undefined, signal), [api, id]);
  const capabilities = useAsync((signal) => api.get<Capabilities>(`${path}/capabilities`, { has_description: false }, signal), [api, id]);
  const [check, setCheck] = useState<{ busy: boolean; ok?: boolean; message?: string; account?: Account }>({ busy: false });
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState<{ busy: boolean; error?: string }>({ busy: false });

  const current = check.account ?? account.data;
  const label = capabilities.data?.integration.label ?? current?.integration.name ?? 'Integrated';
  // Password fields the integration declares are masked even under a name that does not look secret.
  const passwordFields = new Set((capabilities.data?.auth.fields ?? []).filter((f) => f.type === 'password').map((f) => f.name));

  const onRevalidate = async () => {
    if (!current) return;
    setCheck({ busy: true, account: check.account });
    try {
      const result = await revalidate(api, current);
      setCheck({ busy: false, ok: result.ok, message: result.message, account: result.account });
    } catch (e) {
      setCheck({ busy: false, ok: false, message: e instanceof Error ? e.message : String(e), account: check.account });
    }
  };
  const onDelete = async () => {
    setDeleting({ busy: true });
    try {
      await api.delete(path);
      route('/console/accounts?deleted=1');
    } catch (e) {
      setDeleting({ busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div class="acc-page">
      <p class="acc-back">
        <a href="/console/accounts">← All accounts</a>
      </p>
      <PageHeader
        title={current ? `${label} account` : 'Account'}
        description={current ? `Tenant ${current.tenant_id}` : undefined}
        actions={
          current && (
            <>
              <button type="button" onClick={onRevalidate} disabled={check.busy}>
                {check.busy ? 'Checking…' : 'Re-validate'}
              </button>
              <button type="button" class="button-danger" onClick={() => setConfirming(true)}>
                Delete
              </button>
            </>
          )
        }
      />
      <AsyncView state={account} label="Loading the account…" minHeight="14rem">
        {() =>
          current && (
            <>
              <div class="acc-check" aria-live="polite">
                {check.message && (
                  <p class={check.ok ? 'notice notice-ok' : 'notice notice-error'} role={check.ok ? 'status' : 'alert'}>
                    {check.message}
                  </p>
                )}
              </div>
              <section aria-labelledby="fields-heading">
                <h2 id="fields-heading">Account</h2>
                <dl class="details">
                  <Field name="Status">
                    <StatusBadge status={current.status} label={statusLabel(current.status)} />
                    {current.is_blocked ? <span class="acc-hint"> (blocked)</span> : null}
                  </Field>
                  <Field name="Last error">{current.last_error ?? 'none'}</Field>
                  <Field name="Integration">
                    {label} <code>{current.integration.name}</code> ({current.integration.category})
                  </Field>
                  <Field name="Tenant">
                    <code>{current.tenant_id}</code>
                  </Field>
                  <Field name="Id">
                    <code>{current.id}</code>
                  </Field>
                  <Field name="Authentication">{current.authentication_method}</Field>
                  <Field name="Region">{current.region ?? ''}</Field>
                  <Field name="Sandbox account">{current.is_sandbox ? 'yes (read-only)' : 'no'}</Field>
                  <Field name="Created">
                    <time dateTime={current.created_at}>{formatTime(current.created_at)}</time>
                  </Field>
                  <Field name="Updated">
                    <time dateTime={current.updated_at}>{formatTime(current.updated_at)}</time>
                  </Field>
                </dl>
              </section>
              <section aria-labelledby="context-heading">
                <h2 id="context-heading">Context</h2>
                <p class="acc-hint">Credentials are masked: the console never shows them.</p>
                <ContextView context={current.context ?? {}} passwordFields={passwordFields} />
                {current.integration_override && Object.keys(current.integration_override).length > 0 && (
                  <details class="acc-details">
                    <summary>Integration override</summary>
                    <pre>{maskedJson(current.integration_override, passwordFields)}</pre>
                  </details>
                )}
              </section>
            </>
          )
        }
      </AsyncView>
      <section aria-labelledby="capabilities-heading">
        <h2 id="capabilities-heading">Capabilities</h2>
        <AsyncView state={capabilities} label="Loading capabilities…" minHeight="10rem">
          {(data) => <CapabilitiesView capabilities={data} />}
        </AsyncView>
      </section>
      <ConfirmDialog
        open={confirming}
        title="Delete this account?"
        confirmLabel="Delete the account"
        busy={deleting.busy}
        error={deleting.error}
        onConfirm={onDelete}
        onCancel={() => {
          setConfirming(false);
          setDeleting({ busy: false });
        }}
      >
        <p>
          The {label} account of tenant <strong>{current?.tenant_id}</strong> and its tokens are deleted now; calls with its id will answer 404. To use it
          again, connect it again.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function Field({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}
