import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type TesseraConfig } from '../../src/config.ts';
import { startHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import { prepareSandbox } from '../../src/sandbox/sandbox.ts';
import { createAppServices, type AppServices } from '../../src/services/app-services.ts';

/**
 * A real Tessera (HTTP server on a loopback port, SQLite in a temp dir) in sandbox mode, with
 * its simulators, for tests that talk to it over sockets exactly as clients do.
 */
export interface TestStack {
  apiUrl: string;
  token: string;
  accounts: Record<string, string>;
  /** Simulator base URLs by integration name, e.g. neon → http://127.0.0.1:1234/api/v2 */
  simulators: Record<string, string>;
  services: AppServices;
  dataDir: string;
  /** fetch against the API with the sandbox token. */
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /**
   * POST /integrated-account for `integration` against its bundled simulator (`base_url`
   * overridden); `body` adds to or replaces the rest, `query` is appended (`?keep_on_validation_error=true`).
   * Throws unless the answer is 200; returns the account's id.
   */
  connect(integration: string, body: Record<string, unknown>, query?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestStack(env: Record<string, string> = {}, options: { logStream?: NodeJS.WritableStream } = {}): Promise<TestStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  const config: TesseraConfig = loadConfig({
    TESSERA_DATA_DIR: dataDir,
    PORT: '0',
    TESSERA_LOG_LEVEL: 'silent',
    TESSERA_UPSTREAM_RETRY_BASE_MS: '20',
    TESSERA_UPSTREAM_TIMEOUT_MS: '5000',
    // Suites share one account across many requests; the limits have their own test.
    TESSERA_RATE_LIMIT_TOKEN: '0',
    TESSERA_RATE_LIMIT_ACCOUNT: '0',
    ...env,
  });
  const services = await createAppServices(config, createLogger(config.logLevel, options.logStream));
  const server = await startHttpServer(services, 0, '127.0.0.1');
  const sandbox = await prepareSandbox(services, server.url, { simulatorRateLimits: false });
  const simulators: Record<string, string> = {};
  Object.keys(sandbox.file.integrated_accounts).forEach((name, i) => {
    simulators[name] = sandbox.simulators[i].baseUrl;
  });
  const token = sandbox.file.token;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(server.url + p, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  return {
    apiUrl: server.url,
    token,
    accounts: sandbox.file.integrated_accounts,
    simulators,
    services,
    dataDir,
    api,
    async connect(integration, body, query = '') {
      const res = await api(`/integrated-account${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: 'test', integration, integration_override: { base_url: simulators[integration] }, ...body }),
      });
      if (res.status !== 200) throw new Error(`connecting a ${integration} account failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async close() {
      await server.close();
      await sandbox.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The simulator's test hooks live at its origin, outside the provider's API path. */
export function simulatorOrigin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}
