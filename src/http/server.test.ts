import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.ts';
import { loadCatalog } from '../integrations/catalog.ts';
import { createLogger } from '../logger.ts';
import { createAppServices, type AppServices } from '../services/app-services.ts';
import { startHttpServer } from './server.ts';

/**
 * The drain in process (test/ops/drain.test.ts covers SIGTERM with a slow upstream): a
 * kept-alive socket that sits idle is closed at once rather than kept until its timeout, so a
 * drain with nothing in flight takes milliseconds, and /ready turns 503 from its first moment.
 */
const CATALOG = fileURLToPath(new URL('../../test/fixtures/usage/catalog', import.meta.url));
let services: AppServices;
let dataDir: string;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-server-'));
  const config = loadConfig({ TESSERA_DATA_DIR: dataDir, TESSERA_LOG_LEVEL: 'silent' });
  services = await createAppServices(config, createLogger(config.logLevel), loadCatalog(CATALOG));
});
after(async () => {
  await services?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('drain: an idle keep-alive socket is closed at once, nothing is forced, and the server stops listening', async () => {
  const server = await startHttpServer(services, 0, '127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const socketClosed = new Promise<void>((resolve) => {
    http
      .get(`${server.url}/health`, { agent }, (res) => {
        assert.equal(res.headers.connection, 'keep-alive');
        res.socket.once('close', () => resolve());
        res.resume();
      })
      .end();
  });
  await new Promise((r) => setTimeout(r, 50)); // the answer is read; the socket sits in the agent's pool
  const result = await server.drain(5_000);
  await socketClosed;
  assert.equal(result.forced, 0);
  assert.ok(result.ms < 1_000, `drained in ${result.ms} ms`);
  assert.equal(services.readiness.draining, true);
  await assert.rejects(fetch(`${server.url}/health`), 'no longer listening');
  agent.destroy();
  services.readiness.draining = false;
});
