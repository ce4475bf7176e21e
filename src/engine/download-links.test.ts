import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { integrationSchema } from '../integrations/definition-schema.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import { EgressPolicy } from '../upstream/egress-policy.ts';
import { createExecution } from './create-execution.ts';
import { MAX_DOWNLOAD_LINKS } from './download-links.ts';
import { callResource } from './resource-call.ts';
import type { EngineServices } from './types.ts';

/**
 * A resource method whose response names download links (`download`), over real sockets: one
 * stub plays the provider's API, another the file host (a different origin, as a CDN is). The
 * links are followed without the account's credentials, NDJSON lines become the records, a JSON
 * file's records come from `records_path`, a broken line is a 502 naming it, and too many links,
 * a file host the egress policy does not allow, or a failing file are refused.
 */
interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
}
const seen: Seen[] = [];
let api: http.Server;
let files: http.Server;
let apiOrigin = '';
let filesOrigin = '';
let flaky = 0;

const LINES = (part: string, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ part, i })).join('\n') + '\n';

function listen(handler: http.RequestListener): Promise<[http.Server, string]> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve([server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`])));
}

const send = (res: http.ServerResponse, status: number, body: string, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};

before(async () => {
  [files, filesOrigin] = await listen((req, res) => {
    seen.push({ path: req.url!, headers: req.headers });
    const path = new URL(req.url!, filesOrigin).pathname;
    if (path === '/f/a.ndjson') return send(res, 200, LINES('a', 3), 'application/x-ndjson');
    // No trailing newline, a blank line in the middle, CRLF endings: all still one record a line.
    if (path === '/f/b.ndjson') return send(res, 200, '{"part":"b","i":0}\r\n\r\n{"part":"b","i":1}', 'application/octet-stream');
    if (path === '/f/broken.ndjson') return send(res, 200, '{"ok":1}\n{"ok":2}\n{"ok":\n', 'application/x-ndjson');
    if (path === '/f/doc.json') return send(res, 200, JSON.stringify({ meta: 1, items: [{ id: 'x' }, { id: 'y' }] }));
    if (path === '/f/flaky.ndjson') return flaky++ === 0 ? send(res, 503, 'busy', 'text/plain') : send(res, 200, LINES('flaky', 1), 'application/x-ndjson');
    if (path === '/f/gone.ndjson') return send(res, 403, '<Error><Code>AuthenticationFailed</Code></Error>', 'application/xml');
    send(res, 404, 'no such file', 'text/plain');
  });
  [api, apiOrigin] = await listen((req, res) => {
    seen.push({ path: req.url!, headers: req.headers });
    const url = new URL(req.url!, apiOrigin);
    const links = (names: string[]) => names.map((n) => `${filesOrigin}/f/${n}?sig=s3cr3t&se=2030-01-01`);
    switch (url.pathname) {
      case '/report':
        return send(res, 200, JSON.stringify({ download_links: links(['a.ndjson', 'b.ndjson']), report_day: '2026-11-01' }));
      case '/report/broken':
        return send(res, 200, JSON.stringify({ download_links: links(['a.ndjson', 'broken.ndjson']) }));
      case '/report/many':
        return send(res, 200, JSON.stringify({ download_links: links(Array.from({ length: MAX_DOWNLOAD_LINKS + 1 }, (_, i) => `${i}.ndjson`)) }));
      case '/report/json':
        return send(res, 200, JSON.stringify({ data: { links: links(['doc.json', 'doc.json']) } }));
      case '/report/none':
        res.writeHead(204);
        return res.end();
      case '/report/flaky':
        return send(res, 200, JSON.stringify({ download_links: links(['flaky.ndjson']) }));
      case '/report/gone':
        return send(res, 200, JSON.stringify({ download_links: links(['gone.ndjson']) }));
      case '/report/elsewhere':
        return send(res, 200, JSON.stringify({ download_links: ['http://127.0.0.2:9/f/a.ndjson'] }));
      case '/report/not-links':
        return send(res, 200, JSON.stringify({ download_links: [{ url: 'x' }] }));
    }
    send(res, 404, '{}');
  });
});
after(() => {
  api?.close();
  files?.close();
});

function execution() {
  const download = { links_path: 'download_links' };
  const integration = integrationSchema.parse({
    name: 'reports',
    label: 'Reports',
    category: 'usage-metering',
    base_url: apiOrigin,
    headers: { 'x-tenant': 'acme' },
    credentials: { format: 'api_key', config: { fields: [{ name: 'api_key', label: 'Key', type: 'password' }] } },
    authorization: { format: 'bearer', config: { token: '{{credentials.api_key}}' } },
    resources: {
      report: { list: { path: '/report', pagination: null, download } },
      broken: { list: { path: '/report/broken', pagination: null, download } },
      many: { list: { path: '/report/many', pagination: null, download } },
      json: { list: { path: '/report/json', pagination: null, download: { links_path: 'data.links', format: 'json', records_path: 'items' } } },
      none: { list: { path: '/report/none', pagination: null, download } },
      flaky: { list: { path: '/report/flaky', pagination: null, download } },
      gone: { list: { path: '/report/gone', pagination: null, download } },
      elsewhere: { list: { path: '/report/elsewhere', pagination: null, download } },
      not_links: { list: { path: '/report/not-links', pagination: null, download } },
    },
  });
  // Both stubs are on loopback: the operator's allow-list (as the sandbox does for simulators).
  const egress = new EgressPolicy({ allow: '', integrations: [integration] });
  egress.allowOrigin(apiOrigin);
  egress.allowOrigin(filesOrigin);
  const services = {
    egress,
    isSecret: (k: string) => k === 'api_key',
    cache: { get: async () => undefined, set: async () => {} },
    markNeedsReauth: async () => assert.fail('a file host never marks the account for re-authentication'),
  } as unknown as EngineServices;
  const account = { id: 'acct', context: { api_key: 'k-SECRET' } } as unknown as IntegratedAccountRecord;
  const config = { timeoutMs: 5000, maxRetries: 2, maxRetryWaitSeconds: 1, retryBaseMs: 10, allow: [], maxResponseBytes: 1_000_000, requestBudgetMs: 10_000 };
  return createExecution({ integration, account, services, config });
}

const list = (resource: string, exec = execution()) => callResource(exec, { resource, method: 'list', role: 'main' });

async function failure(resource: string) {
  const err = await list(resource).then(
    () => assert.fail(`${resource} should fail`),
    (e: unknown) => e as { status: number; code?: string; message: string; remote?: { rawResponse: unknown } },
  );
  return err;
}

describe('download: records in the files a response links to', () => {
  test('every link is followed in order, NDJSON lines are the records, and no credential or definition header reaches the file host', async () => {
    seen.length = 0;
    const exec = execution();
    const result = await list('report', exec);
    assert.deepEqual(result.records, [
      { part: 'a', i: 0 },
      { part: 'a', i: 1 },
      { part: 'a', i: 2 },
      { part: 'b', i: 0 },
      { part: 'b', i: 1 },
    ]);
    assert.deepEqual((result.data as { report_day: string }).report_day, '2026-11-01', 'data is still the response');
    const [call, ...downloads] = seen;
    assert.equal(call.headers.authorization, 'Bearer k-SECRET', 'the API call is authorized');
    assert.equal(call.headers['x-tenant'], 'acme');
    assert.deepEqual(
      downloads.map((d) => d.path),
      ['/f/a.ndjson?sig=s3cr3t&se=2030-01-01', '/f/b.ndjson?sig=s3cr3t&se=2030-01-01'],
      'exactly the signed URLs, nothing added',
    );
    for (const d of downloads) {
      assert.equal(d.headers.authorization, undefined);
      assert.equal(d.headers['x-tenant'], undefined, "the definition's headers stay with the API");
      assert.ok(!JSON.stringify(d.headers).includes('k-SECRET'));
    }
    // Traced like any call; the signature is masked in debug output.
    assert.deepEqual(
      exec.calls.map((c) => c.role),
      ['main', 'main', 'main'],
    );
    const { redactUrl } = await import('./redact.ts');
    assert.match(redactUrl(exec.calls[1].requestUrl), /sig=\*{8}&se=2030-01-01/);
  });

  test('json files: the records at records_path, from links at a nested links_path', async () => {
    const result = await list('json');
    assert.deepEqual(result.records, [{ id: 'x' }, { id: 'y' }, { id: 'x' }, { id: 'y' }]);
  });

  test('a 204 (no report) is no records; a 503 from the file host is retried', async () => {
    assert.deepEqual((await list('none')).records, []);
    flaky = 0;
    assert.deepEqual((await list('flaky')).records, [{ part: 'flaky', i: 0 }]);
    assert.equal(flaky, 2);
  });

  test('a malformed line is a 502 naming the link and the line', async () => {
    const err = await failure('broken');
    assert.equal(err.status, 502);
    assert.equal(err.code, 'TESSERA_UPSTREAM_INVALID_RESPONSE');
    assert.match(err.message, /^Reports broken\.list: download link 2 of 2: line 3 is not JSON/);
    assert.equal(err.remote?.rawResponse, '{"ok":');
  });

  test(`more than ${MAX_DOWNLOAD_LINKS} links are refused before any download`, async () => {
    seen.length = 0;
    const err = await failure('many');
    assert.equal(err.status, 502);
    assert.equal(err.code, 'TESSERA_UPSTREAM_RESPONSE_TOO_LARGE');
    assert.match(err.message, new RegExp(`names ${MAX_DOWNLOAD_LINKS + 1} download links; Tessera follows at most ${MAX_DOWNLOAD_LINKS}`));
    assert.equal(seen.length, 1, 'only the API call');
  });

  test('a failing file is a 502 with its status (never a remote 401/403 on the account); links that are not URLs are a 502', async () => {
    const gone = await failure('gone');
    assert.equal(gone.status, 502);
    assert.match(gone.message, /download link 1 of 1 answered 403/);
    const bad = await failure('not_links');
    assert.equal(bad.status, 502);
    assert.match(bad.message, /download_links is not a list of http\(s\) download links/);
  });

  test('a file host neither the definition nor the operator allows is refused by the egress policy', async () => {
    const err = await failure('elsewhere');
    assert.equal(err.status, 502);
    assert.equal(err.code, 'TESSERA_EGRESS_REFUSED');
  });
});
