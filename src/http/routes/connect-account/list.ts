import type { IntegrationDefinition } from '../../../integrations/definition-schema.ts';
import { esc, pageUrl, type PageMode } from './html.ts';

/** The first step: the integrations this link may connect, one link each to its form. */
export function listBody(defs: IntegrationDefinition[], mode: PageMode): string {
  if (!defs.length) {
    return `<h1>Nothing to connect</h1>
<p>No integration can be connected with this link. Ask the application that sent you here to install one.</p>`;
  }
  const items = defs
    .map((d) => `<li><a href="${esc(pageUrl(mode, { integration: d.name }))}">Connect ${esc(d.label)}<span class="category">${esc(d.category)}</span></a></li>`)
    .join('\n');
  return `<h1>Connect an account</h1>
<p id="list-intro">Choose the service to connect.</p>
<ul class="integrations" aria-labelledby="list-intro">
${items}
</ul>
${cancelButton(mode)}`;
}

/** In the SDK's iframe the page cannot be closed by the person: Cancel tells the parent instead. */
export function cancelButton(mode: PageMode): string {
  return mode.iframe ? `<p><button type="button" id="cancel" class="secondary">Cancel</button></p>` : '';
}
