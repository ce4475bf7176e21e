import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { logLine, logsQuery, parseSince } from '../src/commands/logs.ts';
import { cliSuite, noStackTrace } from './cli-test-kit.ts';

/** `tessera logs` as a subprocess against a real server, and its argument parsing in-process. */
const s = cliSuite();

async function call(id: string, path: string) {
  await (await s.stack.api(path, { headers: { 'x-request-id': id } })).arrayBuffer();
}

describe('tessera logs', () => {
  test('prints the newest rows, oldest first, as a table, JSON or NDJSON, filtered by account and status', async () => {
    await call('cli-ok', `/proxy/members?integrated_account_id=${s.neon}`);
    await call('cli-404', `/unified/usage-metering/users/nope?integrated_account_id=${s.neon}`);
    await s.stack.services.requestLogs.flush();

    const table = await s.cli(['logs', ...s.auth()]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /^TIME\s+STATUS\s+METHOD\s+DURATION\s+INTEGRATION\s+ERROR\s+PATH$/);
    const okAt = lines.findIndex((l) => /\s200\s+GET\s.*\/proxy\/members/.test(l));
    const notFoundAt = lines.findIndex((l) => /\s404\s+GET\s.*\/unified\/usage-metering\/users\/nope/.test(l));
    assert.ok(okAt > 0 && notFoundAt > okAt, table.stdout);
    assert.equal(table.stdout.includes(s.stack.token), false);

    const ndjson = await s.cli(['logs', ...s.auth(), '-a', s.neon, '--status', '404', '--since', '1h', '-o', 'ndjson']);
    assert.equal(ndjson.code, 0, ndjson.stderr);
    const rows = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r) => r.request.request_id),
      ['cli-404'],
    );
    assert.equal(rows[0].integrated_account_id, s.neon);

    const json = await s.cli(['logs', ...s.auth(), '--integration', 'neon', '--limit', '1', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout)[0].log_type, 'unified_proxy_api');
  });

  test('--follow prints rows that arrive after it started, once each, then stops after --max-polls', async () => {
    const run = s.cli(['logs', ...s.auth(), '--follow', '--poll-ms', '300', '--max-polls', '4', '-o', 'ndjson', '--since', '10m']);
    await new Promise((r) => setTimeout(r, 400));
    await call('follow-1', `/proxy/members?integrated_account_id=${s.neon}`);
    await s.stack.services.requestLogs.flush();
    await new Promise((r) => setTimeout(r, 400));
    await call('follow-2', `/proxy/members?integrated_account_id=${s.neon}`);
    await s.stack.services.requestLogs.flush();
    const out = await run;
    assert.equal(out.code, 0, out.stderr);
    const ids = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).request.request_id);
    assert.deepEqual(
      ids.filter((id) => id.startsWith('follow-')),
      ['follow-1', 'follow-2'],
    );
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
  });

  test('usage errors are explained, API errors too, without a stack trace', async () => {
    const since = await s.cli(['logs', ...s.auth(), '--since', 'yesterday']);
    assert.equal(since.code, 2);
    assert.match(since.stderr, /--since must be an ISO 8601 date-time .* or a duration like 30s, 15m, 1h or 7d/);
    const status = await s.cli(['logs', ...s.auth(), '--status', 'bad']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /--status takes HTTP statuses/);
    const tooFar = await s.cli(['logs', ...s.auth(), '--since', '90d']);
    assert.equal(tooFar.code, 1);
    assert.match(tooFar.stderr, /at most 31 days/);
    noStackTrace(tooFar.stderr);
    const type = await s.cli(['logs', ...s.auth(), '--type', 'mcp']);
    assert.equal(type.code, 2);
  });
});

describe('logs arguments', () => {
  test('--since takes durations and ISO date-times', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    assert.equal(parseSince('90s', now), '2026-03-01T11:58:30.000Z');
    assert.equal(parseSince('15m', now), '2026-03-01T11:45:00.000Z');
    assert.equal(parseSince('1h', now), '2026-03-01T11:00:00.000Z');
    assert.equal(parseSince('7d', now), '2026-02-22T12:00:00.000Z');
    assert.equal(parseSince('2026-02-28T10:00:00+01:00', now), '2026-02-28T09:00:00.000Z');
    assert.throws(() => parseSince('1w', now), /--since must be/);
  });

  test('flags become the query GET /log takes', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    assert.deepEqual(logsQuery({ type: 'webhook', account: 'a', integration: 'neon', status: '404, 500', since: '1h', limit: '10' }, now), {
      log_type: 'webhook',
      log_type_filter: { integrated_account_id: 'a', integration: 'neon', status: ['404', '500'] },
      created_at: { gt: '2026-03-01T11:00:00.000Z' },
      limit: 10,
    });
    assert.throws(() => logsQuery({ type: 'unified_proxy_api', limit: '500' }), /--limit must be an integer from 1 to 100/);
  });

  test('a table line', () => {
    const line = logLine({
      id: 'x',
      log_type: 'unified_proxy_api',
      created_at: '2026-03-01T12:00:00.000Z',
      environment_id: 'e',
      integrated_account_id: null,
      integration: 'neon',
      request: { method: 'GET', path: '/proxy/members', request_id: 'r' },
      response: { status: 502 },
      duration_ms: 31,
      error: { code: 'TESSERA_REMOTE_ERROR', message: 'bad gateway' },
    });
    assert.match(line, /^2026-03-01T12:00:00.000Z\s+502\s+GET\s+31ms\s+neon\s+TESSERA_REMOTE_ERROR\s+\/proxy\/members$/);
  });
});
