import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliSuite } from './cli-test-kit.ts';

/** `tessera link-token create` as a subprocess against a real server. */
const s = cliSuite();

describe('tessera link-token create', () => {
  test('prints the token and the connect URL; the page opens with it', async () => {
    const run = await s.cli([
      'link-token',
      'create',
      '--tenant',
      'acme',
      '--integration',
      'neon',
      '--redirect-uri',
      'https://app.example.com/back',
      ...s.auth(),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [tokenLine, urlLine] = run.stdout.trim().split('\n');
    const token = /^link_token: (tlk_\S+)$/.exec(tokenLine)![1];
    const url = new URL(/^connect_url: (\S+)$/.exec(urlLine)![1]);
    assert.equal(url.origin, s.stack.apiUrl);
    assert.equal(url.searchParams.get('link_token'), token);
    assert.match(run.stderr, /Single use; expires at/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Connect Neon/);
  });

  test('-o json prints the whole answer; --account reconnects; usage errors exit 2', async () => {
    const json = await s.cli(['link-token', 'create', '--account', s.neon, '--persist-previous-context', '-o', 'json', ...s.auth()]);
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout);
    assert.equal(body.integrated_account_id, s.neon);
    assert.equal(body.integration, 'neon');
    const none = await s.cli(['link-token', 'create', ...s.auth()]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--tenant/);
    const badContext = await s.cli(['link-token', 'create', '--tenant', 'a', '--context', '[1]', ...s.auth()]);
    assert.equal(badContext.code, 2);
    const refused = await s.cli(['link-token', 'create', '--tenant', 'a', '--redirect-uri', 'not a url', ...s.auth()]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /redirect_uri/);
  });
});
