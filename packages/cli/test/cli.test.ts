import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import YAML from 'yaml';
import { buildProgram } from '../src/program.ts';
import { cliSuite, NEON_KEY, NEON_ORG, NEON_USER, noStackTrace } from './cli-test-kit.ts';

const suite = cliSuite();
const { cli, auth, apiJson, allUsers } = suite;

describe('tessera unified', () => {
  test('the seed line prints the user as JSON, exactly as the API returns it', async () => {
    const run = await cli(['unified', 'usage-metering', 'users', NEON_USER, '-m', 'get', '-a', suite.neon, '-o', 'json', ...auth()]);
    assert.equal(run.code, 0, run.stderr);
    const user = JSON.parse(run.stdout);
    assert.equal(user.id, NEON_USER);
    assert.deepEqual(user, await apiJson(`/unified/usage-metering/users/${NEON_USER}?integrated_account_id=${suite.neon}`));
    assert.match(user.emails[0].email, /@/);
    assert.equal(run.stderr, '');
  });

  test('a list prints its records in json, yaml, ndjson, csv and table; the next cursor goes to stderr', async () => {
    const base = ['unified', 'usage-metering', 'users', '-a', suite.neon, '-q', 'limit=5', ...auth()];
    const [json, yaml, ndjson, csv, table] = await Promise.all(['json', 'yaml', 'ndjson', 'csv', 'table'].map((o) => cli([...base, '-o', o])));
    for (const run of [json, yaml, ndjson, csv, table]) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^next_cursor: \S+\n$/);
    }
    const page = await apiJson(`/unified/usage-metering/users?integrated_account_id=${suite.neon}&limit=5`);
    const records = JSON.parse(json.stdout);
    assert.deepEqual(records, page.result);
    assert.equal(records.length, 5);
    assert.equal(json.stderr, `next_cursor: ${page.next_cursor}\n`);
    assert.deepEqual(YAML.parse(yaml.stdout), records);
    assert.deepEqual(
      ndjson.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
      records,
    );

    const csvLines = csv.stdout.trimEnd().split('\r\n');
    assert.equal(csvLines.length, 6);
    const header = csvLines[0].split(',');
    assert.equal(header[0], 'id');
    assert.ok(header.includes('organization.name') && header.includes('emails[0].email'), csvLines[0]);
    assert.deepEqual(
      csvLines.slice(1).map((l) => l.split(',')[0]),
      records.map((r: any) => r.id),
    );

    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 7, table.stdout);
    for (const line of lines) assert.ok([...line].length <= 80, `wider than 80 columns: ${line}`);
    assert.match(lines[0], /^id\s+name\s+status/);
    records.forEach((r: any, i: number) => assert.ok(lines[i + 2].startsWith(r.id), lines[i + 2]));
    assert.doesNotMatch(table.stdout, /remote_data|\[object Object\]/);
  });

  test('-q takes bracket keys: truto_exclude_fields[]=roles drops roles', async () => {
    const [plain, excluded] = await Promise.all([
      cli(['unified', 'usage-metering', 'users', '-a', suite.neon, '-q', 'limit=3', '-o', 'json', ...auth()]),
      cli(['unified', 'usage-metering', 'users', '-a', suite.neon, '-q', 'limit=3', '-q', 'truto_exclude_fields[]=roles', '-o', 'json', ...auth()]),
    ]);
    assert.equal(excluded.code, 0, excluded.stderr);
    const withRoles = JSON.parse(plain.stdout);
    const without = JSON.parse(excluded.stdout);
    assert.ok(withRoles.every((u: any) => Array.isArray(u.roles) && u.roles.length));
    assert.equal(without.length, 3);
    assert.ok(without.every((u: any) => !('roles' in u) && u.id && u.emails));
  });

  test('-v traces the request and response to stderr with the token redacted', async () => {
    const run = await cli(['unified', 'usage-metering', 'users', NEON_USER, '-m', 'get', '-a', suite.neon, '-o', 'json', '-v', ...auth()]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`> GET ${suite.stack.apiUrl}/unified/usage-metering/users/${NEON_USER}\\?integrated_account_id=${suite.neon}`));
    assert.match(run.stderr, /> Authorization: Bearer \*{8}/);
    assert.match(run.stderr, /< 200 OK/);
    assert.match(run.stderr, /< content-type: application\/json/);
    assert.ok(!run.stderr.includes(suite.stack.token) && !run.stdout.includes(suite.stack.token), 'the token leaked');
    assert.equal(JSON.parse(run.stdout).id, NEON_USER);
  });

  test('exit 1 for API errors with the envelope message; exit 2 for usage errors; no stack traces', async () => {
    const [notFound, badToken, badBody, badFormat, missingArg, unknownOption, refused] = await Promise.all([
      cli(['unified', 'usage-metering', 'users', 'no-such-user', '-m', 'get', '-a', suite.neon, ...auth()]),
      cli(['unified', 'usage-metering', 'users', '-a', suite.neon, '--api-url', suite.stack.apiUrl, '--token', 'tsk_wrong']),
      cli(['unified', 'usage-metering', 'users', '-m', 'create', '-a', suite.neon, '-b', '{not json', ...auth()]),
      cli(['unified', 'usage-metering', 'users', '-a', suite.neon, '-o', 'xml', ...auth()]),
      cli(['unified', 'usage-metering', ...auth()]),
      cli(['unified', 'usage-metering', 'users', '--frobnicate', ...auth()]),
      cli(['whoami', '--api-url', suite.deadUrl, '--token', 'x']),
    ]);
    assert.equal(notFound.code, 1);
    assert.match(notFound.stderr, /^error: 404 Not Found: .*no-such-user not found/m);
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /401 Unauthorized: Invalid API token/);
    assert.equal(badBody.code, 2);
    assert.match(badBody.stderr, /-b is not valid JSON/);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /'xml' is invalid.*table, json, yaml, csv, ndjson/);
    assert.equal(missingArg.code, 2);
    assert.match(missingArg.stderr, /missing required argument 'resource'/);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /unknown option '--frobnicate'/);
    assert.equal(refused.code, 1);
    assert.ok(refused.stderr.startsWith(`error: cannot reach ${suite.deadUrl}: connect ECONNREFUSED`), refused.stderr);
    for (const run of [notFound, badToken, badBody, badFormat, missingArg, unknownOption, refused]) {
      assert.equal(run.stdout, '');
      noStackTrace(run.stderr);
    }
  });

  test('--help works on every verb', async () => {
    // Every command in the tree, in-process: a description, a usage line and its options.
    const walk = (cmd: Command, trail: string[]): string[][] => [trail, ...cmd.commands.flatMap((c) => walk(c, [...trail, c.name()]))];
    const verbs = walk(buildProgram(), []);
    assert.ok(verbs.length >= 20, `only ${verbs.length} commands`);
    for (const trail of verbs) {
      let cmd = buildProgram();
      for (const name of trail) cmd = cmd.commands.find((c) => c.name() === name)!;
      const help = cmd.helpInformation();
      assert.match(help, /^Usage: tessera/, trail.join(' '));
      assert.ok(cmd.description(), `${trail.join(' ')} has no description`);
      assert.match(help, /-h, --help/);
    }
    // And as a user runs it: exit 0, help on stdout.
    const runs = await Promise.all([[], ['unified', 'test-mapping'], ['accounts', 'create'], ['export']].map((v) => cli([...v, '--help'])));
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: tessera/);
      assert.equal(run.stderr, '');
    }
    assert.match(runs[1].stdout, /--integration <name>/);
  });
});

