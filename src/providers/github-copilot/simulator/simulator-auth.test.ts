import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  defaultGithubCopilotSeed,
  startGithubCopilotSimulator,
  type GithubCopilotSimulator,
} from './index.ts';
import { assertGithubError, get, hook } from './simulator-test-kit.ts';

describe('github-copilot simulator: authentication, permissions, versions', () => {
  let sim: GithubCopilotSimulator;
  let seatsUrl: string;
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
    seatsUrl = `${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats`;
  });
  after(() => sim.close());

  it('no token is 401 Requires authentication; unknown, revoked or malformed tokens are 401 Bad credentials', async () => {
    assertGithubError(await get(seatsUrl, null), 401, 'Requires authentication');
    assertGithubError(await get(seatsUrl, 'ghp_doesnotexist'), 401, 'Bad credentials');
    assertGithubError(await get(seatsUrl, TOKENS.revoked), 401, 'Bad credentials');
    assertGithubError(await get(seatsUrl, null, { authorization: `Basic ${OWNER}` }), 401, 'Bad credentials');
    const res = await get(seatsUrl, 'ghp_doesnotexist');
    assert.equal(res.headers.get('x-ratelimit-limit'), '60', 'failed logins count against the unauthenticated limit');
  });

  it('accepts `token <t>` as well as `Bearer <t>`', async () => {
    assert.equal((await get(seatsUrl, null, { authorization: `token ${OWNER}` })).status, 200);
  });

  it('a member who is not an owner gets 403; an org the caller is not in is 404', async () => {
    assertGithubError(await get(seatsUrl, TOKENS.member), 403, /organization owner/);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing`, TOKENS.member), 403, /organization owner/);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/members/${F.owner.login}/copilot`, TOKENS.member), 403, /organization owner/);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${OTHER_ORG}/copilot/billing/seats`), 404, 'Not Found');
    assertGithubError(await get(`${sim.baseUrl}/orgs/no-such-org/copilot/billing/seats`), 404, 'Not Found');
  });

  it('a classic token without an accepted scope is 403 and is told which scopes would do', async () => {
    const res = await get(seatsUrl, TOKENS.noScopes);
    assertGithubError(res, 403, 'Resource not accessible by personal access token');
    assert.equal(res.headers.get('x-oauth-scopes'), 'repo');
    assert.equal(res.headers.get('x-accepted-oauth-scopes'), 'manage_billing:copilot, read:org');
    const ok = await get(seatsUrl);
    assert.equal(ok.headers.get('x-oauth-scopes'), 'read:org, manage_billing:copilot');
  });

  it('admin:org implies read:org; a fine-grained token has no scope headers and no scope check', async () => {
    const seed = defaultGithubCopilotSeed();
    seed.tokens.push({ token: 'ghp_AdminOrgScope000000000000000000000009', user: F.owner.login, scopes: ['admin:org'], revoked: false });
    const local = await startGithubCopilotSimulator({ rateLimit: false, seed });
    try {
      assert.equal((await get(`${local.baseUrl}/orgs/${ORG}/copilot/billing/seats`, 'ghp_AdminOrgScope000000000000000000000009')).status, 200);
      const fine = await get(`${local.baseUrl}/orgs/${ORG}/copilot/billing/seats`, TOKENS.fineGrained);
      assert.equal(fine.status, 200);
      assert.equal(fine.headers.get('x-oauth-scopes'), null);
    } finally {
      await local.close();
    }
  });

  it('X-GitHub-Api-Version: supported versions are echoed, absent means 2022-11-28, others are 400', async () => {
    assert.equal((await get(seatsUrl)).headers.get('x-github-api-version-selected'), '2022-11-28');
    assert.equal((await get(seatsUrl, OWNER, { 'x-github-api-version': '2026-03-10' })).headers.get('x-github-api-version-selected'), '2026-03-10');
    const none = await fetch(seatsUrl, { headers: { authorization: `Bearer ${OWNER}` } });
    assert.equal(none.headers.get('x-github-api-version-selected'), '2022-11-28');
    assertGithubError(await get(seatsUrl, OWNER, { 'x-github-api-version': '2019-01-01' }), 400, 'API version 2019-01-01 is not supported.');
  });

  it('every response carries x-github-request-id', async () => {
    const a = await get(seatsUrl);
    const b = await get(seatsUrl, 'nope');
    assert.ok(a.headers.get('x-github-request-id'));
    assert.ok(b.headers.get('x-github-request-id'));
    assert.notEqual(a.headers.get('x-github-request-id'), b.headers.get('x-github-request-id'));
  });
});

describe('github-copilot simulator: primary rate limit', () => {
  it('counts per user in x-ratelimit-*, then refuses with 403 and remaining 0 until the reset', async () => {
    const sim = await startGithubCopilotSimulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const url = `${sim.baseUrl}/orgs/${ORG}`;
      const before = Math.floor(Date.now() / 1000);
      const seen = [];
      // The window opens at the first request; bound it on both sides, since a loaded machine
      // can take a while to answer it.
      let afterFirst = 0;
      for (let i = 0; i < 3; i++) {
        const res = await get(url);
        if (i === 0) afterFirst = Math.ceil(Date.now() / 1000);
        assert.equal(res.status, 200);
        seen.push(res.headers.get('x-ratelimit-remaining'));
        assert.equal(res.headers.get('x-ratelimit-limit'), '3');
        assert.equal(res.headers.get('x-ratelimit-resource'), 'core');
      }
      assert.deepEqual(seen, ['2', '1', '0']);
      const refused = await get(url);
      assertGithubError(refused, 403, /^API rate limit exceeded for user ID 5000001/);
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
      assert.equal(refused.headers.get('x-ratelimit-used'), '3');
      const reset = Number(refused.headers.get('x-ratelimit-reset'));
      assert.ok(
        reset >= before + 60 && reset <= afterFirst + 60,
        `reset ${reset} is a minute after the first request (between ${before + 60} and ${afterFirst + 60})`,
      );
      // The fine-grained token acts as the same user: same bucket.
      assert.equal((await get(url, TOKENS.fineGrained)).status, 403);
      // Another user has their own bucket.
      assert.equal((await get(url, TOKENS.member)).status, 200);
      assert.equal((await hook(sim, 'POST', '/reset')).status, 200);
      assert.equal((await get(url)).status, 200, 'reset gives fresh limits');
    } finally {
      await sim.close();
    }
  });

  it('rateLimitStatus 429 refuses with 429; rateLimit false keeps headers but never refuses', async () => {
    const sim429 = await startGithubCopilotSimulator({ rateLimit: { limit: 1, windowMs: 60_000 }, rateLimitStatus: 429 });
    const open = await startGithubCopilotSimulator({ rateLimit: false });
    try {
      await get(`${sim429.baseUrl}/orgs/${ORG}`);
      assert.equal((await get(`${sim429.baseUrl}/orgs/${ORG}`)).status, 429);
      for (let i = 0; i < 5; i++) assert.equal((await get(`${open.baseUrl}/orgs/${ORG}`)).status, 200);
      assert.equal((await get(`${open.baseUrl}/orgs/${ORG}`)).headers.get('x-ratelimit-limit'), '5000');
    } finally {
      await Promise.all([sim429.close(), open.close()]);
    }
  });
});
