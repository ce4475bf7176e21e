import { esc, scriptJson } from './html.ts';
import { cancelButton } from './list.ts';
import type { PageMode } from './html.ts';

/** What the link SDK receives (popup: PromiseWindow's onPostMessage; iframe: its listener, which needs is_truto). */
export interface ConnectMessage {
  result: 'success' | 'error';
  integration?: string;
  integrated_account_id?: string;
  error?: string;
  error_type?: 'invalid_token' | 'invalid_integration' | 'connection_error' | 'post_install_error' | 'validation_error';
  is_truto: true;
}

/** The last step: connected. The script reports it to the opener and follows `redirect` when set. */
export function successBody(p: { label: string; message: ConnectMessage; redirect?: string; reconnect: boolean }): string {
  const next = p.redirect ? `<p><a href="${esc(p.redirect)}">Continue</a> (you are taken back automatically).</p>` : '<p>You can close this window now.</p>';
  return `<h1 id="result-heading" tabindex="-1">${esc(p.label)} is ${p.reconnect ? 'reconnected' : 'connected'}</h1>
<p role="status">Your ${esc(p.label)} account is now connected.</p>
${next}
<script type="application/json" id="connect-result">${scriptJson({ message: p.message, redirect: p.redirect })}</script>`;
}

/**
 * A page that cannot go on (an unknown, expired or used link): says why and what to do. In popup
 * or iframe mode the opener is told too, so the application's promise settles.
 */
export function errorBody(p: { title: string; message: string; report?: ConnectMessage; mode?: PageMode }): string {
  return `<h1 id="result-heading" tabindex="-1">${esc(p.title)}</h1>
<p role="alert">${esc(p.message)}</p>
${p.mode ? cancelButton(p.mode) : ''}${p.report ? `<script type="application/json" id="connect-result">${scriptJson({ message: p.report })}</script>` : ''}`;
}