describe('tessera proxy, accounts, integrations', () => {
  test('proxy lists the native records', async () => {
    const run = await cli(['proxy', 'members', '-a', suite.neon, '-q', 'limit=2', '-o', 'json', ...auth()]);
    assert.equal(run.code, 0, run.stderr);
    const page = await apiJson(`/proxy/members?integrated_account_id=${suite.neon}&limit=2`);
    assert.deepEqual(JSON.parse(run.stdout), page.result);
    assert.ok(JSON.parse(run.stdout)[0].member.id);
  });

  test('integrations list and accounts list/get/create/update/delete', async () => {
    const integrations = await cli(['integrations', 'list', '-o', 'json', ...auth()]);
    assert.equal(integrations.code, 0, integrations.stderr);
    // Every installed integration, as the server's catalog has them.
    assert.deepEqual(
      JSON.parse(integrations.stdout)
        .map((i: any) => i.name)
        .sort(),
      [...suite.stack.services.catalog.integrations.keys()].sort(),
    );
    assert.ok(JSON.parse(integrations.stdout).some((i: any) => i.name === 'neon'));

    const list = await cli(['accounts', 'list', '-o', 'json', ...auth()]);
    assert.deepEqual(
      JSON.parse(list.stdout)
        .map((a: any) => a.id)
        .sort(),
      Object.values(suite.stack.accounts).sort(),
    );

    const created = await cli([
      'accounts',
      'create',
      '--integration',
      'neon',
      '--tenant-id',
      'cli-test',
      '--context',
      JSON.stringify({ api_key: NEON_KEY, org_id: NEON_ORG }),
      '-b',
      JSON.stringify({ integration_override: { base_url: suite.stack.simulators.neon } }),
      ...auth(),
    ]);
    assert.equal(created.code, 0, created.stderr);
    const account = JSON.parse(created.stdout);
    assert.equal(account.tenant_id, 'cli-test');
    assert.ok(!created.stdout.includes(NEON_KEY), 'the credential was echoed');

    const updated = await cli(['accounts', 'update', account.id, '--tenant-id', 'cli-test-2', ...auth()]);
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(JSON.parse(updated.stdout).tenant_id, 'cli-test-2');

    const deleted = await cli(['accounts', 'delete', account.id, ...auth()]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).id, account.id);
    const gone = await cli(['accounts', 'get', account.id, ...auth()]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /404 Not Found/);
  });
});

