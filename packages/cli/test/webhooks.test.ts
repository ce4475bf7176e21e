import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type TestReceiver } from '../../../src/services/webhooks/receiver.test-kit.ts';
import { cliSuite, noStackTrace } from './cli-test-kit.ts';

/** `tessera webhooks` as a subprocess against a real server (sandbox: loopback receivers allowed). */
const s = cliSuite();
let receiver: TestReceiver;
before(async () => {
  receiver = await startReceiver();
});
after(() => receiver?.close());

describe('tessera webhooks', () => {
  test('create prints the secret once; list, update, test and delete', async () => {
    const created = await s.cli([
      'webhooks',
      'create',
      ...s.auth(),
      '--url',
      receiver.url,
      '--events',
      'integrated_account:created,integrated_account:deleted',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const hook = JSON.parse(created.stdout);
    assert.match(hook.secret, /^[0-9a-f]{64}$/);
    assert.deepEqual(hook.event_types, ['integrated_account:created', 'integrated_account:deleted']);

    const listed = await s.cli(['webhooks', 'list', ...s.auth(), '-q', `id=${hook.id}`, '-o', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout);
    assert.deepEqual(
      rows.map((w: { id: string }) => w.id),
      [hook.id],
    );
    assert.equal(listed.stdout.includes(hook.secret), false, 'the secret is not listed');
    const table = await s.cli(['webhooks', 'list', ...s.auth()]);
    assert.match(table.stdout, new RegExp(hook.id));

    const updated = await s.cli(['webhooks', 'update', hook.id, ...s.auth(), '--events', '*', '--inactive']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual([JSON.parse(updated.stdout).event_types, JSON.parse(updated.stdout).is_active], [['*'], false]);

    const tested = await s.cli(['webhooks', 'test', hook.id, ...s.auth()]);
    assert.equal(tested.code, 0, tested.stderr);
    assert.equal(JSON.parse(tested.stdout).success, true);
    const [r] = await receiver.waitFor(1, (x) => x.body.webhook_id === hook.id);
    assert.ok(receiver.verified(r, hook.secret));

    const deleted = await s.cli(['webhooks', 'delete', hook.id, ...s.auth()]);
    assert.deepEqual(JSON.parse(deleted.stdout), { id: hook.id });
    const gone = await s.cli(['webhooks', 'get', hook.id, ...s.auth()]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Webhook .* not found/);
    noStackTrace(gone.stderr);
  });

  test('mistakes: an unknown event names the known ones; a missing flag is a usage error', async () => {
    const unknown = await s.cli(['webhooks', 'create', ...s.auth(), '--url', receiver.url, '--events', 'account:made']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown event type "account:made"; the event types are \*, integrated_account:created/);
    noStackTrace(unknown.stderr);
    const missing = await s.cli(['webhooks', 'create', ...s.auth(), '--url', receiver.url]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--events/);
    const nothing = await s.cli(['webhooks', 'update', '00000000-0000-4000-8000-000000000000', ...s.auth()]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /needs a change/);
  });
});
