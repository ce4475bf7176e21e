/**
 * The explorer's selection and its place in the URL (`?account=…&model=…&resource=…&method=…&q.limit=2`),
 * so a call can be shared as a link. The token is not part of the selection and never reaches the URL.
 */
export interface Selection {
  account: string;
  model: string;
  resource: string;
  method: string;
  /** Parameter values as typed, by wire name (the record id under `id`). */
  values: Record<string, string>;
}

const PARAM_PREFIX = 'q.';

export function readSelection(search: string): Selection {
  const params = new URLSearchParams(search);
  const values: Record<string, string> = {};
  for (const [key, value] of params) if (key.startsWith(PARAM_PREFIX)) values[key.slice(PARAM_PREFIX.length)] = value;
  return {
    account: params.get('account') ?? '',
    model: params.get('model') ?? '',
    resource: params.get('resource') ?? '',
    method: params.get('method') ?? '',
    values,
  };
}

/** Only the parameters the current method has (`names`), and only those with a value. */
export function selectionSearch(sel: Selection, names: string[]): string {
  const params = new URLSearchParams();
  for (const key of ['account', 'model', 'resource', 'method'] as const) if (sel[key]) params.set(key, sel[key]);
  for (const name of names) {
    const value = sel.values[name];
    if (value) params.set(PARAM_PREFIX + name, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
