/**
 * What the console shows of an account's context. The server already redacts credentials as
 * "********", but the console does not rely on it: any key whose name looks like a credential is
 * masked here too (with everything under it), as is every field the integration declares as a
 * password, so a server that forgot one still never puts a secret on the page.
 */
const SECRET_NAME = /(key|token|secret|password|passwd|credential|authorization|cookie|session|signature|private|bearer|oauth)/i;

export const MASK = '••••••••';

export function isSecretKey(name: string, passwordFields: ReadonlySet<string> = new Set()): boolean {
  return SECRET_NAME.test(name) || passwordFields.has(name);
}

export interface ContextEntry {
  path: string;
  value: string;
  masked: boolean;
}

/** Flattens the context to path → display value; a secret subtree is one masked entry, never its values. */
export function contextEntries(context: unknown, passwordFields: ReadonlySet<string> = new Set(), prefix = ''): ContextEntry[] {
  if (!context || typeof context !== 'object') return prefix ? [{ path: prefix, value: display(context, passwordFields), masked: false }] : [];
  const out: ContextEntry[] = [];
  for (const [key, value] of Object.entries(context as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isSecretKey(key, passwordFields) || value === '********') {
      out.push({ path, value: MASK, masked: true });
    } else if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length) {
      out.push(...contextEntries(value, passwordFields, path));
    } else {
      out.push({ path, value: display(value, passwordFields), masked: false });
    }
  }
  return out;
}

/** The same masking for any object shown as JSON (overrides): secret-looking keys lose their values. */
export function maskedJson(value: unknown, passwordFields: ReadonlySet<string> = new Set(), indent = 2): string {
  return JSON.stringify(value, (key, v) => (key && (isSecretKey(key, passwordFields) || v === '********') ? MASK : v), indent);
}

/** Arrays and empty objects go through the same replacer: an array of objects may hold a credential. */
function display(value: unknown, passwordFields: ReadonlySet<string>): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return value;
  return maskedJson(value, passwordFields, 0);
}
