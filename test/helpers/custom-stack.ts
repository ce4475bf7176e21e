import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer } from '../../src/http/server.ts';
import { loadCatalog } from '../../src/integrations/catalog.ts';
import { createLogger } from '../../src/logger.ts';
import { createAppServices, type AppServices } from '../../src/services/app-services.ts';
import { ensureEnvironment, issueApiToken } from '../../src/services/tokens.ts';

/** A real server over a catalog of test integrations (no simulators, no sandbox). */
export interface CustomStack {
  apiUrl: string;
  token: string;
  environmentId: string;
  services: AppServices;
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startCustomStack(catalogDir: string, env: Record<string, string> = {}): Promise<CustomStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  const config = loadConfig({
    TESSERA_DATA_DIR: dataDir,
    PORT: '0',
    TESSERA_LOG_LEVEL: 'silent',
    TESSERA_UPSTREAM_RETRY_BASE_MS: '10',
    TESSERA_RATE_LIMIT_TOKEN: '0',
    TESSERA_RATE_LIMIT_ACCOUNT: '0',
    // The fixture providers are stubs on loopback ports chosen at run time: the operator's
    // allow-list is how a deployment reaches an internal provider, and so it is here.
    TESSERA_UPSTREAM_ALLOW: '127.0.0.1',
    ...env,
  });
  const services = await createAppServices(config, createLogger(config.logLevel), loadCatalog(catalogDir));
  const server = await startHttpServer(services, 0, '127.0.0.1');
  const environment = await ensureEnvironment(services.store, 'test');
  const { token } = await issueApiToken(services.store, environment.id, 'test');
  return {
    apiUrl: server.url,
    token,
    environmentId: environment.id,
    services,
    api: (p, init = {}) =>
      fetch(server.url + p, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      }),
    async close() {
      await server.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
