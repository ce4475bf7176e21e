import fs from 'node:fs';
import path from 'node:path';
import type { AppServices } from '../services/app-services.ts';
import { ensureEnvironment, hashToken, issueApiToken } from '../services/tokens.ts';
import { startSimulator, type RunningSimulator } from '../simulator-kit/define-simulator.ts';
import { loadSimulator } from '../simulator-kit/discover.ts';

/**
 * Sandbox mode: every integration that names a simulator gets one started on loopback and an
 * ordinary integrated account pointing at it, in an environment called "sandbox", and the
 * environment's override of that integration points at it as well (any other account connected
 * there lands on the simulator). Starting twice on the same data dir reuses the environment, token
 * and accounts (every base_url is refreshed, since simulators get new ports).
 */
export const SANDBOX_ENVIRONMENT = 'sandbox';
export const SANDBOX_TENANT = 'sandbox';
export const SANDBOX_FILE = 'sandbox.json';

export interface SandboxFile {
  api_url: string;
  token: string;
  integrated_accounts: Record<string, string>;
}

export interface SandboxState {
  file: SandboxFile;
  simulators: RunningSimulator[];
  /** A ready-to-paste curl of a unified get per integration that has an example user. */
  exampleCurls: string[];
  /**
   * What each simulator accepts on the connect page (its sandbox context: fake keys, never real
   * ones), so a person can connect an account in the console without reading simulator sources.
   */
  connectValues: Record<string, Record<string, string>>;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** 0 or unset: each simulator on a free port. Otherwise the first simulator's port; the next ones count up from it, in name order. */
  simulatorPort?: number;
  /** false: simulators never refuse for rate limits (test suites outrun them). */
  simulatorRateLimits?: boolean;
}

export async function prepareSandbox(services: AppServices, apiUrl: string, options: SandboxOptions = {}): Promise<SandboxState> {
  const { store, config } = services;
  // A developer receives webhooks on their own machine (TESSERA_WEBHOOK_ALLOW_LOCALHOST, docs/webhooks.md).
  services.webhooks.targets.allowLocalhost();
  const env = await ensureEnvironment(store, SANDBOX_ENVIRONMENT);
  const filePath = path.join(config.dataDir, SANDBOX_FILE);
  const previous = readSandboxFile(filePath);

  let token = previous?.token;
  const known = token ? await store.findApiTokenByHash(hashToken(token)) : undefined;
  if (!token || !known || known.environment_id !== env.id || known.revoked_at) token = (await issueApiToken(store, env.id, 'sandbox')).token;

  const simulators: RunningSimulator[] = [];
  const accounts: Record<string, string> = {};
  const exampleCurls: string[] = [];
  const connectValues: Record<string, Record<string, string>> = {};
  const installedNow = new Map((await services.environmentIntegrations.list(env.id)).map((ei) => [ei.integration_id, ei]));
  const simulated = [...services.catalog.integrations.values()].filter((def) => def.sandbox).sort((a, b) => a.name.localeCompare(b.name));
  for (const [index, def] of simulated.entries()) {
    const entry = await loadSimulator(services.catalog.dir, def.sandbox!.simulator);
    const sim = await startSimulator(entry, { port: options.simulatorPort ? options.simulatorPort + index : 0, rateLimits: options.simulatorRateLimits });
    simulators.push(sim);
    // Exactly this simulator's origin, before the account points at it: loopback stays closed to everything else.
    services.egress.allowOrigin(sim.origin);
    const sandboxContext = entry.sandbox.context;
    connectValues[def.name] = Object.fromEntries(Object.entries(sandboxContext).map(([key, value]) => [key, String(value)]));
    const integration_override = { base_url: sim.baseUrl };
    // The environment's override too, so an account connected later (console, link token, POST
    // /integrated-account) with no base_url of its own reaches this simulator, on today's port.
    const installed = installedNow.get(def.name);
    await services.environmentIntegrations.install(env.id, { integration_id: def.name, override: { ...installed?.override, ...integration_override } });
    const existing = (await store.listIntegratedAccounts({ environment_id: env.id, tenant_id: SANDBOX_TENANT, integration: def.name, limit: 1 }))[0];
    let accountId: string;
    if (existing) {
      await store.updateIntegratedAccount(existing.id, { integration_override, context: { ...existing.context, ...sandboxContext } });
      const refreshed = await store.getIntegratedAccount(existing.id);
      if (refreshed && refreshed.status !== 'active') await services.accounts.validate(refreshed, def);
      accountId = existing.id;
    } else {
      const created = await services.accounts.create(
        env.id,
        {
          tenant_id: SANDBOX_TENANT,
          integration: def.name,
          context: sandboxContext,
          region: 'wnam',
          is_sandbox: false,
          unified_model_override: {},
          integration_override,
        },
        // The printed ids must exist even if a simulator refuses: the account then shows why in last_error.
        { keepOnValidationError: true },
      );
      accountId = created.id;
    }
    accounts[def.name] = accountId;
    if (entry.sandbox.exampleUserId) {
      exampleCurls.push(
        `curl -s '${apiUrl}/unified/${def.category}/users/${entry.sandbox.exampleUserId}?integrated_account_id=${accountId}' -H 'Authorization: Bearer ${token}'`,
      );
    }
    if (services.catalog.getMapping(def.name, def.category, 'usage', 'list')) {
      // The simulator names a window its seed covers: its clock is fixed, the caller's is not.
      const window = new URLSearchParams(entry.sandbox.exampleUsageQuery ?? {}).toString();
      exampleCurls.push(
        `curl -s '${apiUrl}/unified/${def.category}/usage?integrated_account_id=${accountId}${window ? `&${window}` : ''}' -H 'Authorization: Bearer ${token}'`,
      );
    }
  }
  const file: SandboxFile = { api_url: apiUrl, token, integrated_accounts: accounts };
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(filePath, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  return {
    file,
    simulators,
    exampleCurls,
    connectValues,
    close: async () => {
      await Promise.all(simulators.map((s) => s.close()));
    },
  };
}

function readSandboxFile(file: string): SandboxFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxFile;
  } catch {
    return undefined;
  }
}
