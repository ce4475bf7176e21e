import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliSuite } from './cli-test-kit.ts';

/** `tessera tokens`, `tessera environment` and `tessera env-integrations` as subprocesses against a real server. */
const s = cliSuite();

describe('tessera tokens', () => {
  test('create prints the secret once; list shows the token without it; delete removes it', async () => {
    const created = await s.cli(['tokens', 'create', 'cli-made', '--expires-at', '2099-01-01T00:00:00Z', ...s.auth()]);
    assert.equal(created.code, 0, created.stderr);
    const token = JSON.parse(created.stdout);
    assert.match(token.token, /^tsk_/);
    assert.equal(token.role, 'standard');
    assert.equal(token.expires_at, '2099-01-01T00:00:00.000Z');
    assert.match(created.stderr, /shown once/);
    const list = await s.cli(['tokens', 'list', '-o', 'json', ...s.auth()]);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout);
    assert.ok(rows.some((t: { id: string }) => t.id === token.id));
    assert.equal(list.stdout.includes(token.token), false);
    const refused = await s.cli(['tokens', 'create', 'nope', '--api-url', s.stack.apiUrl, '--token', token.token]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /admin API token/);
    const deleted = await s.cli(['tokens', 'delete', token.id, ...s.auth()]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(JSON.parse(deleted.stdout), { id: token.id });
    const bad = await s.cli(['tokens', 'create', 'x', '--expires-at', 'soon', ...s.auth()]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--expires-at must be an ISO 8601/);
  });

  test('environment shows and renames the token’s environment', async () => {
    const shown = await s.cli(['environment', ...s.auth()]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).name, 'sandbox');
    const renamed = await s.cli(['environment', 'rename', 'cli-renamed', ...s.auth()]);
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(JSON.parse(renamed.stdout).name, 'cli-renamed');
    assert.equal(JSON.parse((await s.cli(['environment', 'get', ...s.auth()])).stdout).name, 'cli-renamed');
    await s.cli(['environment', 'rename', 'sandbox', ...s.auth()]);
  });

  test('env-integrations list, install, update --override, uninstall', async () => {
    const list = await s.cli(['env-integrations', 'list', '-o', 'json', ...s.auth()]);
    assert.equal(list.code, 0, list.stderr);
    const openai = JSON.parse(list.stdout).find((r: { integration_id: string }) => r.integration_id === 'openai');
    assert.ok(openai);
    const installed = await s.cli(['env-integrations', 'install', 'openai', ...s.auth()]);
    assert.equal(JSON.parse(installed.stdout).id, openai.id);
    const updated = await s.cli(['env-integrations', 'update', openai.id, '--override', '{"headers":{"x-env":"1"}}', '--disable', ...s.auth()]);
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(JSON.parse(updated.stdout).override, { headers: { 'x-env': '1' } });
    assert.equal(JSON.parse(updated.stdout).is_enabled, false);
    const badJson = await s.cli(['env-integrations', 'update', openai.id, '--override', '[1]', ...s.auth()]);
    assert.notEqual(badJson.code, 0);
    const gone = await s.cli(['env-integrations', 'uninstall', openai.id, ...s.auth()]);
    assert.deepEqual(JSON.parse(gone.stdout), { id: openai.id });
    const after = JSON.parse((await s.cli(['env-integrations', 'list', '-o', 'json', ...s.auth()])).stdout);
    assert.equal(
      after.some((r: { integration_id: string }) => r.integration_id === 'openai'),
      false,
    );
    await s.cli(['env-integrations', 'install', 'openai', ...s.auth()]);
  });
});
