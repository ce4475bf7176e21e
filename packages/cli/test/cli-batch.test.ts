import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cliSuite, noStackTrace } from './cli-test-kit.ts';

/** `tessera batch` and `tessera accounts tools`, as subprocesses against a real server and the Neon simulator. */
const suite = cliSuite();

const request = (account?: string) => ({
  ...(account ? { integrated_account_id: account } : {}),
  resources: [
    { resource: 'organizations', method: 'list' },
    { name: 'org', resource: 'organizations', method: 'get', depends_on: 'organizations', id: '{{resources.organizations.id}}' },
  ],
});

describe('tessera batch', () => {
  test('--file sends the batch and prints {result, errors}', async () => {
    const file = path.join(suite.tmp, 'batch.json');
    fs.writeFileSync(file, JSON.stringify(request(suite.neon)));
    const run = await suite.cli(['batch', '--file', file, ...suite.auth()]);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.deepEqual(answer.errors, {});
    assert.ok(answer.result.organizations.length > 0);
    assert.deepEqual(
      answer.result.org.map((o: { id: string }) => o.id),
      answer.result.organizations.map((o: { id: string }) => o.id),
    );
  });

  test('--stdin with -a naming the account; -o yaml', async () => {
    const run = await suite.cli(['batch', '--stdin', '-a', suite.neon, '-o', 'yaml', ...suite.auth()], { stdin: JSON.stringify(request()) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^result:/m);
  });

  test('a failed resource prints the answer, then exits 1 naming it', async () => {
    const body = {
      integrated_account_id: suite.neon,
      resources: [
        { resource: 'organizations', method: 'list' },
        { resource: 'no_such', method: 'list' },
      ],
    };
    const run = await suite.cli(['batch', '-b', JSON.stringify(body), ...suite.auth()]);
    assert.equal(run.code, 1);
    assert.ok(JSON.parse(run.stdout).result.organizations);
    assert.match(run.stderr, /1 resource\(s\) failed: no_such \(404 /);
    noStackTrace(run.stderr);
  });

  test('usage errors: no source, two sources, no account, a 400 from the server', async () => {
    assert.equal((await suite.cli(['batch', ...suite.auth()])).code, 2);
    assert.equal((await suite.cli(['batch', '-b', '{}', '--stdin', ...suite.auth()])).code, 2);
    const noAccount = await suite.cli(['batch', '-b', JSON.stringify(request()), ...suite.auth()]);
    assert.equal(noAccount.code, 2);
    assert.match(noAccount.stderr, /names no account/);
    const cycle = {
      integrated_account_id: suite.neon,
      resources: [
        { name: 'a', resource: 'organizations', method: 'list', depends_on: 'b' },
        { name: 'b', resource: 'organizations', method: 'list', depends_on: 'a' },
      ],
    };
    const refused = await suite.cli(['batch', '-b', JSON.stringify(cycle), ...suite.auth()]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /400 Bad Request: Invalid batch request: depends_on forms a cycle/);
    noStackTrace(refused.stderr);
  });
});

describe('tessera accounts tools', () => {
  test('a table of tools; --methods filters; -o json carries the schemas', async () => {
    const table = await suite.cli(['accounts', 'tools', suite.neon, ...suite.auth()]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /list_usage_metering_users/);
    assert.match(table.stdout, /list_all_neon_members/);
    const json = await suite.cli(['accounts', 'tools', suite.neon, '--methods', 'list,get', '-o', 'json', ...suite.auth()]);
    assert.equal(json.code, 0, json.stderr);
    const tools = JSON.parse(json.stdout) as { method: string; query_schema: object }[];
    assert.ok(tools.length > 0);
    assert.ok(tools.every((t) => (t.method === 'list' || t.method === 'get') && typeof t.query_schema === 'object'));
    const unknown = await suite.cli(['accounts', 'tools', suite.neon, '--methods', 'lsit', ...suite.auth()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown method lsit/);
  });
});
