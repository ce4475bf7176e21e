import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_NEON_FIXTURE_IDS as IDS,
  DEFAULT_NEON_KEYS,
  defaultNeonSeed,
  generateNeonSeed,
  parseNeonSeed,
  startNeonSimulator,
  type NeonSeed,
} from './index.ts';
import { simRequest } from './sim-client.ts';
import { BIG, ORG, UUID_RE, type MembersPage } from './simulator-test-kit.ts';

describe('neon seeds', () => {
  it('defaultNeonSeed has every fixture docs/providers/neon.md §10 requires', () => {
    const seed = parseNeonSeed(defaultNeonSeed());
    const example = seed.members.filter((m) => m.org_id === ORG);
    assert.ok(example.length >= 25 && example.length <= 40, `${example.length} members`);
    assert.ok(example.some((m) => m.user.deactivated_at));
    assert.ok(example.some((m) => m.member.joined_at === undefined));
    for (const role of ['admin', 'member', 'editor', 'viewer', 'collaborator'])
      assert.ok(
        example.some((m) => m.member.role === role),
        role,
      );
    const spec = example.find((m) => m.member.id === IDS.adminMemberId)!;
    assert.deepEqual(spec.user, { email: 'user1@email.com' });
    const invitations = seed.invitations.filter((i) => i.org_id === ORG);
    assert.ok(invitations.some((i) => i.invited_by.includes('@')));
    assert.ok(invitations.some((i) => UUID_RE.test(i.invited_by)));
    const memberEmails = new Set(example.map((m) => m.user.email));
    assert.ok(
      invitations.some((i) => memberEmails.has(i.email)),
      'an accepted invitation',
    );
    assert.ok(seed.members.filter((m) => m.org_id === BIG).length > 500);
    for (const key of seed.keys) assert.match(key.token, /^[a-z0-9]{64}$/);
    assert.deepEqual(defaultNeonSeed(), defaultNeonSeed(), 'deterministic');
  });

  it('generateNeonSeed is deterministic, valid and varied at any size', () => {
    assert.deepEqual(generateNeonSeed({ members: 300, seed: 42 }), generateNeonSeed({ members: 300, seed: 42 }));
    assert.notDeepEqual(generateNeonSeed({ members: 30, seed: 1 }), generateNeonSeed({ members: 30, seed: 2 }));
    for (const size of [1, 6, 2000]) {
      const seed = parseNeonSeed(generateNeonSeed({ orgId: 'gen-org', orgName: 'Gen', members: size, invitations: 6, seed: size }));
      assert.equal(seed.members.length, size);
      assert.equal(new Set(seed.members.map((m) => m.user.email)).size, size, 'unique emails');
      assert.equal(seed.keys.length, 3);
      assert.deepEqual(
        seed.keys.map((k) => k.kind),
        ['user', 'org', 'project'],
      );
      if (size >= 6) {
        assert.ok(seed.members.some((m) => m.user.deactivated_at));
        assert.ok(seed.members.some((m) => m.member.joined_at === undefined));
        for (const role of ['admin', 'editor', 'viewer', 'collaborator'])
          assert.ok(
            seed.members.some((m) => m.member.role === role),
            role,
          );
        const emails = new Set(seed.members.map((m) => m.user.email));
        assert.ok(
          seed.invitations.some((i) => emails.has(i.email)),
          'accepted invitation',
        );
        assert.ok(seed.invitations.some((i) => i.invited_by.includes('@')));
        assert.ok(seed.invitations.some((i) => UUID_RE.test(i.invited_by)));
      }
    }
  });

  it('seeds reject unknown top-level keys but pass extra entity fields through to responses', async () => {
    const seed = generateNeonSeed({ orgId: 'extra-org', members: 2, seed: 3 }) as NeonSeed & Record<string, unknown>;
    assert.throws(() => parseNeonSeed({ ...seed, member: [] }), /\(root\): Unrecognized key: "member"/);
    (seed.members[1].member as Record<string, unknown>).future_field = 'kept';
    (seed.members[1].user as Record<string, unknown>).display_name = 'Also kept';
    const extra = await startNeonSimulator({ rateLimit: false, seed });
    try {
      const res = await simRequest<MembersPage>(`${extra.baseUrl}/organizations/extra-org/members`, { key: seed.keys[0].token });
      const record = res.body.members.find((m) => m.member.id === seed.members[1].member.id) as unknown as Record<string, Record<string, unknown>>;
      assert.equal(record.member.future_field, 'kept');
      assert.equal(record.user.display_name, 'Also kept');
    } finally {
      await extra.close();
    }
  });

  it('startNeonSimulator rejects an invalid seed with the offending path', async () => {
    const seed = defaultNeonSeed();
    seed.keys.push({ token: 'k', kind: 'org', org_id: 'missing-org', revoked: false });
    await assert.rejects(startNeonSimulator({ seed }), /keys\[6\]\.org_id: unknown org missing-org/);
  });
});

describe('npm run simulator -- neon', () => {
  it('starts on --port, prints the base URL and keys, serves them, and exits cleanly on SIGTERM', async () => {
    const main = fileURLToPath(new URL('../../../simulator-kit/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'neon', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /listening: (http:\/\/\S+\/api\/v2)/.exec(out);
        if (m && out.includes(DEFAULT_NEON_KEYS.project)) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    assert.ok(out.includes(DEFAULT_NEON_KEYS.personal) && out.includes(DEFAULT_NEON_KEYS.org));
    assert.equal((await simRequest(`${baseUrl}/auth`, { key: DEFAULT_NEON_KEYS.org })).body.auth_method, 'api_key_org');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
