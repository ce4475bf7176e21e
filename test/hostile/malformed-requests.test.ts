import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startVocabServer, type VocabServer } from '../fixtures/vocab/server.ts';
import { startCustomStack, type CustomStack } from '../helpers/custom-stack.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { generateCorpus } from './malformed-corpus.ts';
import { envelopeProblem, rawExchange, send } from './raw-http.ts';
import { hostileStores, type HostileStore } from './stores.ts';

/**
 * Every malformed request gets a 4xx in the contract's error envelope: never a 5xx, never an
 * empty body, and the server keeps answering. A generated corpus (nasty path segments × every
 * route, hostile query strings, hostile bodies) goes over real sockets to a real Tessera with
 * its simulators, on SQLite and on Postgres; then requests Node's own HTTP parser rejects, sent
 * on raw sockets; then a cursor made stale by a base-URL change.
 */
const stores = await hostileStores();
const CONCURRENCY = 8;
const VOCAB = path.join(import.meta.dirname, '../fixtures/vocab/catalog');

for (const store of stores) {
  describe(`malformed requests on ${store.name}`, { skip: store.env ? false : `${store.name} is not reachable` }, () => {
    let stack: TestStack;
    let port: number;
    let throwaway: string;

    before(async () => {
      stack = await startTestStack(store.env);
      port = Number(new URL(stack.apiUrl).port);
      const neon = await stack.services.store.getIntegratedAccount(stack.accounts.neon);
      const res = await stack.api('/integrated-account', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: 'throwaway', integration: 'neon', context: neon!.context, integration_override: neon!.integration_override }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      throwaway = ((await res.json()) as { id: string }).id;
    });
    after(async () => {
      await stack?.close();
      await store.cleanup();
    });

    test('the corpus gets no 5xx, and every error is the envelope', async (t) => {
      const corpus = generateCorpus({ account: stack.accounts.neon, throwaway });
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const auth = { authorization: `Bearer ${stack.token}` };
      const byStatus = new Map<number, number>();
      const failures: string[] = [];
      let next = 0;
      const started = Date.now();
      const worker = async () => {
        while (next < corpus.length) {
          const req = corpus[next++];
          const label = `${req.method} ${req.path.slice(0, 160)} [${req.family}${req.body ? `, ${req.body.length} B body` : ''}]`;
          try {
            const res = await send(stack.apiUrl, agent, { ...req, headers: { ...auth, ...req.headers } });
            byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
            // A connect validates the credentials at the provider before storing anything; bodies
            // that name an integration without a base_url reach its real host, which this sandbox
            // cannot resolve. That 502 is the provider's (remote flag, upstream code), not ours.
            const unreachableProvider =
              res.status === 502 && req.method === 'POST' && req.path.startsWith('/integrated-account') && res.text.includes('"TESSERA_UPSTREAM_UNREACHABLE"');
            if (res.status >= 500 && !unreachableProvider) failures.push(`${res.status} ${label}: ${res.text.slice(0, 200)}`);
            else if (res.status >= 400) {
              const problem = envelopeProblem(res.status, res.text);
              if (problem) failures.push(`${res.status} without the envelope (${problem}) ${label}`);
            }
          } catch (e) {
            failures.push(`no answer (${(e as Error).message}) ${label}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      agent.destroy();
      const count = (f: string) => corpus.filter((r) => r.family === f).length;
      const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      t.diagnostic(
        `${store.name}: ${corpus.length} requests (${count('segment')} path segments, ${count('query')} query strings, ${count('body')} bodies, ${count('header')} header sets) in ${Date.now() - started} ms`,
      );
      t.diagnostic(`${store.name}: statuses ${statuses.join(' ')}; 5xx: ${[...byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0)}`);
      // For working on the server: the whole list, not only the first few the assertion shows.
      if (process.env.TESSERA_HOSTILE_DUMP) fs.writeFileSync(`${process.env.TESSERA_HOSTILE_DUMP}.${store.name}`, failures.join('\n'));
      assert.deepEqual(failures.slice(0, 40), [], `${failures.length} failures`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
      assert.equal((await stack.api('/health')).status, 200);
    });

    test('a body over TESSERA_MAX_BODY_BYTES is a 413 naming the limit, whether sized or chunked, and nothing is stored', async () => {
      const before = (await stack.services.store.listIntegratedAccounts({ environment_id: (await envOf(stack)).id, limit: 10_000 })).length;
      const big = JSON.stringify({ tenant_id: 'x'.repeat(2 * 1024 * 1024), integration: 'neon', context: {} });
      const sized = await stack.api('/integrated-account', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      assert.equal(sized.status, 413);
      const envelope = (await sized.json()) as { message: string; code: string };
      assert.equal(envelope.code, 'TESSERA_PAYLOAD_TOO_LARGE');
      assert.match(envelope.message, /1048576 bytes/);
      assert.match(envelope.message, /TESSERA_MAX_BODY_BYTES/);

      // Chunked: no Content-Length, so the limit is enforced while the body streams in.
      const chunks = [
        `POST /integrated-account HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stack.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      ];
      const piece = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 40; i++) chunks.push(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      chunks.push('0\r\n\r\n');
      const chunked = await rawExchange(port, chunks);
      assert.equal(chunked.status, 413, chunked.raw.slice(0, 300));
      assert.equal(envelopeProblem(413, chunked.body), undefined);

      // A 100 MB Content-Length is refused from the headers alone, before any of it is read.
      const claimed = await rawExchange(
        port,
        `POST /integrated-account HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stack.token}\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{"tenant_id":`,
      );
      assert.equal(claimed.status, 413, claimed.raw.slice(0, 300));
      assert.equal(claimed.headers.connection, 'close');
      assert.equal(envelopeProblem(413, claimed.body), undefined);
      const after = (await stack.services.store.listIntegratedAccounts({ environment_id: (await envOf(stack)).id, limit: 10_000 })).length;
      assert.equal(after, before);
    });

    test("requests Node's HTTP parser rejects get the envelope and Connection: close", async (t) => {
      const head = (extra: string) => `GET /health HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
      const cases: [string, string | string[], number][] = [
        ['a control character in a header value', head('X-Bad: a\u0001b\r\n'), 400],
        ['a space in a header name', head('Bad Name: x\r\n'), 400],
        ['a header line without a colon', head('NoColon\r\n'), 400],
        ['headers over the size limit', head(`X-Big: ${'a'.repeat(20_000)}\r\n`), 431],
        ['a URL over the size limit', `GET /health?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
        ['an unknown method', 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n', 400],
        ['a method with a control character', 'G\u0001T /health HTTP/1.1\r\nHost: x\r\n\r\n', 400],
        ['an unknown HTTP version', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n', 400],
        ['garbage instead of a request line', '\u0000\u0001\u0002\r\n\r\n', 400],
        ['both Content-Length and chunked', 'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
        ['two Content-Lengths', 'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc', 400],
        ['a bad chunk size', 'POST /integrated-account HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n', 400],
        ['a chunk missing its CRLF', 'POST /integrated-account HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n', 400],
        ['an unknown transfer coding', 'POST /integrated-account HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
        ['a negative Content-Length', head('Content-Length: -1\r\n'), 400],
        ['a folded header line', head(' folded: y\r\n'), 400],
        ['bare LF line endings', 'GET /health HTTP/1.1\nHost: x\n\n', 400],
        ['a space in the path', 'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n', 400],
        // Parsed by Node, but no fetch Request can be built from them.
        ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 400],
        ['an absolute URL that does not parse', 'GET http://[::1/health HTTP/1.1\r\nHost: x\r\n\r\n', 400],
        ['a Host with a space', 'GET /health HTTP/1.1\r\nHost: a b\r\n\r\n', 400],
        // CONNECT goes to its own event, which would otherwise drop the connection unanswered.
        ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405],
      ];
      for (const [label, bytes, status] of cases) {
        const answer = await rawExchange(port, bytes);
        assert.equal(answer.status, status, `${label}: ${JSON.stringify(answer.raw.slice(0, 200))}`);
        assert.equal(answer.headers.connection, 'close', label);
        assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8', label);
        assert.equal(envelopeProblem(status, answer.body), undefined, `${label}: ${answer.body}`);
      }
      // No Host header is served (the listen address stands in) rather than refused by Node with an empty 400.
      const hostless = await rawExchange(port, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
      assert.equal(hostless.status, 200, hostless.raw.slice(0, 200));
      t.diagnostic(`${store.name}: ${cases.length} parser rejects answered with the envelope`);
      assert.equal((await stack.api('/health')).status, 200);
    });
  });

  describe(`a stale link_header cursor on ${store.name}`, { skip: store.env ? false : `${store.name} is not reachable` }, () => {
    let first: VocabServer;
    let second: VocabServer;
    let stack: CustomStack;
    let pgSchema: HostileStore | undefined;

    before(async () => {
      first = await startVocabServer();
      second = await startVocabServer();
      // A schema of its own: this stack and the one above must not share migrations or rows.
      pgSchema = store.name === 'postgres' ? (await hostileStores())[1] : undefined;
      stack = await startCustomStack(VOCAB, pgSchema?.env ?? {});
    });
    after(async () => {
      await stack?.close();
      await first?.close();
      await second?.close();
      await pgSchema?.cleanup();
    });

    test('after the base URL changes, the old cursor is a 400 telling the client to restart, and nothing is called', async () => {
      const created = await stack.api('/integrated-account', {
        method: 'POST',
        body: JSON.stringify({ tenant_id: 't', integration: 'vocab', context: { api_key: 'k' }, integration_override: { base_url: first.url } }),
      });
      const id = ((await created.json()) as { id: string }).id;
      const page = (await (await stack.api(`/proxy/link_items?integrated_account_id=${id}&limit=10`)).json()) as { next_cursor: string };
      assert.ok(page.next_cursor);
      const patched = await stack.api(`/integrated-account/${id}`, {
        method: 'PATCH',
        body: JSON.stringify({ integration_override: { base_url: second.url } }),
      });
      assert.equal(patched.status, 200);
      const hitsBefore = { first: first.hits['/link/items'] ?? 0, second: second.hits['/link/items'] ?? 0 };
      const stale = await stack.api(`/proxy/link_items?integrated_account_id=${id}&limit=10&next_cursor=${encodeURIComponent(page.next_cursor)}`);
      assert.equal(stale.status, 400);
      const envelope = (await stale.json()) as { code: string; message: string };
      assert.equal(envelope.code, 'TESSERA_CURSOR_STALE');
      assert.match(envelope.message, /without next_cursor/);
      assert.deepEqual({ first: first.hits['/link/items'] ?? 0, second: second.hits['/link/items'] ?? 0 }, hitsBefore);
      // Restarting the listing works against the new base URL.
      const restarted = await stack.api(`/proxy/link_items?integrated_account_id=${id}&limit=10`);
      assert.equal(restarted.status, 200);
      assert.equal(second.hits['/link/items'], 1);
    });
  });
}

async function envOf(stack: TestStack) {
  const envs = await stack.services.store.listEnvironments();
  return envs[0];
}
