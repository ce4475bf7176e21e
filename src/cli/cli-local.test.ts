import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cliSuite, NEON_KEY, NEON_ORG, noStackTrace } from '../../packages/cli/test/cli-test-kit.ts';

const suite = cliSuite();
const { cli, allUsers } = suite;

describe('local tools', () => {
  test('jsonata eval runs with the mapping function set on --input or --stdin', async () => {
    const input = path.join(suite.tmp, 'input.json');
    fs.writeFileSync(
      input,
      JSON.stringify({
        members: [
          { id: 'a', role: 'admin' },
          { id: 'b', role: 'member' },
        ],
      }),
    );
    const [fromFile, fromStdin, helper, syntax, runtime] = await Promise.all([
      cli(['jsonata', 'eval', '--expression', 'members[role="admin"].id', '--input', input]),
      cli(['jsonata', 'eval', '-e', '$sum(n)', '--stdin', '-o', 'yaml'], { stdin: '{"n":[1,2,3.5]}' }),
      cli(['jsonata', 'eval', '-e', '$firstNonEmpty(a, b, "fallback")', '--stdin'], { stdin: '{"a":null,"b":""}' }),
      cli(['jsonata', 'eval', '-e', 'members[', '--input', input]),
      cli(['jsonata', 'eval', '-e', '$error("nope")']),
    ]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(JSON.parse(fromFile.stdout), 'a');
    assert.equal(fromStdin.stdout, '6.5\n');
    assert.equal(JSON.parse(helper.stdout), 'fallback');
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /invalid JSONata/);
    assert.equal(runtime.code, 1);
    assert.match(runtime.stderr, /nope/);
    noStackTrace(syntax.stderr + runtime.stderr);
  });

  test('unified test-mapping maps a recorded Neon members response exactly as the server does', async () => {
    // Record what Neon answers, straight from the simulator, with the sandbox account's key.
    const headers = { authorization: `Bearer ${NEON_KEY}` };
    const members: any = await (
      await fetch(`${suite.stack.simulators.neon}/organizations/${NEON_ORG}/members?limit=6&sort_by=joined_at&sort_order=desc`, { headers })
    ).json();
    const organization = await (await fetch(`${suite.stack.simulators.neon}/organizations/${NEON_ORG}`, { headers })).json();
    assert.equal(members.members.length, 6);
    const bodyFile = path.join(suite.tmp, 'members.json');
    const recordingFile = path.join(suite.tmp, 'recording.json');
    fs.writeFileSync(bodyFile, JSON.stringify(members));
    fs.writeFileSync(recordingFile, JSON.stringify({ response: members, side_load: { organization }, context: { org_id: NEON_ORG } }));

    const server = new Map((await allUsers()).map((u) => [u.id, u]));
    const flags = ['--model', 'usage-metering', '--resource', 'users', '--integration', 'neon'];
    const [list, get, bare, excluded, missing] = await Promise.all([
      cli(['unified', 'test-mapping', ...flags, '--input', recordingFile]),
      cli(['unified', 'test-mapping', ...flags, '-m', 'get', '--id', members.members[2].member.id, '--input', recordingFile, '-o', 'json']),
      cli(['unified', 'test-mapping', ...flags, '--stdin', '-o', 'ndjson'], { stdin: JSON.stringify(members) }),
      cli(['unified', 'test-mapping', ...flags, '--input', recordingFile, '-q', 'truto_exclude_fields[]=remote_data', '-q', 'truto_exclude_fields[]=roles']),
      cli(['unified', 'test-mapping', ...flags, '-m', 'get', '--id', 'not-a-member', '--input', bodyFile]),
    ]);
    assert.equal(list.code, 0, list.stderr);
    const mapped = JSON.parse(list.stdout);
    assert.equal(mapped.length, 6);
    for (const user of mapped) assert.deepEqual(user, server.get(user.id), `user ${user.id} differs from the server's`);
    assert.match(list.stderr, /phase 0 of 2/);

    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(JSON.parse(get.stdout), server.get(members.members[2].member.id));

    // Without the side load, the organization's name is missing and the CLI says why.
    assert.equal(bare.code, 0, bare.stderr);
    const bareUsers = bare.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      bareUsers.map((u) => u.id),
      mapped.map((u: any) => u.id),
    );
    assert.ok(bareUsers.every((u) => u.organization.id === NEON_ORG && u.organization.name === undefined));
    assert.match(bare.stderr, /side_load\.organization is not in the input/);

    assert.equal(excluded.code, 0, excluded.stderr);
    assert.ok(JSON.parse(excluded.stdout).every((u: any) => !('roles' in u) && !('remote_data' in u) && u.organization.name));

    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /matched no record with id not-a-member/);
  });
});
