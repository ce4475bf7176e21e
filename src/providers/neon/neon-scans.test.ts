import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareMembers } from './simulator/members-paging.ts';
import {
  DEFAULT_NEON_BIG_ORG_ID,
  DEFAULT_NEON_EXTRA_KEYS,
  DEFAULT_NEON_FIXTURE_IDS as IDS,
  DEFAULT_NEON_KEYS,
  DEFAULT_NEON_ORG_ID,
  generateNeonSeed,
} from './simulator/index.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

/**
 * Neon users are found by scanning the members list (a member's email is only in the list). What
 * a get may skip and where a scan must stop: the record index answers a get right after a list
 * with no upstream call; a scan that reaches the page cap is an explicit error, never a 404; the
 * invitations phase finds accepted invitations however far down the members list the invitee is.
 */
const MAX_PAGES = 2;
let stack: TestStack;
let sim: string;

type Json = Record<string, any>;

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: Json }> {
  const res = await stack.api(path, init);
  return { status: res.status, body: (await res.json()) as Json };
}

const usersUrl = (account: string, query = '', id?: string) =>
  `/unified/usage-metering/users${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function simPaths(): Promise<string[]> {
  const log = (await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: { path: string }[] };
  return log.requests.map((r) => r.path);
}

const clearSim = () => fetch(`${sim}/__sim/requests`, { method: 'DELETE' });

/** The big org's members in the order Neon lists them (joined_at desc), read from the simulator. */
async function bigOrgMemberIds(): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | undefined; ;) {
    const res = await fetch(
      `${stack.simulators.neon}/organizations/${DEFAULT_NEON_BIG_ORG_ID}/members?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        headers: { authorization: `Bearer ${DEFAULT_NEON_EXTRA_KEYS.bigOrg}` },
      },
    );
    const body = (await res.json()) as { members: { member: { id: string } }[]; pagination: { next?: string } };
    ids.push(...body.members.map((m) => m.member.id));
    if (!body.pagination.next) return ids;
    cursor = body.pagination.next;
  }
}

const bigOrgAccount = () => stack.connect('neon', { context: { api_key: DEFAULT_NEON_EXTRA_KEYS.bigOrg, org_id: DEFAULT_NEON_BIG_ORG_ID } });

before(async () => {
  // A get scans at most two pages of 500 members; the big org has 1,200.
  stack = await startTestStack({ TESSERA_IGNORE_LIMIT_MAX_PAGES: String(MAX_PAGES) });
  sim = simulatorOrigin(stack.simulators.neon);
});
after(async () => {
  await stack?.close();
});

