import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { hostileStores } from './stores.ts';

/**
 * An attacker holding an ordinary API token tries to read the stored credentials back out:
 * through a mapping override, an error step's message, a base URL of their own, placeholders,
 * `debug` output, and secrets stored under names the integration does not declare. None of the
 * canaries may appear in any response, in any log line, or in the database in plaintext.
 */
const CANARIES = {
  apiKey: 'canary-apikey-7f1e0c2b9d',
  client_secret_2: 'canary-clientsecret-41aa93',
  nested: { Private_Key: 'canary-privatekey-c0ffee' },
};
const CANARY_VALUES = ['canary-apikey-7f1e0c2b9d', 'canary-clientsecret-41aa93', 'canary-privatekey-c0ffee'];

/** An account override whose users list runs `step` before reading members (the list's first phase). */
function stepBeforeMembers(step: Record<string, unknown>) {
  const phases = [{ resource: 'members', method: 'list', before: [step], response_mapping: '{ "id": record.member.id }' }];
  return { unified_model_override: { 'usage-metering': { users: { list: { phases } } } } };
}

for (const store of await hostileStores()) {
  describe(`credentials stay sealed (${store.name})`, { skip: store.env ? false : 'no Postgres reachable' }, () => {
    let stack: TestStack;
    let accountId: string;
    let realKey: string;
    const log = new PassThrough();
    const logLines: string[] = [];
    log.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    const bodies: string[] = [];
    let attackerHits = 0;
    const attacker = http.createServer((req, res) => {
      attackerHits++;
      res.end('{}');
    });

    /** Every response an attack gets is kept, to search for canaries at the end. */
    async function call(pathAndQuery: string, init: RequestInit = {}) {
      const res = await stack.api(pathAndQuery, { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
      const text = await res.text();
      bodies.push(`${pathAndQuery} → ${res.status} ${JSON.stringify(Object.fromEntries(res.headers))} ${text}`);
      return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
    }
    const patchAccount = (body: unknown) => call(`/integrated-account/${accountId}`, { method: 'PATCH', body: JSON.stringify(body) });
    const listUsers = (extra = '') => call(`/unified/usage-metering/users?integrated_account_id=${accountId}&limit=2${extra}`);
    let userId: string;
    const getUser = (extra = '') => call(`/unified/usage-metering/users/${userId}?integrated_account_id=${accountId}${extra}`);

    before(async () => {
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      stack = await startTestStack({ ...store.env, TESSERA_LOG_LEVEL: 'debug' }, { logStream: log });
      accountId = stack.accounts.neon;
      realKey = String((await stack.services.store.getIntegratedAccount(accountId))!.context.api_key);
      assert.ok(realKey.length > 8, 'the sandbox account has a real key to protect');
      userId = (await listUsers()).json.result[0].id;
    });
    after(async () => {
      await stack.close();
      attacker.close();
      await store.cleanup();
    });

    test('secrets under undeclared names are sealed at rest and masked in every answer', async () => {
      const patched = await patchAccount({ context: CANARIES });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json.context.apiKey, '********');
      assert.equal(patched.json.context.client_secret_2, '********');
      assert.equal(patched.json.context.nested.Private_Key, '********');
      const read = await call(`/integrated-account/${accountId}`);
      assert.equal(read.json.context.api_key, '********');
      assert.equal(read.json.context.apiKey, '********');
      if (store.name === 'sqlite') {
        const bytes = Buffer.concat(fs.readdirSync(stack.dataDir).flatMap((f) => (f.endsWith('.json') ? [] : [fs.readFileSync(path.join(stack.dataDir, f))])));
        for (const secret of [...CANARY_VALUES, realKey]) assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} is not on disk in plaintext`);
      } else {
        const client = new pg.Client({ connectionString: store.env!.TESSERA_DATABASE_URL });
        await client.connect();
        const { rows } = await client.query('SELECT context FROM integrated_accounts WHERE id = $1', [accountId]);
        await client.end();
        for (const secret of [...CANARY_VALUES, realKey]) assert.equal(String(rows[0].context).includes(secret), false);
      }
    });

    test('a response_mapping override sees the context without its secrets', async () => {
      const override = {
        'usage-metering': {
          users: {
            get: {
              response_mapping: '{ "id": $string(record.member.id), "leak": $string(context) & context.api_key & context.apiKey & context.nested.Private_Key }',
            },
          },
        },
      };
      assert.equal((await patchAccount({ unified_model_override: override })).status, 200);
      const got = await getUser();
      assert.equal(got.status, 200, got.text);
      assert.match(got.json.leak, /org_id/, 'the mapping did see the non-secret context');
      for (const secret of [...CANARY_VALUES, realKey]) assert.equal(got.text.includes(secret), false);
      const debug = await getUser('&truto_response_format=debug');
      assert.equal(debug.status, 200);
      for (const secret of [...CANARY_VALUES, realKey]) assert.equal(debug.text.includes(secret), false, 'debug output');
    });

    test('an error step cannot put a credential into its message', async () => {
      const override = stepBeforeMembers({ type: 'error', config: { status: 400, message: '"key=" & context.api_key & context.apiKey & $string(context)' } });
      assert.equal((await patchAccount(override)).status, 200);
      const refused = await listUsers();
      assert.equal(refused.status, 400, refused.text);
      assert.match(refused.json.message, /^key=/);
      for (const secret of [...CANARY_VALUES, realKey]) assert.equal(refused.text.includes(secret), false);
      assert.equal((await patchAccount({ unified_model_override: {} })).status, 200);
    });

    test('an override cannot name a credential in a placeholder, change authorization or move calls to its own host', async () => {
      const attempts: [string, unknown][] = [
        ['base_url', { integration_override: { base_url: `http://127.0.0.1:${(attacker.address() as { port: number }).port}` } }],
        ['header placeholder', { integration_override: { headers: { 'x-copy': '{{credentials.api_key}}' } } }],
        ['context placeholder', { integration_override: { query: { k: '{{context.apiKey}}' } } }],
        ['authorization', { integration_override: { authorization: { format: 'header', config: { header_name: 'x', header_value: 'y' } } } }],
        [
          'mapping placeholder',
          {
            unified_model_override: {
              'usage-metering': { users: { list: { before: [{ type: 'request', config: { resource: 'members', query: { k: '{{context.api_key}}' } } }] } } },
            },
          },
        ],
      ];
      for (const [what, body] of attempts) {
        const res = await patchAccount(body);
        assert.equal(res.status, 400, `${what}: ${res.status} ${res.text}`);
        assert.equal(res.json.code, 'TESSERA_VALIDATION_FAILED', what);
      }
      const envRow = await call('/environment-unified-model-resource-method', {
        method: 'POST',
        body: JSON.stringify({
          unified_model: 'usage-metering',
          resource_name: 'users',
          integration_name: 'neon',
          method_name: 'list',
          config: { query: { k: '{{credentials.api_key}}' } },
        }),
      });
      assert.equal(envRow.status, 400, envRow.text);
      // The account still works with its own credentials, and the attacker's server heard nothing.
      assert.equal((await listUsers()).status, 200);
      assert.equal(attackerHits, 0);
    });

    test('a secret stored as an array or an object is sealed and masked whole', async () => {
      const patched = await patchAccount({ context: { apiKeys: ['canary-array-1111'], client_secret: { value: 'canary-object-2222' } } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json.context.apiKeys, '********');
      assert.equal(patched.json.context.client_secret, '********');
      for (const secret of ['canary-array-1111', 'canary-object-2222']) assert.equal(patched.text.includes(secret), false);
      if (store.name === 'sqlite') {
        const bytes = Buffer.concat(fs.readdirSync(stack.dataDir).flatMap((f) => (f.endsWith('.json') ? [] : [fs.readFileSync(path.join(stack.dataDir, f))])));
        for (const secret of ['canary-array-1111', 'canary-object-2222']) assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} on disk`);
      }
      assert.equal((await patchAccount({ context: { apiKeys: null, client_secret: null } })).status, 200);
    });

    test('a client cannot plant a sealed value: no decryption oracle, no account that can no longer be read', async () => {
      const forged = await patchAccount({ context: { note: { $enc: 'v1:AAAA:BBBB:CCCC' } } });
      assert.equal(forged.status, 400, forged.text);
      assert.match(forged.json.message, /\$enc is reserved/);
      assert.equal((await call(`/integrated-account/${accountId}`)).status, 200, 'the account still reads');
      const step = await patchAccount(stepBeforeMembers({ type: 'set_context', config: { expression: '{ "note": { "$enc": "v1:AAAA:BBBB:CCCC" } }' } }));
      assert.equal(step.status, 200, step.text);
      const planted = await listUsers();
      assert.equal(planted.status, 400, planted.text);
      assert.equal((await patchAccount({ unified_model_override: {} })).status, 200);
    });

    test('an override stored before these checks still renders its placeholders without the secrets', async () => {
      // Written straight to the store: what an old database may hold, never accepted by the API now.
      await stack.services.store.updateIntegratedAccount(accountId, {
        integration_override: {
          base_url: stack.simulators.neon,
          query: { q: '{{context./key/}}', all: '{{context:json}}' },
          headers: { 'x-q': '{{context./api/}}' },
        },
      });
      const debug = await listUsers('&truto_response_format=debug');
      assert.equal(debug.status, 200, debug.text);
      for (const secret of [...CANARY_VALUES, realKey]) assert.equal(debug.text.includes(secret), false);
      for (const attempt of [{ query: { q: '{{context./key/}}' } }, { query: { all: '{{context:json}}' } }, { headers: { 'x-q': '{{context.*}}' } }]) {
        const res = await patchAccount({ integration_override: { base_url: stack.simulators.neon, ...attempt } });
        assert.equal(res.status, 400, res.text);
      }
      await stack.services.store.updateIntegratedAccount(accountId, { integration_override: { base_url: stack.simulators.neon } });
    });

    test('an integration_override that would break the definition is refused when saved, not on every later call', async () => {
      for (const broken of [
        { resources: { members: { list: { method: 123 } } } },
        { base_url: null },
        { before: { type: 'error' } },
        { rate_limit: { is_rate_limited: 5 } },
      ]) {
        const res = await patchAccount({ integration_override: { base_url: stack.simulators.neon, ...broken } });
        assert.equal(res.status, 400, `${JSON.stringify(broken)}: ${res.text}`);
        assert.equal(res.json.code, 'TESSERA_VALIDATION_FAILED');
      }
      assert.equal((await listUsers()).status, 200);
    });

    test('no canary in any response or log line', () => {
      assert.ok(bodies.length >= 10, 'the attacks ran');
      assert.ok(logLines.length > 0, 'the server logged');
      const everything = bodies.join('\n') + logLines.join('');
      for (const secret of [...CANARY_VALUES, realKey]) assert.equal(everything.includes(secret), false, secret);
    });
  });
}
