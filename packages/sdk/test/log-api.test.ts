import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { Tessera, TesseraError, type LogRecord, type RequestInfo } from '../src/index.ts';

/** tessera.log against a real server: the query it sends, and every page of a cursor. */
let stack: TestStack;
let tessera: Tessera;
const requests: RequestInfo[] = [];

before(async () => {
  stack = await startTestStack();
  tessera = new Tessera({ token: stack.token, baseUrl: stack.apiUrl, hooks: { onRequest: (info) => requests.push(info) } });
  for (let i = 0; i < 5; i++)
    await (await stack.api(`/proxy/members?integrated_account_id=${stack.accounts.neon}`, { headers: { 'x-request-id': `sdk-${i}` } })).arrayBuffer();
  await (
    await stack.api(`/unified/usage-metering/users/nope?integrated_account_id=${stack.accounts.neon}`, { headers: { 'x-request-id': 'sdk-404' } })
  ).arrayBuffer();
  await stack.services.requestLogs.flush();
});
after(() => stack?.close());

test('log.list pages through every row with the filters in qs form', async () => {
  const since = new Date(Date.now() - 60_000).toISOString();
  const cursor = tessera.log.list({
    log_type: 'unified_proxy_api',
    log_type_filter: { request_type: 'proxy', status: [200] },
    created_at: { gt: since },
    limit: 2,
  });
  const rows: LogRecord[] = [];
  for await (const row of cursor) rows.push(row);
  assert.deepEqual(
    rows.map((r) => r.request.request_id),
    ['sdk-4', 'sdk-3', 'sdk-2', 'sdk-1', 'sdk-0'],
  );
  assert.ok(rows.every((r) => r.response.status === 200 && r.request.type === 'proxy' && (r.upstream_calls ?? 0) >= 1));
  const sent = requests.filter((r) => r.url.includes('/log?')).map((r) => new URL(r.url).search);
  assert.equal(sent.length, 3);
  assert.equal(
    decodeURIComponent(sent[0]),
    `?log_type=unified_proxy_api&log_type_filter[request_type]=proxy&log_type_filter[status][0]=200&created_at[gt]=${since}&limit=2`,
  );
  assert.match(sent[1], /&next_cursor=[^&]+$/);
});

test('a failed call is listed with its error; a bad query is a TesseraError with the reason', async () => {
  const [row] = (await tessera.log.list({ log_type: 'unified_proxy_api', log_type_filter: { request_id: 'sdk-404' } }).next()).items;
  assert.equal(row.response.status, 404);
  assert.equal(typeof row.error?.code, 'string');
  await assert.rejects(
    tessera.log.list({ log_type: 'rapid' as never }).next(),
    (e: unknown) => e instanceof TesseraError && e.statusCode === 400 && /log_type must be one of/.test(e.message),
  );
});
