import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SecretBox } from '../../src/store/secret-box.ts';
import { closedPort, spawnTessera } from './process.ts';

/**
 * A start that cannot work stops at once, exit code 1, with one line on stderr naming the setting
 * to fix and the cause, never a stack trace or a bare driver error.
 */
async function failedStart(env: Record<string, string>): Promise<{ code: number; line: string; stderr: string }> {
  const run = await spawnTessera('serve', env);
  try {
    const code = await run.exited;
    const lines = run.stderr().trim().split('\n');
    return { code, line: lines.at(-1)!, stderr: run.stderr() };
  } finally {
    await run.cleanup();
  }
}

test('Postgres unreachable: the line names TESSERA_DATABASE_URL with the password masked, and the cause', async () => {
  const port = await closedPort();
  const { code, line, stderr } = await failedStart({
    TESSERA_DATABASE_URL: `postgres://tessera:hunter2@127.0.0.1:${port}/tessera`,
    TESSERA_ENCRYPTION_KEY: SecretBox.generateKey(),
  });
  assert.equal(code, 1);
  assert.equal(line, `tessera: TESSERA_DATABASE_URL (postgres://tessera:****@127.0.0.1:${port}/tessera): connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.doesNotMatch(stderr, /hunter2/, 'the password is never printed');
});

test('Postgres without TESSERA_ENCRYPTION_KEY, and a key that is not 32 bytes, are refused naming the setting', async () => {
  const missing = await failedStart({ TESSERA_DATABASE_URL: `postgres://tessera@127.0.0.1:${await closedPort()}/tessera` });
  assert.equal(missing.code, 1);
  assert.match(missing.line, /^tessera: TESSERA_ENCRYPTION_KEY is required when TESSERA_DATABASE_URL is set/);
  const short = await failedStart({ TESSERA_ENCRYPTION_KEY: 'c2hvcnQ=' });
  assert.equal(short.code, 1);
  assert.match(short.line, /^tessera: TESSERA_ENCRYPTION_KEY must be 32 bytes/);
});

test('a key that does not open the data is refused at start, before serving anything', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ops-key-'));
  try {
    const first = await spawnTessera('serve', { TESSERA_DATA_DIR: dataDir, TESSERA_ENCRYPTION_KEY: SecretBox.generateKey() });
    await first.waitFor(/Tessera listening/);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.stderr());

    const { code, line } = await failedStart({ TESSERA_DATA_DIR: dataDir, TESSERA_ENCRYPTION_KEY: SecretBox.generateKey() });
    assert.equal(code, 1);
    assert.match(line, /^tessera: TESSERA_ENCRYPTION_KEY does not match the key the data in this database was sealed with/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a data dir that cannot be created names TESSERA_DATA_DIR', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ops-file-')), 'not-a-dir');
  fs.writeFileSync(file, '');
  const { code, line } = await failedStart({ TESSERA_DATA_DIR: path.join(file, 'data'), TESSERA_ENCRYPTION_KEY: SecretBox.generateKey() });
  assert.equal(code, 1);
  assert.match(line, /^tessera: TESSERA_DATA_DIR \(.*not-a-dir\/data\): ENOTDIR/);
});
