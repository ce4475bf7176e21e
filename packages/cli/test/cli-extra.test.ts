import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { DEFAULT_NEON_ORG_ID } from '../../../src/providers/neon/simulator/index.ts';
import { simulator as neonSimulator } from '../../../src/providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { runCli, type CliRun } from '../../../test/helpers/cli.ts';

/**
 * `tessera custom`, `tessera capabilities` and the --mapping-file / --mapping / --show-mapping
 * forms of `tessera unified test-mapping`, run as `node bin/tessera.js …` in a subprocess against
 * one real server and the Neon simulator.
 */
const NEON_MAPPING_FILE = fileURLToPath(new URL('../../../src/providers/neon/mappings/usage-metering.users.yaml', import.meta.url));
const NEON_KEY = neonSimulator.sandbox.context.api_key as string;
const ORG = DEFAULT_NEON_ORG_ID;

let stack: TestStack;
let neon: string;
let tmp: string;

function cli(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliRun> {
  return runCli(args, { configDir: path.join(tmp, 'config'), ...options });
}

const auth = () => ['--api-url', stack.apiUrl, '--token', stack.token];

async function apiJson(p: string): Promise<any> {
  const res = await stack.api(p);
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return res.json();
}

/** Neon's own answer, straight from the simulator with the sandbox account's key. */
async function neonJson(p: string): Promise<any> {
  const res = await fetch(`${stack.simulators.neon}${p}`, { headers: { authorization: `Bearer ${NEON_KEY}` } });
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return res.json();
}

function noStackTrace(text: string) {
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, `a stack trace leaked:\n${text}`);
}

before(async () => {
  stack = await startTestStack();
  neon = stack.accounts.neon;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-extra-'));
});

