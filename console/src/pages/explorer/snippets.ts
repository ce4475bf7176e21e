/**
 * The explorer's call as text: the HTTP method and path it sends, and the same call as curl, as a
 * `tessera` CLI command (docs/cli.md) and as SDK code (docs/sdk.md). Pure functions (no DOM), so
 * the quoting is tested in Node. The token is never part of any of them: curl and the SDK read
 * $TESSERA_TOKEN, the CLI its saved profile or TESSERA_TOKEN.
 */

export const STANDARD_METHODS = ['list', 'get', 'create', 'update', 'delete'] as const;

export interface CallSpec {
  /** Where Tessera answers, e.g. http://localhost:8080 (no trailing slash). */
  baseUrl: string;
  model: string;
  resource: string;
  /** list, get, create, update, delete, or a custom method name. */
  method: string;
  /** The record id (get, update, delete). */
  id?: string;
  accountId: string;
  /** Query parameters other than integrated_account_id, as objects/arrays where nested. */
  query: Record<string, unknown>;
  /** A parsed JSON body (create, update, custom methods). */
  body?: unknown;
}

export function needsId(method: string): boolean {
  return method === 'get' || method === 'update' || method === 'delete';
}

export function hasBody(method: string): boolean {
  return method === 'create' || method === 'update' || !(STANDARD_METHODS as readonly string[]).includes(method);
}

/** The HTTP verb of a unified method (docs/contract.md): custom methods are POSTs to …/{method}. */
export function httpVerb(method: string): string {
  switch (method) {
    case 'list':
    case 'get':
      return 'GET';
    case 'create':
      return 'POST';
    case 'update':
      return 'PATCH';
    case 'delete':
      return 'DELETE';
    default:
      return 'POST';
  }
}

/**
 * The query as [key, value] pairs in qs's indices form (`a[0]=x`, `remote_query[foo]=bar`), the
 * form Truto's SDK sends and the server parses back into the same structure.
 */
export function queryPairs(query: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) value.forEach((v, i) => out.push(...queryPairs({ [i]: v }, name)));
    else if (typeof value === 'object') out.push(...queryPairs(value as Record<string, unknown>, name));
    else out.push([name, String(value)]);
  }
  return out;
}

/** Brackets stay readable in keys; everything else (spaces, quotes, unicode, & and =) is percent-encoded. */
function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/gi, '[').replace(/%5D/gi, ']');
}

/** Path and query string, exactly as the explorer sends it and as the snippets show it. */
export function callPath(spec: CallSpec): string {
  const segments = ['unified', spec.model, spec.resource];
  if (needsId(spec.method)) segments.push(spec.id ?? '');
  else if (!(STANDARD_METHODS as readonly string[]).includes(spec.method)) segments.push(spec.method);
  const path = '/' + segments.map((s) => encodeURIComponent(s)).join('/');
  const pairs = queryPairs({ integrated_account_id: spec.accountId, ...spec.query });
  const search = pairs.map(([k, v]) => `${encodeKey(k)}=${encodeURIComponent(v)}`).join('&');
  return search ? `${path}?${search}` : path;
}

/** POSIX shell quoting: bare when safe, else single quotes with embedded ones as '\''. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_\-./:=@%+,]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function curlSnippet(spec: CallSpec): string {
  const url = spec.baseUrl + callPath(spec);
  const verb = httpVerb(spec.method);
  // curl reads [] in a URL as a glob unless told not to.
  const lines = [`curl -s${/[[\]]/.test(url) ? ' -g' : ''}${verb === 'GET' ? '' : ` -X ${verb}`} ${shellQuote(url)}`];
  // Double quotes so the shell expands the variable; the real token never appears.
  lines.push(`-H "Authorization: Bearer $TESSERA_TOKEN"`);
  if (hasBody(spec.method) && spec.body !== undefined) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`--data ${shellQuote(JSON.stringify(spec.body))}`);
  }
  return lines.join(' \\\n  ');
}

/** `-q` splits on commas (docs/cli.md), so a comma inside a value is written `\,`. */
function cliPair(key: string, value: string): string {
  return shellQuote(`${key}=${value.replace(/,/g, '\\,')}`);
}

export function cliSnippet(spec: CallSpec): string {
  const words = ['tessera', 'unified', shellQuote(spec.model), shellQuote(spec.resource)];
  if (needsId(spec.method)) words.push(shellQuote(spec.id ?? ''));
  words.push('-a', shellQuote(spec.accountId));
  if (spec.method !== 'list') words.push('-m', shellQuote(spec.method));
  for (const [k, v] of queryPairs(spec.query)) words.push('-q', cliPair(k, v));
  if (hasBody(spec.method) && spec.body !== undefined) words.push('-b', shellQuote(JSON.stringify(spec.body)));
  words.push('-o', 'json');
  return words.join(' ');
}

/** JSON is valid TypeScript for literals, and escapes quotes, backslashes and control characters. */
function literal(value: unknown, indent = 0): string {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((line, i) => (i === 0 ? line : ' '.repeat(indent) + line))
    .join('\n');
}

export function sdkSnippet(spec: CallSpec): string {
  const head = [
    `import { Tessera } from '@tessera-api/sdk';`,
    ``,
    `const tessera = new Tessera({ token: process.env.TESSERA_TOKEN!, baseUrl: ${literal(spec.baseUrl)} });`,
  ];
  const query = literal({ integrated_account_id: spec.accountId, ...spec.query });
  const m = literal(spec.model);
  const r = literal(spec.resource);
  const id = literal(spec.id ?? '');
  const body = literal(spec.body ?? {});
  let call: string[];
  switch (spec.method) {
    case 'list':
      call = [
        `// A cursor: .next() reads one page; for await (const record of cursor) reads them all.`,
        `const cursor = tessera.unifiedApi.list(${m}, ${r}, ${query});`,
        `const { items, nextCursor } = await cursor.next();`,
        `console.log(items, nextCursor);`,
      ];
      break;
    case 'get':
      call = [`const record = await tessera.unifiedApi.get(${m}, ${r}, ${id}, ${query});`, `console.log(record);`];
      break;
    case 'create':
      call = [`const record = await tessera.unifiedApi.create(${m}, ${r}, ${body}, ${query});`, `console.log(record);`];
      break;
    case 'update':
      call = [`const record = await tessera.unifiedApi.update(${m}, ${r}, ${id}, ${body}, ${query});`, `console.log(record);`];
      break;
    case 'delete':
      call = [`const { id } = await tessera.unifiedApi.delete(${m}, ${r}, ${id}, ${query});`, `console.log(id);`];
      break;
    default:
      call = [`const { result } = await tessera.unifiedApi.customMethod(${m}, ${r}, ${literal(spec.method)}, ${body}, ${query});`, `console.log(result);`];
  }
  return [...head, ...call].join('\n') + '\n';
}