describe('tessera login, profiles, whoami', () => {
  test('login verifies and saves the token (0600); whoami and profiles read it; flags and env take precedence', async () => {
    const dir = path.join(suite.tmp, 'login-config');
    const env = { TESSERA_CONFIG_DIR: dir };
    const file = path.join(dir, 'config.json');

    const rejected = await cli(['login', '--token', 'tsk_wrong', '--api-url', suite.stack.apiUrl], { env });
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /Invalid API token/);
    assert.ok(!fs.existsSync(file), 'a rejected token was saved');

    const noToken = await cli(['whoami'], { env });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /no API token/);

    const login = await cli(['login', '--token', suite.stack.token, '--api-url', suite.stack.apiUrl], { env });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Logged in to .* as profile "default" \(token accepted\)/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(saved.profiles.default, { token: suite.stack.token, api_url: suite.stack.apiUrl });
    assert.equal(saved.current_profile, 'default');

    // The profile alone now answers the seed line.
    const seed = await cli(['unified', 'usage-metering', 'users', NEON_USER, '-m', 'get', '-a', suite.neon, '-o', 'json'], { env });
    assert.equal(seed.code, 0, seed.stderr);
    assert.equal(JSON.parse(seed.stdout).id, NEON_USER);

    const account = await apiJson(`/integrated-account/${suite.neon}`);
    const whoami = await cli(['whoami'], { env });
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, new RegExp(`API URL:\\s+${suite.stack.apiUrl}\\s+\\(from profile\\)`));
    assert.match(whoami.stdout, /Profile:\s+default/);
    assert.match(whoami.stdout, new RegExp(`Environment:\\s+${account.environment_id}`));
    assert.ok(!whoami.stdout.includes(suite.stack.token));

    const second = await cli(['login', '--token', suite.stack.token, '--api-url', suite.stack.apiUrl, '-p', 'staging'], { env });
    assert.equal(second.code, 0, second.stderr);
    const profiles = await cli(['profiles', '-o', 'json'], { env });
    const rows = JSON.parse(profiles.stdout);
    assert.deepEqual(
      rows.map((r: any) => [r.name, r.current]),
      [
        ['default', ''],
        ['staging', '*'],
      ],
    );
    assert.ok(rows.every((r: any) => r.token === `********${suite.stack.token.slice(-4)}`));
    assert.ok(!profiles.stdout.includes(suite.stack.token));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    // URL: --api-url > TESSERA_API_URL > profile. Token: --token > TESSERA_TOKEN > profile.
    const [envUrl, flagUrl, envToken, flagToken] = await Promise.all([
      cli(['whoami', '-o', 'json'], { env: { ...env, TESSERA_API_URL: suite.deadUrl } }),
      cli(['whoami', '-o', 'json', '--api-url', suite.stack.apiUrl], { env: { ...env, TESSERA_API_URL: suite.deadUrl } }),
      cli(['whoami'], { env: { ...env, TESSERA_TOKEN: 'tsk_wrong' } }),
      cli(['whoami', '-o', 'json', '--token', suite.stack.token], { env: { ...env, TESSERA_TOKEN: 'tsk_wrong' } }),
    ]);
    assert.equal(envUrl.code, 1);
    assert.ok(envUrl.stderr.includes(`cannot reach ${suite.deadUrl}`), envUrl.stderr);
    assert.equal(flagUrl.code, 0, flagUrl.stderr);
    assert.equal(JSON.parse(flagUrl.stdout).api_url_from, 'flag');
    assert.equal(envToken.code, 1);
    assert.match(envToken.stderr, /401/);
    assert.equal(flagToken.code, 0, flagToken.stderr);
    assert.deepEqual((({ profile, token_from, environment_id }) => ({ profile, token_from, environment_id }))(JSON.parse(flagToken.stdout)), {
      profile: 'staging',
      token_from: 'flag',
      environment_id: account.environment_id,
    });
  });
});