after(async () => {
  await stack?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('tessera custom', () => {
  test('GET passes the Neon members body through, with -q forwarded upstream', async () => {
    const [all, two, yaml] = await Promise.all([
      cli(['custom', `/organizations/${ORG}/members`, '-a', neon, '-m', 'GET', '-o', 'json', ...auth()]),
      cli(['custom', `organizations/${ORG}/members`, '-a', neon, '-q', 'limit=2', ...auth()]),
      cli(['custom', `/organizations/${ORG}/members`, '-a', neon, '-m', 'get', '-q', 'limit=2', '-o', 'yaml', ...auth()]),
    ]);
    for (const run of [all, two, yaml]) assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(all.stdout), await neonJson(`/organizations/${ORG}/members`));
    const page = JSON.parse(two.stdout);
    assert.equal(page.members.length, 2);
    assert.deepEqual(page, await neonJson(`/organizations/${ORG}/members?limit=2`));
    assert.deepEqual(YAML.parse(yaml.stdout), page);
    assert.equal(all.stderr, '');
  });

  test('PATCH sends the -b body (with -H headers) and the change is visible upstream', async () => {
    const members = (await neonJson(`/organizations/${ORG}/members?limit=5`)).members;
    const target = members.find((m: any) => m.member.role !== 'admin');
    assert.ok(target, 'a non-admin member to update');
    const newRole = target.member.role === 'member' ? 'editor' : 'member';
    const run = await cli([
      'custom',
      `/organizations/${ORG}/members/${target.member.id}`,
      '-a',
      neon,
      '-m',
      'PATCH',
      '-b',
      JSON.stringify({ role: newRole }),
      '-H',
      'Content-Type=application/json',
      '-H',
      'Idempotency-Key: cli-extra-patch',
      ...auth(),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(body.id ?? body.member?.id, target.member.id);
    const after = await neonJson(`/organizations/${ORG}/members/${target.member.id}`);
    assert.equal(after.role ?? after.member?.role, newRole);
  });

  test('an upstream error exits 1 with the message; usage errors exit 2; no stack traces', async () => {
    const [missing, badMethod, bodyOnGet, authHeader, badHeader, url] = await Promise.all([
      cli(['custom', '/organizations/org-does-not-exist-1/members', '-a', neon, ...auth()]),
      cli(['custom', '/users/me', '-a', neon, '-m', 'TRACE', ...auth()]),
      cli(['custom', '/users/me', '-a', neon, '-b', '{"a":1}', ...auth()]),
      cli(['custom', '/users/me', '-a', neon, '-H', 'Authorization=Bearer x', ...auth()]),
      cli(['custom', '/users/me', '-a', neon, '-H', 'no-separator', ...auth()]),
      cli(['custom', 'https://example.com/users/me', '-a', neon, ...auth()]),
    ]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /^error: 4\d\d /);
    assert.equal(missing.stdout, '');
    assert.equal(badMethod.code, 2);
    assert.match(badMethod.stderr, /TRACE.*GET, POST, PUT, PATCH, DELETE/);
    assert.equal(bodyOnGet.code, 2);
    assert.match(bodyOnGet.stderr, /GET takes no body/);
    assert.equal(authHeader.code, 2);
    assert.match(authHeader.stderr, /--token/);
    assert.doesNotMatch(authHeader.stderr, /Bearer x/);
    assert.equal(badHeader.code, 2);
    assert.match(badHeader.stderr, /expected name=value/);
    assert.equal(url.code, 2);
    for (const run of [missing, badMethod, bodyOnGet, authHeader, badHeader, url]) noStackTrace(run.stderr);
  });
});

describe('tessera capabilities', () => {
  test('a uuid asks the integrated account; json by default', async () => {
    const [plain, filtered] = await Promise.all([
      cli(['capabilities', neon, ...auth()]),
      cli(['capabilities', neon, '--type', 'proxy', '--resource', 'members', '--methods', 'list,get', ...auth()]),
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), await apiJson(`/integrated-account/${neon}/capabilities`));
    assert.equal(filtered.code, 0, filtered.stderr);
    const caps = JSON.parse(filtered.stdout);
    assert.deepEqual(caps, await apiJson(`/integrated-account/${neon}/capabilities?type=proxy&resource=members&methods=list,get`));
    assert.deepEqual(
      caps.proxy.map((p: any) => p.resource),
      ['members'],
    );
    assert.deepEqual(
      caps.proxy[0].methods.map((m: any) => m.method),
      ['list', 'get'],
    );
    assert.equal(caps.integration.name, 'neon');
  });

  test('a name asks the integration; -o yaml; unknown names and bad --type fail cleanly', async () => {
    const [unified, yaml, unknown, badType] = await Promise.all([
      cli(['capabilities', 'neon', '--type', 'unified', ...auth()]),
      cli(['capabilities', 'neon', '-o', 'yaml', ...auth()]),
      cli(['capabilities', 'no-such-integration', ...auth()]),
      cli(['capabilities', 'neon', '--type', 'everything', ...auth()]),
    ]);
    assert.equal(unified.code, 0, unified.stderr);
    const caps = JSON.parse(unified.stdout);
    assert.deepEqual(caps, await apiJson('/integration/neon/capabilities?type=unified'));
    assert.ok(caps.unified.some((u: any) => u.model === 'usage-metering' && u.resource === 'users'));
    assert.deepEqual(caps.proxy, []);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.deepEqual(YAML.parse(yaml.stdout), await apiJson('/integration/neon/capabilities'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: 404 /);
    assert.equal(badType.code, 2);
    assert.match(badType.stderr, /everything/);
    for (const run of [unknown, badType]) noStackTrace(run.stderr);
  });
});

describe('tessera unified test-mapping with --mapping-file, --mapping, --show-mapping', () => {
  let members: any;
  let recordingFile: string;
  /** What the server returns for the same members: the bundled mapping's answer. */
  let serverUsers: Map<string, any>;

  before(async () => {
    members = await neonJson(`/organizations/${ORG}/members?limit=4&sort_by=joined_at&sort_order=desc`);
    const organization = await neonJson(`/organizations/${ORG}`);
    recordingFile = path.join(tmp, 'recording.json');
    fs.writeFileSync(recordingFile, JSON.stringify({ response: members, side_load: { organization }, context: { org_id: ORG } }));
    const users = (await apiJson(`/unified/usage-metering/users?integrated_account_id=${neon}&truto_ignore_limit=true`)).result;
    serverUsers = new Map(users.map((u: any) => [u.id, u]));
  });

  /** The records a simple {id, email} mapping gives, computed here from the recorded body. */
  const expectedSimple = () => members.members.map((m: any) => ({ id: m.member.id, email: m.user.email, remote_data: m }));
  const SIMPLE = '{ "id": record.member.id, "email": record.user.email }';

  test('a whole mapping file (a copy of the bundled one) maps as the server does; --show-mapping prints it first', async () => {
    const copy = path.join(tmp, 'users-mapping.yaml');
    fs.copyFileSync(NEON_MAPPING_FILE, copy);
    const [list, get, clash] = await Promise.all([
      cli(['unified', 'test-mapping', '--mapping-file', copy, '--input', recordingFile, '--show-mapping']),
      cli(['unified', 'test-mapping', '--mapping-file', copy, '-m', 'get', '--id', members.members[1].member.id, '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping-file', copy, '--integration', 'github-copilot', '--input', recordingFile]),
    ]);
    assert.equal(list.code, 0, list.stderr);
    const mapped = JSON.parse(list.stdout);
    assert.equal(mapped.length, members.members.length);
    for (const user of mapped) assert.deepEqual(user, serverUsers.get(user.id));
    const shown = list.stderr.slice(list.stderr.indexOf('# mapping:'));
    assert.match(shown, new RegExp(`^# mapping: ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(methods\\.list\\)\\n`));
    const shownMapping = YAML.parse(shown.split('\n').slice(1).join('\n'));
    assert.equal(shownMapping.resource, 'members');
    assert.match(shownMapping.response_mapping, /record\.member\.id/);
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(JSON.parse(get.stdout), serverUsers.get(members.members[1].member.id));
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /--integration github-copilot does not match the mapping file's integration: neon/);
  });

  test('a JSON mapping config with --integration applies the resource response_path', async () => {
    const configFile = path.join(tmp, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ resource: 'members', method: 'list', response_mapping: SIMPLE }));
    const [withIntegration, shown] = await Promise.all([
      cli(['unified', 'test-mapping', '--mapping-file', configFile, '--integration', 'neon', '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping-file', configFile, '--integration', 'neon', '--input', recordingFile, '--show-mapping', '-o', 'ndjson']),
    ]);
    assert.equal(withIntegration.code, 0, withIntegration.stderr);
    assert.deepEqual(JSON.parse(withIntegration.stdout), expectedSimple());
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(
      shown.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      expectedSimple(),
    );
    assert.match(shown.stderr, /^# mapping: .*config\.json\n/m);
    assert.equal(YAML.parse(shown.stderr.split('\n').slice(1).join('\n')).response_mapping, SIMPLE);
  });

  test('--mapping runs an expression on records from --stdin', async () => {
    const [list, one, bare] = await Promise.all([
      cli(['unified', 'test-mapping', '--mapping', SIMPLE, '--stdin', '--show-mapping'], { stdin: JSON.stringify(members.members) }),
      cli(['unified', 'test-mapping', '--mapping', SIMPLE, '-m', 'get', '--stdin'], { stdin: JSON.stringify(members.members[0]) }),
      // An object body with no resource to say where the records are: mapped as one record, with a note.
      cli(['unified', 'test-mapping', '--mapping', '{ "count": $count(record.members) }', '--stdin'], { stdin: JSON.stringify(members) }),
    ]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), expectedSimple());
    assert.match(list.stderr, /^# mapping: --mapping\n/m);
    assert.ok(list.stderr.includes(SIMPLE), list.stderr);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(JSON.parse(one.stdout), expectedSimple()[0]);
    assert.equal(bare.code, 0, bare.stderr);
    assert.deepEqual(
      JSON.parse(bare.stdout).map((r: any) => r.count),
      [members.members.length],
    );
    assert.match(bare.stderr, /no response_path applies/);
  });

  test('bad mapping sources are usage errors that say what to fix', async () => {
    const typo = path.join(tmp, 'typo.yaml');
    fs.writeFileSync(typo, 'resource: members\nrespone_mapping: "{}"\n');
    const brokenYaml = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(brokenYaml, 'methods: [unclosed\n');
    const runs = await Promise.all([
      cli(['unified', 'test-mapping', '--mapping', SIMPLE, '--mapping-file', typo, '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping', '{ "id": ', '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping-file', typo, '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping-file', brokenYaml, '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping-file', path.join(tmp, 'missing.yaml'), '--input', recordingFile]),
      cli(['unified', 'test-mapping', '--mapping-file', NEON_MAPPING_FILE, '-m', 'frobnicate', '--input', recordingFile]),
    ]);
    const [both, badExpr, none, unknownKey, notYaml, missing, noMethod] = runs;
    for (const run of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      noStackTrace(run.stderr);
    }
    assert.match(both.stderr, /--mapping or --mapping-file, not both/);
    assert.match(badExpr.stderr, /--mapping: response_mapping: invalid JSONata/);
    assert.match(none.stderr, /--model, --resource and --integration .*--mapping-file .*--mapping/);
    assert.match(unknownKey.stderr, /not mapping config keys: respone_mapping/);
    assert.match(notYaml.stderr, /not valid YAML or JSON/);
    assert.match(missing.stderr, /no such file/);
    assert.match(noMethod.stderr, /maps no method "frobnicate"; its methods: get, list/);
  });
});
