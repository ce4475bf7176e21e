import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NEON_ORG_ID } from '../../../src/providers/neon/simulator/index.ts';
import { simulatorOrigin } from '../../../test/helpers/stack.ts';
import { cliSuite, noStackTrace } from './cli-test-kit.ts';

const suite = cliSuite();
const { cli, auth } = suite;

/** The words of a printed shell command (bare words and single-quoted ones). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
}

function resumeArgs(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.startsWith('Resume with: '));
  assert.ok(line, `no resume advice in:\n${stderr}`);
  const words = shellWords(line.slice('Resume with: '.length));
  assert.deepEqual(words.slice(0, 2), ['tessera', 'export']);
  return words.slice(1);
}

/** The Neon simulator's invitations fail once per run: the users export stops after the members phase. */
async function failInvitations(count: number) {
  const res = await fetch(`${simulatorOrigin(suite.stack.simulators.neon)}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: `/api/v2/organizations/${DEFAULT_NEON_ORG_ID}/invitations`, status: 400, count }),
  });
  assert.ok(res.ok, await res.text());
}

describe('tessera export: resuming never loses or repeats a record', () => {
  test('an export stopped by an error, resumed with the printed advice, ends with every record exactly once (ndjson and csv)', async () => {
    const all = await suite.allUsers();
    const ndjson = path.join(suite.tmp, 'resume.ndjson');
    const csv = path.join(suite.tmp, 'resume.csv');
    await failInvitations(2);
    const [first, firstCsv] = await Promise.all([
      cli(['export', 'usage-metering/users', '-a', suite.neon, '--limit', '3', '--out', ndjson, ...auth()]),
      cli(['export', 'usage-metering/users', '-a', suite.neon, '--limit', '3', '-o', 'csv', '--out', csv, ...auth()]),
    ]);
    for (const run of [first, firstCsv]) {
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /export stopped after \d+ records in \d+ pages/);
      noStackTrace(run.stderr);
    }
    const partial = fs.readFileSync(ndjson, 'utf8').trimEnd().split('\n');
    assert.ok(partial.length > 0 && partial.length < all.length, `partial export has ${partial.length} of ${all.length}`);
    const advice = resumeArgs(first.stderr);
    assert.ok(advice.includes('--append'));
    assert.ok(advice.some((w) => w.startsWith('next_cursor=')));

    const [resumed, resumedCsv] = await Promise.all([cli([...advice, ...auth()]), cli([...resumeArgs(firstCsv.stderr), ...auth()])]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumedCsv.code, 0, resumedCsv.stderr);
    const ids = fs
      .readFileSync(ndjson, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    assert.equal(ids.length, all.length, 'one line per record');
    assert.equal(new Set(ids).size, all.length, 'no record twice');
    assert.deepEqual(
      ids,
      all.map((u) => u.id),
    );
    const rows = fs.readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    assert.equal(rows.length, all.length + 1, 'one header, then one row per record');
    assert.deepEqual(
      rows.slice(1).map((r) => r.split(',')[0]),
      all.map((u) => u.id),
    );
  });

  test('Ctrl-C finishes the page in hand, prints the resume command and exits 130; resuming completes the file', async () => {
    const all = await suite.allUsers();
    const file = path.join(suite.tmp, 'interrupted.ndjson');
    // The invitations phase hangs, so the export is surely mid-way when the signal comes.
    const res = await fetch(`${simulatorOrigin(suite.stack.simulators.neon)}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: `/api/v2/organizations/${DEFAULT_NEON_ORG_ID}/invitations`, delay_ms: 20_000, count: 1 }),
    });
    assert.ok(res.ok, await res.text());
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, TESSERA_CONFIG_DIR: path.join(suite.tmp, 'sigint-config'), NO_COLOR: '1' };
    const bin = fileURLToPath(new URL('../../../bin/tessera.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'export', 'usage-metering/users', '-a', suite.neon, '--limit', '3', '--out', file, ...auth()], { env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!(fs.existsSync(file) && fs.statSync(file).size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The members pages are quick; the hung invitations request is what the signal interrupts.
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /export interrupted after \d+ records/);
    const resumed = await cli([...resumeArgs(stderr), ...auth()]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const ids = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    assert.deepEqual(
      ids,
      all.map((u) => u.id),
    );
  });

  test('an existing --out file is never truncated without --overwrite; json cannot be appended', async () => {
    const file = path.join(suite.tmp, 'kept.ndjson');
    fs.writeFileSync(file, '{"id":"precious"}\n');
    const refused = await cli(['export', 'usage-metering/users', '-a', suite.neon, '--out', file, ...auth()]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists; add --append to continue it .* or --overwrite to replace it/);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"id":"precious"}\n');
    const json = await cli(['export', 'usage-metering/users', '-a', suite.neon, '-o', 'json', '--out', file, '--append', ...auth()]);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /-o json cannot be appended/);
    const both = await cli(['export', 'usage-metering/users', '-a', suite.neon, '--out', file, '--append', '--overwrite', ...auth()]);
    assert.equal(both.code, 2);
    fs.appendFileSync(file, '{"id":"half');
    const partialLine = await cli(['export', 'usage-metering/users', '-a', suite.neon, '--out', file, '--append', ...auth()]);
    assert.equal(partialLine.code, 2);
    assert.match(partialLine.stderr, /ends in the middle of a line/);
    const replaced = await cli(['export', 'usage-metering/users', '-a', suite.neon, '--out', file, '--force', ...auth()]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(fs.readFileSync(file, 'utf8').trimEnd().split('\n').length, (await suite.allUsers()).length);
  });
});

