import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TEAM as TEAM,
  InvalidSeedError,
  defaultGithubCopilotSeed,
  generateGithubCopilotSeed,
  parseGithubCopilotSeed,
  startGithubCopilotSimulator,
  type GithubCopilotSeed,
} from './index.ts';
import { get } from './simulator-test-kit.ts';

describe('github-copilot simulator: seeds', () => {
  it('the default seed is valid, deterministic and has the documented fixtures', () => {
    const a = defaultGithubCopilotSeed();
    assert.deepEqual(a, defaultGithubCopilotSeed());
    const seed = parseGithubCopilotSeed(a);
    const seats = seed.seats.filter((s) => s.org === ORG);
    assert.equal(seats.length, SEAT_COUNT);
    assert.ok(seats.some((s) => s.user === F.pendingCancellation.login && s.pending_cancellation_date));
    assert.ok(seats.some((s) => s.user === F.teamSeat.login && s.assigning_team === TEAM.slug));
    assert.ok(seats.some((s) => s.user === F.neverUsed.login && s.last_activity_at === null));
    const ids = new Set(seed.users.map((u) => u.id));
    assert.equal(ids.size, seed.users.length);
  });

  it('cross-references are checked: unknown team, team non-member, duplicate seat, unknown token user', () => {
    const bad = (mutate: (s: GithubCopilotSeed) => void, message: RegExp) => {
      const seed = defaultGithubCopilotSeed();
      mutate(seed);
      assert.throws(
        () => parseGithubCopilotSeed(seed),
        (e: unknown) => e instanceof InvalidSeedError && message.test(e.message),
      );
    };
    bad((s) => (s.seats[0].assigning_team = 'ghosts'), /seats\[0\]\.assigning_team: unknown team "ghosts"/);
    bad((s) => (s.seats[0].assigning_team = 'platform'), /seats\[0\]\.assigning_team: "octo-admin" is not in team "platform"/);
    bad((s) => s.seats.push({ ...s.seats[1] }), /already has a seat/);
    bad((s) => (s.tokens[0].user = 'ghost'), /tokens\[0\]\.user: unknown user "ghost"/);
    bad((s) => (s.users[0].login = '-bad-'), /users\[0\]\.login: must be a GitHub login/);
    bad((s) => (s.seats[0].pending_cancellation_date = '2026-07-01T00:00:00Z'), /pending_cancellation_date: must be a YYYY-MM-DD date/);
  });

  it('startGithubCopilotSimulator rejects an invalid seed', async () => {
    await assert.rejects(startGithubCopilotSimulator({ seed: { users: [], orgs: [], seats: [{ org: 'x', user: 'y', created_at: 'now' }] } }), InvalidSeedError);
  });

  it('generateGithubCopilotSeed is deterministic per PRNG seed', () => {
    const a = generateGithubCopilotSeed({ seats: 120, seed: 7 });
    assert.deepEqual(a, generateGithubCopilotSeed({ seats: 120, seed: 7 }));
    assert.notDeepEqual(a.users, generateGithubCopilotSeed({ seats: 120, seed: 8 }).users);
    assert.equal(parseGithubCopilotSeed(a).seats.length, 120);
    assert.throws(() => generateGithubCopilotSeed({ seats: 0 }), /seats must be an integer >= 1/);
  });
});

describe('github-copilot simulator: npm run simulator -- github-copilot', () => {
  it('runs as a command, prints its URL and tokens, serves the API and stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('../../../simulator-kit/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'github-copilot', '--port', '0', '--quiet', '--seats', '12'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /listening: (http:\/\/\S+)/.exec(out);
        if (m && /tokens:\n\s+ghp_\w+/.test(out)) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const token = /tokens:\n\s+(ghp_\w+)/.exec(out)![1];
    assert.match(out, /org generated-org \(id \d+\): 12 seats/);
    const res = await get(`${baseUrl}/orgs/generated-org/copilot/billing/seats`, token);
    assert.equal(res.body.total_seats, 12);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
