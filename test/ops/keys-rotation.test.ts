import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { ensureEnvironment, issueApiToken } from '../../src/services/tokens.ts';
import { CANARY_SETTING, checkEncryptionCanary } from '../../src/store/canary.ts';
import { openRotationDatabase } from '../../src/store/key-rotation.ts';
import { openStore } from '../../src/store/open-store.ts';
import { keyIdOf, SecretBox } from '../../src/store/secret-box.ts';
import { hostileStores } from '../hostile/stores.ts';
import { spawnTessera } from './process.ts';

/**
 * Key rotation end to end, on SQLite and on Postgres: data sealed under key A; the server started
 * with B and TESSERA_ENCRYPTION_KEY_PREVIOUS=A reads it; `keys rotate` re-seals it (counts per
 * table, safe to re-run); B alone then reads everything and A alone is refused; a value sealed
 * under a key nobody configured is reported by table and id, exit code 1, no secret printed.
 * The start, the refusal and the command run as real processes.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const silent = createLogger('silent');

/** `node --import tsx src/main.ts keys rotate …` with a clean TESSERA_* environment. */
function keysRotate(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TESSERA_') && !k.startsWith('NODE_TEST')) childEnv[k] = v;
  Object.assign(childEnv, { TESSERA_LOG_LEVEL: 'warn' }, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'keys', 'rotate', ...args], { cwd: ROOT, env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** The format written before key ids, as the earlier SecretBox sealed it. */
function sealV1(keyBase64: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

const contextOf = (n: number) => ({ api_key: `napi_secret_${n}`, org_id: `org-${n}`, oauth: { token: { access_token: `at-${n}`, expires_at: 5 } } });

for (const hostile of await hostileStores()) {
  test(
    `key rotation on ${hostile.name}: previous key reads, rotate re-seals, the new key alone reads, the old one is refused`,
    { skip: !hostile.env && 'no Postgres reachable' },
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keys-'));
      const keyA = SecretBox.generateKey();
      const keyB = SecretBox.generateKey();
      const keyC = SecretBox.generateKey();
      const base = { ...hostile.env, TESSERA_DATA_DIR: dataDir };
      const withKeys = (key: string, previous?: string) => ({
        ...base,
        TESSERA_ENCRYPTION_KEY: key,
        ...(previous ? { TESSERA_ENCRYPTION_KEY_PREVIOUS: previous } : {}),
      });
      const open = (env: Record<string, string>) => openStore(loadConfig(env), silent);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const newId = randomUUID();
      try {
        // 1. Key A: three accounts, one of them in the format from before key ids.
        let token: string;
        let envId: string;
        {
          const { store } = await open(withKeys(keyA));
          envId = (await ensureEnvironment(store, 'keys')).id;
          token = (await issueApiToken(store, envId, 'keys')).token;
          for (const [n, id] of ids.entries()) await store.createIntegratedAccount(account(id, envId, contextOf(n)));
          await store.close();
          const db = await openRotationDatabase(loadConfig(withKeys(keyA)));
          const legacy = {
            ...contextOf(2),
            api_key: { $enc: sealV1(keyA, JSON.stringify('napi_secret_2')) },
            oauth: { token: { $enc: sealV1(keyA, JSON.stringify(contextOf(2).oauth.token)) } },
          };
          await db
            .updateTable('integrated_accounts')
            .set({ context: JSON.stringify(legacy) })
            .where('id', '=', ids[2]!)
            .execute();
          await db.destroy();
        }

        // 2. B with A as previous: every value reads, new writes are sealed with B; /ready says the rotation is pending.
        {
          const { store } = await open(withKeys(keyB, keyA));
          for (const [n, id] of ids.entries()) assert.deepEqual((await store.getIntegratedAccount(id))!.context, contextOf(n));
          await store.createIntegratedAccount(account(newId, envId, contextOf(3)));
          await store.close();
          const server = await spawnTessera('serve', withKeys(keyB, keyA));
          try {
            await server.waitFor(/Tessera listening/);
            assert.match(server.stderr(), /Key rotation in progress/);
            const ready = (await (await fetch(`${server.url}/ready`)).json()) as { checks: Record<string, string> };
            assert.equal(ready.checks.encryption_key, 'ok');
            assert.match(ready.checks.key_rotation!, /^pending/);
            for (const id of [...ids, newId]) {
              const res = await fetch(`${server.url}/integrated-account/${id}`, { headers: { authorization: `Bearer ${token}` } });
              assert.equal(res.status, 200, await res.clone().text());
              assert.equal(((await res.json()) as { context: { org_id: string } }).context.org_id.startsWith('org-'), true);
            }
          } finally {
            await server.cleanup();
          }
        }

        // 3. A dry run writes nothing; the rotation re-seals three accounts and the canary; a second run finds nothing to do.
        const dry = await keysRotate(withKeys(keyB, keyA), '--dry-run');
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /^integrated_accounts: 3 to re-seal, 1 already current, 0 failed$/m);
        const first = await keysRotate(withKeys(keyB, keyA), '--batch-size', '2');
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, new RegExp(`^Sealing with key id ${escape(keyIdOf(keyB))} .*key id\\(s\\) ${escape(keyIdOf(keyA))}`, 'm'));
        assert.match(first.stdout, /^integrated_accounts: 3 re-sealed, 1 already current, 0 failed$/m);
        assert.match(first.stdout, /^settings: 1 re-sealed, 0 already current, 0 failed$/m);
        const again = await keysRotate(withKeys(keyB, keyA));
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /^integrated_accounts: 0 re-sealed, 4 already current, 0 failed$/m);
        assert.match(again.stdout, /^settings: 0 re-sealed, 1 already current, 0 failed$/m);
        assert.match(again.stdout, /TESSERA_ENCRYPTION_KEY_PREVIOUS can be removed/);
        for (const out of [dry, first, again]) assert.doesNotMatch(out.stdout + out.stderr, /napi_secret|at-\d/);

        // Nothing in the database names key A any more.
        {
          const db = await openRotationDatabase(loadConfig(withKeys(keyB)));
          const rows = await db.selectFrom('integrated_accounts').select('context').execute();
          const canary = await db.selectFrom('settings').select('value').where('key', '=', CANARY_SETTING).executeTakeFirstOrThrow();
          await db.destroy();
          const sealed = [
            ...rows
              .map((r) => r.context)
              .join('')
              .matchAll(/"\$enc":"([^"]+)"/g),
          ].map((m) => m[1]!);
          assert.equal(sealed.length, 8, 'two secrets per account');
          for (const value of [...sealed, canary.value]) assert.ok(value.startsWith(`v2:${keyIdOf(keyB)}:`), value.slice(0, 12));
        }

        // 4. B alone: every read works, the canary opens; the server starts and is ready.
        {
          const { store, box } = await open(withKeys(keyB));
          for (const [n, id] of [...ids, newId].entries()) assert.deepEqual((await store.getIntegratedAccount(id))!.context, contextOf(n));
          assert.equal(await checkEncryptionCanary(store, box), 'current');
          await store.close();
          const server = await spawnTessera('serve', withKeys(keyB));
          try {
            await server.waitFor(/Tessera listening/);
            const res = await fetch(`${server.url}/ready`);
            assert.equal(res.status, 200);
            assert.deepEqual(((await res.json()) as { checks: object }).checks, { database: 'ok', migrations: 'ok', encryption_key: 'ok' });
          } finally {
            await server.cleanup();
          }
        }

        // 5. A alone is refused at start, the message naming both settings.
        {
          const run = await spawnTessera('serve', withKeys(keyA));
          try {
            assert.equal(await run.exited, 1);
            assert.match(
              run.stderr().trim().split('\n').at(-1)!,
              /^tessera: TESSERA_ENCRYPTION_KEY does not match the key the data in this database was sealed with, and TESSERA_ENCRYPTION_KEY_PREVIOUS is not set; .*put the original key in TESSERA_ENCRYPTION_KEY_PREVIOUS/,
            );
          } finally {
            await run.cleanup();
          }
        }

        // 6. A value sealed under a key nobody configured: reported by table and id, exit code 1, nothing else touched.
        {
          const db = await openRotationDatabase(loadConfig(withKeys(keyB)));
          const stray = { ...contextOf(1), api_key: { $enc: new SecretBox(keyC).encrypt(JSON.stringify('napi_stray')) } };
          await db
            .updateTable('integrated_accounts')
            .set({ context: JSON.stringify(stray) })
            .where('id', '=', ids[1]!)
            .execute();
          await db.destroy();
          const run = await keysRotate(withKeys(keyB, keyA));
          assert.equal(run.code, 1, run.stdout + run.stderr);
          assert.match(run.stdout, /^integrated_accounts: 0 re-sealed, 3 already current, 1 failed$/m);
          assert.ok(
            run.stdout.includes(
              `failed: integrated_accounts ${ids[1]}: a value sealed with key id ${keyIdOf(keyC)}, which is neither TESSERA_ENCRYPTION_KEY nor in TESSERA_ENCRYPTION_KEY_PREVIOUS`,
            ),
            run.stdout,
          );
          assert.doesNotMatch(run.stdout + run.stderr, /napi_stray|napi_secret/);
        }
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
        await hostile.cleanup();
      }
    },
  );
}

test('an invalid TESSERA_ENCRYPTION_KEY_PREVIOUS stops the start, naming the setting', async () => {
  const run = await spawnTessera('serve', {
    TESSERA_ENCRYPTION_KEY: SecretBox.generateKey(),
    TESSERA_ENCRYPTION_KEY_PREVIOUS: `${SecretBox.generateKey()},c2hvcnQ=`,
  });
  try {
    assert.equal(await run.exited, 1);
    assert.match(run.stderr().trim().split('\n').at(-1)!, /^tessera: TESSERA_ENCRYPTION_KEY_PREVIOUS \(key 2 of 2\) must be 32 bytes, base64-encoded/);
  } finally {
    await run.cleanup();
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function account(id: string, environmentId: string, context: Record<string, unknown>) {
  return {
    id,
    tenant_id: 'keys-tenant',
    environment_id: environmentId,
    integration: 'neon',
    status: 'active' as const,
    is_sandbox: false,
    is_blocked: false,
    authentication_method: 'api_key',
    region: 'us',
    context,
    unified_model_override: {},
    integration_override: {},
    last_error: null,
  };
}
