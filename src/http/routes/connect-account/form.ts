import type { CredentialField, IntegrationDefinition } from '../../../integrations/definition-schema.ts';
import type { FieldProblem } from '../../../services/connect-account.ts';
import { esc, modeFields, pageUrl, type PageMode } from './html.ts';
import { cancelButton } from './list.ts';

/** Form fields are posted as `field:<name>`, apart from the page's own (link_token, form_nonce…). */
export const FIELD_PREFIX = 'field:';

export interface FormState {
  def: IntegrationDefinition;
  mode: PageMode;
  formNonce: string;
  /** Whether the token reconnects an existing account. */
  reconnect: boolean;
  /** Whether the token names the integration (no list to go back to). */
  fixed: boolean;
  /** What was entered, re-shown after a refusal; secrets never are. */
  values?: Record<string, string>;
  error?: { message: string; fields: FieldProblem[] };
}

/** The second step: the integration's credential form, or its sign-in button for OAuth. */
export function formBody(s: FormState): string {
  const { def, mode } = s;
  const verb = s.reconnect ? 'Reconnect' : 'Connect';
  const back = s.fixed || mode.noBack ? '' : `<p><a href="${esc(pageUrl(mode))}">Back to all services</a></p>`;
  if (def.credentials.format !== 'api_key') {
    return `<h1>${verb} ${esc(def.label)}</h1>
<p>You will sign in at ${esc(def.label)} and come back here.</p>
<p class="actions"><a class="button" href="${esc(pageUrl(mode, { integration: def.name }, '/connect-account/oauth'))}">Continue to ${esc(def.label)}</a></p>
${back}${cancelButton(mode)}`;
  }
  const config = def.credentials.config;
  const problems = new Map((s.error?.fields ?? []).map((f) => [f.field, f.message]));
  const intro = [
    config.permissions_text ? `<p>${esc(config.permissions_text)}</p>` : '',
    config.documentation_link && /^https?:\/\//.test(config.documentation_link)
      ? `<p><a href="${esc(config.documentation_link)}" target="_blank" rel="noopener noreferrer">Where to find these details (opens in a new tab)</a></p>`
      : '',
  ].join('');
  return `<h1>${verb} ${esc(def.label)}</h1>
${s.error ? errorSummary(s.error.message, s.error.fields) : ''}${intro}
<form method="post" action="/connect-account" novalidate>
${modeFields(mode)}<input type="hidden" name="integration" value="${esc(def.name)}"><input type="hidden" name="form_nonce" value="${esc(s.formNonce)}">
<fieldset>
<legend>${esc(def.label)} details</legend>
<p class="help">Fields marked (required) must be filled in.</p>
${config.fields.map((f) => fieldHtml(f, s.values?.[f.name], problems.get(f.name))).join('\n')}
</fieldset>
<div class="actions"><button type="submit">${verb} ${esc(def.label)}</button></div>
</form>
${back}${cancelButton(mode)}`;
}

/** Announced on arrival (role=alert) and focused by the page script; each item links to its field. */
function errorSummary(message: string, fields: FieldProblem[]): string {
  const items = fields.map((f) => `<li><a href="#f-${esc(f.field)}">${esc(f.message)}</a></li>`).join('');
  return `<div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">The account was not connected</h2>
<p>${esc(message)}</p>${items ? `<ul>${items}</ul>` : ''}
</div>`;
}

function fieldHtml(f: CredentialField, value: string | undefined, problem: string | undefined): string {
  const id = `f-${f.name}`;
  const describedBy = [f.help_text ? `${id}-help` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = [
    `id="${esc(id)}"`,
    `name="${esc(FIELD_PREFIX + f.name)}"`,
    f.required ? 'required aria-required="true"' : '',
    describedBy ? `aria-describedby="${esc(describedBy)}"` : '',
    problem ? 'aria-invalid="true"' : '',
  ]
    .filter(Boolean)
    .join(' ');
  // A secret is never sent back to the browser, not even the one just typed.
  const shown = f.type === 'password' ? '' : (value ?? (typeof f.default === 'string' ? f.default : ''));
  let control: string;
  if (f.type === 'single_select') {
    const options = (f.options ?? []).map((o) => `<option value="${esc(o.value)}"${o.value === shown ? ' selected' : ''}>${esc(o.label)}</option>`).join('');
    control = `<select ${common}><option value="">Choose…</option>${options}</select>`;
  } else {
    const type = f.type === 'password' ? 'password' : f.format === 'email' ? 'email' : f.format === 'url' ? 'url' : 'text';
    const extra = [
      f.type === 'password' ? 'autocomplete="off" spellcheck="false"' : 'autocomplete="off"',
      f.format === 'number' ? 'inputmode="numeric"' : '',
      f.placeholder ? `placeholder="${esc(f.placeholder)}"` : '',
    ]
      .filter(Boolean)
      .join(' ');
    control = `<input type="${type}" ${common} ${extra} value="${esc(shown)}">`;
  }
  return `<div class="field">
<label for="${esc(id)}">${esc(f.label)}${f.required ? ' (required)' : ''}</label>
${f.help_text ? `<p class="help" id="${esc(id)}-help">${esc(f.help_text)}</p>` : ''}${problem ? `<p class="field-error" id="${esc(id)}-error">Error: ${esc(problem)}</p>` : ''}
${control}
</div>`;
}
