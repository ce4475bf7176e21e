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
  if (nothingToMask(url, isSecret)) return url;
  try {
    const u = new URL(url);
    let changed = false;
    for (const key of [...u.searchParams.keys()]) {
      // `sig`/`signature`: a signed download URL's signature is a credential for that file.
      if (isSecret(key) || SECRET_PARAM.test(key)) {
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

const SECRET_PARAM = /token|secret|password|api_?key|^sig$|signature/i;

/**
 * Whether the URL certainly has no password and no parameter to mask, decided on the text: every
 * upstream attempt and request is logged, and parsing a URL for each showed in the profile. Only
 * plain printable ASCII qualifies (the URL parser drops tabs and newlines inside names and trims
 * the ends, which a test on the raw text would miss), and no `@` anywhere (user info); names are
 * decoded as URLSearchParams decodes them. Anything else takes the full parse.
 */
function nothingToMask(url: string, isSecret: (key: string) => boolean): boolean {
  if (url.includes('@') || !/^[\x21-\x7e]*$/.test(url)) return false;
  const start = url.indexOf('?');
  if (start < 0) return true;
  const hash = url.indexOf('#', start);
  const query = url.slice(start + 1, hash < 0 ? undefined : hash);
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    let key: string;
    try {
      key = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replaceAll('+', ' '));
    } catch {
      return false;
    }
    if (isSecret(key) || SECRET_PARAM.test(key)) return false;
  }
  return true;
}

export function redactBody(body: unknown, isSecret: (key: string) => boolean = isProtectedKey): unknown {
  if (Array.isArray(body)) return body.map((v) => redactBody(v, isSecret));
  if (body === null || typeof body !== 'object') return body;
  // A secret's whole value is masked, whatever its type (as the store seals it).
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, isSecret(k) && v !== null && v !== undefined ? MASK : redactBody(v, isSecret)]));
}