describe('a get that scans', () => {
  test('a member beyond the page cap is an explicit error, not a 404; one within it is found', async () => {
    const account = await bigOrgAccount();
    const ids = await bigOrgMemberIds();
    assert.equal(ids.length, 1200);
    const beyond = await getJson(usersUrl(account, '', ids[MAX_PAGES * 500 + 10]));
    assert.equal(beyond.status, 422, JSON.stringify(beyond.body));
    assert.equal(beyond.body.code, 'TESSERA_LOOKUP_LIMIT_REACHED');
    assert.match(beyond.body.message, /not in the first 2 pages of members/);
    const within = await getJson(usersUrl(account, '', ids[MAX_PAGES * 500 - 1]));
    assert.equal(within.status, 200, JSON.stringify(within.body));
    assert.equal(within.body.id, ids[MAX_PAGES * 500 - 1]);
  });

  test('a get right after a list answers from the index, with no upstream call, the same record as a scan', async () => {
    const account = await bigOrgAccount();
    const listed = await getJson(usersUrl(account, 'limit=5'));
    assert.equal(listed.status, 200);
    const member = listed.body.result[3];
    // What a scanning get answers, on another account that listed nothing.
    const scanned = await getJson(usersUrl(await bigOrgAccount(), '', member.id));
    assert.equal(scanned.status, 200);
    await clearSim();
    const fromIndex = await getJson(usersUrl(account, '', member.id));
    assert.equal(fromIndex.status, 200);
    assert.deepEqual(fromIndex.body, scanned.body);
    assert.deepEqual(fromIndex.body, member);
    assert.deepEqual(await simPaths(), [], 'no upstream request');
    // A member the list did not show is scanned for, and the scan fills the index for its neighbours.
    const ids = await bigOrgMemberIds();
    await clearSim();
    assert.equal((await getJson(usersUrl(account, '', ids[700]))).status, 200);
    assert.ok((await simPaths()).some((p) => p.endsWith('/members')));
    await clearSim();
    const neighbour = await getJson(usersUrl(account, '', ids[300]));
    assert.equal(neighbour.status, 200);
    assert.equal(neighbour.body.id, ids[300]);
    assert.deepEqual(await simPaths(), [], 'a scanned page is indexed');
    // The debug format shows the upstream calls, so it reads the provider.
    await clearSim();
    const debug = await getJson(usersUrl(account, 'truto_response_format=debug', ids[300]));
    assert.equal(debug.body.result.id, ids[300]);
    assert.ok((await simPaths()).some((p) => p.endsWith('/members')));
  });

  test('invitations: a listed pending one is indexed, an accepted one stays a 404 after a scan passed it', async () => {
    const account = await stack.connect('neon', { context: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID } });
    assert.equal((await getJson(usersUrl(account, 'truto_ignore_limit=true'))).status, 200);
    await clearSim();
    const pending = await getJson(usersUrl(account, '', IDS.pendingInvitationId));
    assert.equal(pending.status, 200);
    assert.equal(pending.body.status, 'invited');
    assert.deepEqual(await simPaths(), [], 'answered from the index');
    for (let i = 0; i < 2; i++) {
      const accepted = await getJson(usersUrl(account, '', IDS.acceptedInvitationId));
      assert.equal(accepted.status, 404, JSON.stringify(accepted.body));
    }
  });

  test('a write through Tessera drops the indexed records: the get after it reads the provider', async () => {
    const account = stack.accounts.neon;
    const listed = await getJson(usersUrl(account, 'limit=50'));
    const member = (listed.body.result as Json[]).find((u) => u.id === IDS.editorMemberId)!;
    assert.equal(member.roles[0].id, 'editor');
    const patched = await getJson(usersUrl(account, '', IDS.editorMemberId), {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: [{ id: 'viewer' }] }),
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.roles[0].id, 'viewer');
    const after = await getJson(usersUrl(account, '', IDS.editorMemberId));
    assert.equal(after.body.roles[0].id, 'viewer');
  });
});

describe('the invitations phase', () => {
  test('an invitation accepted by a member beyond the 10,000th is not listed as pending', async () => {
    const seed = generateNeonSeed({ members: 10_300, invitations: 3, seed: 7, orgId: 'org-many-members-12345678' });
    const ordered = [...seed.members].sort(compareMembers('joined_at', 'desc'));
    const invitee = ordered[10_100];
    // Invitation 2 is the accepted one (generateNeonSeed cycles pending, pending, accepted).
    seed.invitations[2] = { ...seed.invitations[2], email: invitee.user.email.toUpperCase(), role: invitee.member.role };
    const pending = seed.invitations.slice(0, 2).map((i) => i.id);
    const res = await fetch(`${sim}/__sim/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
    assert.ok(res.ok, await res.text());
    try {
      const key = seed.keys.find((k) => k.kind === 'user')!.token;
      const account = await stack.connect('neon', { context: { api_key: key, org_id: seed.orgs[0].id } });
      const seen: Json[] = [];
      let cursor = '';
      for (let pages = 0; pages < 40; pages++) {
        const page = await getJson(usersUrl(account, `limit=500${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`));
        assert.equal(page.status, 200, JSON.stringify(page.body).slice(0, 300));
        seen.push(...page.body.result);
        if (!page.body.next_cursor) break;
        cursor = page.body.next_cursor;
      }
      const invited = seen.filter((u) => u.status === 'invited').map((u) => u.id);
      assert.deepEqual(invited.sort(), [...pending].sort());
      assert.equal(seen.length, 10_300 + 2);
      assert.equal(seen.filter((u) => u.emails[0].email === invitee.user.email).length, 1, 'the invitee is listed once, as a member');
    } finally {
      await fetch(`${sim}/__sim/reset`, { method: 'POST' });
    }
  });
});
