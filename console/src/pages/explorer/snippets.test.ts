import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import qs from 'qs';
import { parseQueryArgs } from '../../../../packages/cli/src/query-args.ts';
import { callPath, cliSnippet, curlSnippet, sdkSnippet, shellQuote, type CallSpec } from './snippets.ts';

/**
 * The snippets are checked the way they are used: the curl and CLI text go through a real POSIX
 * shell (which splits and unquotes them), the CLI's `-q` values through the CLI's own parser, and
 * the URL through qs with the server's options, so a quoting mistake shows as a different value.
 */
const HARD = `it's "quoted", with spaces & ünïcødé ✓ = 100%`;
const ACCOUNT = '7d3f9518-d960-4920-a613-bd80418510da';
const SERVER_QS = { arrayLimit: 1000, depth: 10, parameterLimit: 10000, allowDots: false, comma: false, duplicates: 'combine' } as const;

const spec = (over: Partial<CallSpec> = {}): CallSpec => ({
  baseUrl: 'http://localhost:8080',
  model: 'usage-metering',
  resource: 'users',
  method: 'list',
  accountId: ACCOUNT,
  query: { limit: 2, truto_exclude_fields: ['roles', 'organization.name'], remote_query: { search: HARD } },
  ...over,
});

/** argv as a POSIX shell reads the text, one word per line (line continuations removed by the shell). */
function shellWords(text: string, command: string): string[] {
  assert.ok(text.startsWith(command), text);
  const script = `printf '%s\\0' ${text.slice(command.length)}`;
  const out = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH, TESSERA_TOKEN: 'expanded-token' } }).toString('utf8');
  return out.split('\0').slice(0, -1);
}

test('callPath: the path and a query the server parses back to the same values', () => {
  const path = callPath(spec());
  assert.ok(path.startsWith('/unified/usage-metering/users?integrated_account_id=' + ACCOUNT + '&limit=2&'), path);
  const parsed = qs.parse(path.slice(path.indexOf('?') + 1), SERVER_QS);
  assert.deepEqual(parsed, {
    integrated_account_id: ACCOUNT,
    limit: '2',
    truto_exclude_fields: ['roles', 'organization.name'],
    remote_query: { search: HARD },
  });
  assert.equal(callPath(spec({ method: 'get', id: 'a b/é', query: {} })), `/unified/usage-metering/users/a%20b%2F%C3%A9?integrated_account_id=${ACCOUNT}`);
  assert.equal(callPath(spec({ method: 'cancel', query: {} })), `/unified/usage-metering/users/cancel?integrated_account_id=${ACCOUNT}`);
});

test('shellQuote: bare when safe, quoted otherwise, a quote inside survives', () => {
  assert.equal(shellQuote('limit=2'), 'limit=2');
  assert.equal(shellQuote(''), `''`);
  for (const value of [HARD, `'`, `a'b'c`, '$HOME `id` \\n', 'tab\there', 'x\ny']) {
    assert.deepEqual(shellWords(`echo ${shellQuote(value)}`, 'echo'), [value]);
  }
});

test('curl: the URL and body survive the shell; the token is a variable, never a value', () => {
  const body = { emails: [{ email: HARD }] };
  const text = curlSnippet(spec({ method: 'update', id: `x'y`, body, query: { remote_query: { q: HARD } } }));
  assert.match(text, /\$TESSERA_TOKEN/);
  const words = shellWords(text, 'curl');
  assert.deepEqual(words.slice(0, 4), ['-s', '-g', '-X', 'PATCH']);
  const url = new URL(words[4]);
  assert.equal(decodeURIComponent(url.pathname), "/unified/usage-metering/users/x'y");
  assert.deepEqual(qs.parse(url.search.slice(1), SERVER_QS), { integrated_account_id: ACCOUNT, remote_query: { q: HARD } });
  assert.deepEqual(words.slice(5, 9), ['-H', 'Authorization: Bearer expanded-token', '-H', 'Content-Type: application/json']);
  assert.equal(words[9], '--data');
  assert.deepEqual(JSON.parse(words[10]), body);
  // A plain GET without brackets needs neither -g nor -X.
  assert.deepEqual(shellWords(curlSnippet(spec({ query: { limit: 2 } })), 'curl').slice(0, 2), [
    '-s',
    `http://localhost:8080/unified/usage-metering/users?integrated_account_id=${ACCOUNT}&limit=2`,
  ]);
});

test('CLI: words as docs/cli.md spells them; -q values, commas included, read back by the CLI parser', () => {
  const query = { limit: 2, truto_exclude_fields: ['id,name', 'roles'], remote_query: { search: HARD, 'odd key': 'a,b=c' } };
  const words = shellWords(cliSnippet(spec({ query })), 'tessera');
  assert.deepEqual(words.slice(0, 5), ['unified', 'usage-metering', 'users', '-a', ACCOUNT]);
  assert.ok(!words.includes('-m'), 'list is the default method');
  const qValues = words.filter((_, i) => words[i - 1] === '-q');
  assert.deepEqual(parseQueryArgs(qValues), { limit: '2', truto_exclude_fields: ['id,name', 'roles'], remote_query: { search: HARD, 'odd key': 'a,b=c' } });
  assert.deepEqual(words.slice(-2), ['-o', 'json']);

  const get = shellWords(cliSnippet(spec({ method: 'get', id: `it's`, query: {} })), 'tessera');
  assert.deepEqual(get, ['unified', 'usage-metering', 'users', `it's`, '-a', ACCOUNT, '-m', 'get', '-o', 'json']);
  const create = shellWords(cliSnippet(spec({ method: 'create', query: {}, body: { name: HARD } })), 'tessera');
  assert.deepEqual(JSON.parse(create[create.indexOf('-b') + 1]), { name: HARD });
});

test('SDK: the documented call form with the same query, and no token', () => {
  const text = sdkSnippet(spec());
  assert.match(text, /import \{ Tessera \} from '@tessera-api\/sdk';/);
  assert.match(text, /token: process\.env\.TESSERA_TOKEN!/);
  const m = /tessera\.unifiedApi\.list\("usage-metering", "users", (\{[\s\S]*?\n\})\);/.exec(text);
  assert.ok(m, text);
  assert.deepEqual(JSON.parse(m[1]), { integrated_account_id: ACCOUNT, ...spec().query });

  const get = sdkSnippet(spec({ method: 'get', id: HARD, query: {} }));
  assert.match(get, /unifiedApi\.get\("usage-metering", "users", "it's \\"quoted\\", with spaces & ünïcødé ✓ = 100%", \{/);
  assert.match(
    sdkSnippet(spec({ method: 'reset', body: { a: 1 }, query: {} })),
    /unifiedApi\.customMethod\("usage-metering", "users", "reset", \{\n {2}"a": 1\n\}, /,
  );
});