describe('tessera export', () => {
  test('follows every page and writes --out; csv and json stream to stdout; no progress when stderr is not a terminal', async () => {
    const all = await allUsers();
    assert.ok(all.length > 8, `the seed should need several pages, has ${all.length}`);
    const out = path.join(suite.tmp, 'users.ndjson');
    const [ndjson, csv, json] = await Promise.all([
      cli(['export', 'usage-metering/users', '-a', suite.neon, '--limit', '4', '-o', 'ndjson', '--out', out, ...auth()]),
      cli(['export', 'usage-metering/users', '-a', suite.neon, '-q', 'limit=6', '-o', 'csv', ...auth()]),
      cli(['export', 'usage-metering/users', '-a', suite.neon, '--limit', '5', '-o', 'json', ...auth()]),
    ]);
    for (const run of [ndjson, csv, json]) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
    }
    assert.equal(ndjson.stdout, '');
    const exported = fs
      .readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      exported.map((u) => u.id),
      all.map((u) => u.id),
    );
    assert.deepEqual(exported, all);

    const csvLines = csv.stdout.trimEnd().split('\r\n');
    assert.equal(csvLines.length, all.length + 1);
    assert.deepEqual(
      csvLines.slice(1).map((l) => l.split(',')[0]),
      all.map((u) => u.id),
    );
    assert.deepEqual(JSON.parse(json.stdout), all);
  });

  test('a proxy export (no slash) follows the native list', async () => {
    const run = await cli(['export', 'members', '-a', suite.neon, '--limit', '10', ...auth()]);
    assert.equal(run.code, 0, run.stderr);
    const members = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const full = await apiJson(`/proxy/members?integrated_account_id=${suite.neon}&truto_ignore_limit=true`);
    assert.deepEqual(
      members.map((m) => m.member.id),
      full.result.map((m: any) => m.member.id),
    );
  });
});
