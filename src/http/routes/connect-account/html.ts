/**
 * Escaping for the connect page's server-rendered HTML. Every value that is not this module's own
 * markup goes through `esc` (text and quoted attributes alike), so an integration's label or a
 * provider's error message can never become markup.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the two JavaScript line
 * separators escaped, so no value can close the element or start a comment.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What the page carries from one step to the next: the token and the link SDK's display options. */
export interface PageMode {
  linkToken: string;
  /** `iframe=true`: shown in the link SDK's iframe; Cancel tells the parent `closed`. */
  iframe: boolean;
  /** `no_back=true`: no way back to the list from a form. */
  noBack: boolean;
  /** `integrations=a,b`: the list narrowed to these. */
  integrations?: string[];
}

/** The page's own URL for `params`, keeping the mode's options. */
export function pageUrl(mode: PageMode, params: Record<string, string> = {}, path = '/connect-account'): string {
  const q = new URLSearchParams({ link_token: mode.linkToken });
  if (mode.iframe) q.set('iframe', 'true');
  if (mode.noBack) q.set('no_back', 'true');
  if (mode.integrations?.length) q.set('integrations', mode.integrations.join(','));
  for (const [k, v] of Object.entries(params)) q.set(k, v);
  return `${path}?${q.toString()}`;
}

/** The mode as hidden form fields, so a POST keeps it. */
export function modeFields(mode: PageMode): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;
  return [
    hidden('link_token', mode.linkToken),
    mode.iframe ? hidden('iframe', 'true') : '',
    mode.noBack ? hidden('no_back', 'true') : '',
    mode.integrations?.length ? hidden('integrations', mode.integrations.join(',')) : '',
  ].join('');
}