/** A server that rate-limits the first request of each list, then serves one page. */
async function rateLimitingServer(retryAfter: string): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    res.setHeader('content-type', 'application/json');
    if (requests === 1) {
      res.writeHead(429, { 'retry-after': retryAfter });
      res.end(
        JSON.stringify({
          statusCode: 429,
          error: 'Too Many Requests',
          message: 'slow down',
          code: 'TESSERA_REMOTE_RATE_LIMITED',
          truto_is_remote_error: true,
        }),
      );
      return;
    }
    res.end(JSON.stringify({ result: [{ id: 'u1' }, { id: 'u2' }], next_cursor: null, prev_cursor: null, result_count: 2 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tessera export: rate limits', () => {
  test('a 429 with Retry-After shows a waiting line on stderr, then the page is retried', async () => {
    const server = await rateLimitingServer('1');
    try {
      const run = await cli(['export', 'usage-metering/users', '-a', 'acct', '--api-url', server.url, '--token', 't']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^waiting 1 s \(rate limited by the provider: slow down\), then retrying$/m);
      assert.deepEqual(
        run.stdout
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l).id),
        ['u1', 'u2'],
      );
      assert.equal(server.requests(), 2);
    } finally {
      await server.close();
    }
  });

  test('a wait longer than the per-page bound is not waited: the export stops at once, saying why', async () => {
    const server = await rateLimitingServer('3600');
    try {
      const run = await cli(['export', 'usage-metering/users', '-a', 'acct', '--api-url', server.url, '--token', 't']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /429/);
      assert.match(run.stderr, /export stopped after 0 records/);
      assert.equal(server.requests(), 1);
    } finally {
      await server.close();
    }
  });
});

describe('tessera accounts create: honest connects', () => {
  const body = (apiKey: string) =>
    JSON.stringify({
      tenant_id: 'cli-honest',
      integration: 'neon',
      context: { api_key: apiKey, org_id: DEFAULT_NEON_ORG_ID },
      integration_override: { base_url: suite.stack.simulators.neon },
    });

  test("refused credentials exit 1 with the provider's reason and keep nothing; --keep-on-validation-error keeps the account", async () => {
    const refused = await cli(['accounts', 'create', '-b', body('not-a-real-key'), ...auth()]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /422 .*Validation of the Neon credentials failed/);
    noStackTrace(refused.stderr);
    assert.deepEqual((await suite.apiJson('/integrated-account?tenant_id=cli-honest')).result, []);
    const kept = await cli(['accounts', 'create', '-b', body('not-a-real-key'), '--keep-on-validation-error', ...auth()]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(JSON.parse(kept.stdout).status, 'validation_error');
  });
});
