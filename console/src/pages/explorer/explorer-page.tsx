import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiResponse } from '../../api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useAsync } from '../../components/use-async.ts';
import type { PageProps } from '../../page.ts';
import { CopyAs } from './copy-as.tsx';
import { paramsFor, toQuery, type OpenApiDoc } from './explorer-schema.ts';
import { readSelection, selectionSearch, type Selection } from './explorer-state.ts';
import { ParamField } from './param-field.tsx';
import { ResponseView } from './response-view.tsx';
import { callPath, hasBody, httpVerb, needsId, type CallSpec } from './snippets.ts';
import './explorer.css';

interface Account {
  id: string;
  tenant_id: string;
  status: string;
  integration: { name: string };
}

interface Capabilities {
  unified: { model: string; model_label: string; resource: string; description: string | null; methods: string[] }[];
}

/** `seq` numbers the answers, so a new one starts with its body cut again. */
type SendState = { sending: boolean; seq: number; response?: ApiResponse; error?: string };

/**
 * Any unified call on any integrated account, with the parameters the server publishes for it;
 * the answer as it came (status, time, headers, body) and the same call as curl, CLI and SDK code.
 */
export function ExplorerPage({ api }: PageProps) {
  const [sel, setSel] = useState<Selection>(() => readSelection(window.location.search));
  const [body, setBody] = useState('{}');
  const [sent, setSent] = useState<SendState>({ sending: false, seq: 0 });
  const inflight = useRef<AbortController | undefined>(undefined);

  const accounts = useAsync((signal) => api.listAll<Account>('/integrated-account', {}, { max: 500, signal }), []);
  const doc = useAsync((signal) => api.get<OpenApiDoc>('/openapi.json', undefined, signal), []);
  const caps = useAsync(
    async (signal) =>
      sel.account
        ? {
            forAccount: sel.account,
            ...(await api.get<Capabilities>(`/integrated-account/${encodeURIComponent(sel.account)}/capabilities`, { type: 'unified' }, signal)),
          }
        : undefined,
    [sel.account],
  );
  // useAsync keeps the last answer while the next loads: never offer the previous account's resources.
  const capsData = caps.data?.forAccount === sel.account ? caps.data : undefined;

  const account = accounts.data?.find((a) => a.id === sel.account);
  const unified = capsData?.unified ?? [];
  const models = [...new Map(unified.map((u) => [u.model, u.model_label])).entries()];
  const resources = unified.filter((u) => u.model === sel.model);
  const resource = resources.find((u) => u.resource === sel.resource);
  const methods = resource?.methods ?? [];

  // Keep the selection valid as its parents change: the first model, resource and method that exist.
  useEffect(() => {
    if (!accounts.data?.length || sel.account) return;
    const firstActive = accounts.data.find((a) => a.status === 'active') ?? accounts.data[0];
    setSel((s) => ({ ...s, account: firstActive.id }));
  }, [accounts.data]);
  useEffect(() => {
    if (!capsData) return;
    setSel((s) => {
      const model = unified.some((u) => u.model === s.model) ? s.model : (unified[0]?.model ?? '');
      const inModel = unified.filter((u) => u.model === model);
      const res = inModel.find((u) => u.resource === s.resource) ?? inModel[0];
      const method = res?.methods.includes(s.method) ? s.method : (res?.methods[0] ?? '');
      const next = { ...s, model, resource: res?.resource ?? '', method };
      return next.model === s.model && next.resource === s.resource && next.method === s.method ? s : next;
    });
  }, [capsData]);

  const integration = account?.integration.name ?? '';
  const params = useMemo(
    () => (doc.data && sel.resource && sel.method ? paramsFor(doc.data, sel.model, sel.resource, sel.method, integration) : []),
    [doc.data, sel.model, sel.resource, sel.method, integration],
  );

  useEffect(() => {
    const search = selectionSearch(
      sel,
      params.map((p) => p.name),
    );
    if (search !== window.location.search) history.replaceState(history.state, '', `${window.location.pathname}${search}`);
  }, [sel, params]);

  let bodyError: string | undefined;
  let parsedBody: unknown;
  if (hasBody(sel.method)) {
    try {
      parsedBody = JSON.parse(body);
    } catch (e) {
      bodyError = `The body is not JSON: ${(e as Error).message}`;
    }
  }
  const spec: CallSpec | undefined =
    sel.account && sel.resource && sel.method
      ? {
          baseUrl: window.location.origin,
          model: sel.model,
          resource: sel.resource,
          method: sel.method,
          id: sel.values.id ?? '',
          accountId: sel.account,
          query: toQuery(params, sel.values),
          body: parsedBody,
        }
      : undefined;
  const missingId = spec && needsId(spec.method) && !spec.id?.trim();

  const update = (patch: Partial<Selection>) => setSel((s) => ({ ...s, ...patch }));
  const setValue = (name: string, value: string) => setSel((s) => ({ ...s, values: { ...s.values, [name]: value } }));

  async function send(e: Event) {
    e.preventDefault();
    if (!spec || missingId || bodyError) return;
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    setSent((s) => ({ ...s, sending: true, error: undefined }));
    try {
      const response = await api.send(httpVerb(spec.method), callPath(spec), { body: hasBody(spec.method) ? spec.body : undefined, signal: controller.signal });
      if (controller.signal.aborted) return;
      setSent((s) => ({ sending: false, seq: s.seq + 1, response }));
      // On a phone the answer is below the form: bring it into view (a no-op beside the form on a desktop).
      document.getElementById('explorer-response-title')?.scrollIntoView({ block: 'nearest' });
    } catch (err) {
      if (!controller.signal.aborted) setSent((s) => ({ sending: false, seq: s.seq, error: `The request did not complete: ${(err as Error).message}` }));
    }
  }

  return (
    <div class="explorer-page">
      <PageHeader
        title="API explorer"
        description="Call the unified API on one of your integrated accounts, see the answer, and copy the call as curl, CLI or SDK code."
      />
      <AsyncView
        state={accounts}
        label="Loading integrated accounts…"
        minHeight="4rem"
        isEmpty={(list) => list.length === 0}
        empty={
          <p>
            No integrated accounts yet. <a href="/console/accounts">Connect one on the Accounts page</a>, then come back to call it.
          </p>
        }
      >
        {(list) => (
          <div class="explorer-layout">
            <form class="explorer-form" onSubmit={send} aria-labelledby="explorer-call-title">
              <h2 id="explorer-call-title">Call</h2>
              <div class="explorer-selects">
                <div class="explorer-select">
                  <label for="explorer-select-integrated-account">Integrated account</label>
                  <select
                    id="explorer-select-integrated-account"
                    value={sel.account}
                    onChange={(e) => update({ account: e.currentTarget.value, model: '', resource: '', method: '' })}
                  >
                    {!sel.account && <option value="">Choose an account</option>}
                    {list.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.integration.name} · {a.tenant_id} · {a.id.slice(0, 8)}
                        {a.status === 'active' ? '' : ` (${a.status})`}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="explorer-select">
                  <label for="explorer-select-model">Model</label>
                  <select
                    id="explorer-select-model"
                    value={sel.model}
                    disabled={!models.length}
                    onChange={(e) => update({ model: e.currentTarget.value, resource: '', method: '' })}
                  >
                    {models.map(([name, label]) => (
                      <option key={name} value={name}>
                        {name} ({label})
                      </option>
                    ))}
                  </select>
                </div>
                <div class="explorer-select">
                  <label for="explorer-select-resource">Resource</label>
                  <select
                    id="explorer-select-resource"
                    value={sel.resource}
                    disabled={!resources.length}
                    onChange={(e) => update({ resource: e.currentTarget.value, method: '' })}
                  >
                    {resources.map((r) => (
                      <option key={r.resource} value={r.resource}>
                        {r.resource}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="explorer-select">
                  <label for="explorer-select-method">Method</label>
                  <select id="explorer-select-method" value={sel.method} disabled={!methods.length} onChange={(e) => update({ method: e.currentTarget.value })}>
                    {methods.map((m) => (
                      <option key={m} value={m}>
                        {m} ({httpVerb(m)})
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              {resource?.description && <p class="explorer-note">{resource.description}</p>}
              {caps.error && (
                <p class="notice notice-error" role="alert">
                  {caps.error.message}
                </p>
              )}
              {capsData && !unified.length && <p class="empty">This account's integration maps no unified resource: use the proxy API for it.</p>}
              <div class="explorer-actions">
                <button type="submit" disabled={!spec || !!missingId || !!bodyError || sent.sending}>
                  {sent.sending ? 'Sending…' : 'Send'}
                </button>
                {spec && (
                  <code class="explorer-line" data-testid="call-line">
                    {httpVerb(spec.method)} {callPath(spec)}
                  </code>
                )}
                {missingId && <small class="field-error">Enter the record id to {sel.method} it.</small>}
              </div>
              <fieldset class="explorer-params" aria-busy={doc.loading || caps.loading}>
                <legend>Parameters</legend>
                {doc.error && (
                  <p class="notice notice-error" role="alert">
                    Could not read the published schema: {doc.error.message}
                  </p>
                )}
                {!doc.data && !doc.error && <p class="loading">Loading the published schema…</p>}
                {params.map((p) => (
                  <ParamField key={p.name} param={p} value={sel.values[p.name] ?? ''} onInput={(v) => setValue(p.name, v)} />
                ))}
                {hasBody(sel.method) && (
                  <div class="explorer-param">
                    <label for="explorer-body">
                      <code>body</code> (JSON)
                    </label>
                    <textarea
                      id="explorer-body"
                      rows={5}
                      spellcheck={false}
                      value={body}
                      aria-describedby="explorer-body-error"
                      onInput={(e) => setBody(e.currentTarget.value)}
                    />
                    <small id="explorer-body-error" class="field-error">
                      {bodyError ?? ''}
                    </small>
                  </div>
                )}
              </fieldset>
              {spec && <CopyAs spec={spec} />}
            </form>
            <section class="explorer-result" aria-labelledby="explorer-response-title" aria-busy={sent.sending}>
              <h2 id="explorer-response-title">Response</h2>
              {sent.error && (
                <p class="notice notice-error" role="alert">
                  {sent.error}
                </p>
              )}
              {sent.response ? (
                <ResponseView key={sent.seq} response={sent.response} />
              ) : (
                <p class="empty explorer-placeholder">
                  {sent.sending ? 'Waiting for the answer…' : 'Choose a call and press Send: the status, time, headers and body show here.'}
                </p>
              )}
            </section>
          </div>
        )}
      </AsyncView>
    </div>
  );
}
