import { isProtectedKey } from '../store/secret-box.ts';

/** Secrets never leave in debug output or logs: headers, query and body values are masked. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$|token|secret|password|key$/i;
const MASK = '********';

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(k)) out[k] = v;
    else if (/^(authorization|proxy-authorization)$/i.test(k) && /^\w+\s/.test(v)) out[k] = `${v.split(/\s/)[0]} ${MASK}`;
    else out[k] = MASK;
  }
  return out;
}

/** `isSecret`: the installation's predicate (declared password fields too); the well-known names without it. */
export function redactUrl(url: string, isSecret: (key: string) => boolean = isProtectedKey): string {
  try {
    const u = new URL(url);
    let changed = false;
    for (const key of [...u.searchParams.keys()]) {
      // `sig`/`signature`: a signed download URL's signature is a credential for that file.
      if (isSecret(key) || /token|secret|password|api_?key|^sig$|signature/i.test(key)) {
        u.searchParams.set(key, MASK);
        changed = true;
      }
    }
    if (u.password) {
      u.password = MASK;
      changed = true;
    }
    return changed ? u.href : url;
  } catch {
    return url;
  }
}

export function redactBody(body: unknown, isSecret: (key: string) => boolean = isProtectedKey): unknown {
  if (Array.isArray(body)) return body.map((v) => redactBody(v, isSecret));
  if (body === null || typeof body !== 'object') return body;
  // A secret's whole value is masked, whatever its type (as the store seals it).
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, isSecret(k) && v !== null && v !== undefined ? MASK : redactBody(v, isSecret)]));
}
