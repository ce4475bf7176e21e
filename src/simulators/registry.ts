import {
  DEFAULT_GITHUB_COPILOT_FIXTURES,
  DEFAULT_GITHUB_COPILOT_ORG,
  DEFAULT_GITHUB_COPILOT_TOKEN,
  startGithubCopilotSimulator,
} from './github-copilot/index.ts';
import { DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID, startNeonSimulator } from './neon/index.ts';

/**
 * Simulators by name, as integration definitions refer to them (`sandbox.simulator`). Each one
 * starts a provider's API on loopback and says which credentials its seed accepts, so the
 * sandbox can connect an ordinary integrated account to it.
 */
export interface RunningSimulator {
  /** Replaces the integration's base_url for sandbox accounts. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface SimulatorEntry {
  /** `rateLimits: false` turns off the provider's simulated rate limits (test suites outrun them). */
  start(options: { port?: number; rateLimits?: boolean }): Promise<RunningSimulator>;
  /** The integrated-account context the seeded simulator accepts. */
  sandboxContext: Record<string, unknown>;
  /** An id the seed contains, for the printed example request. */
  exampleUserId?: string;
}

export const SIMULATORS: Record<string, SimulatorEntry> = {
  neon: {
    start: async ({ port, rateLimits }) => {
      const sim = await startNeonSimulator({ port, ...(rateLimits === false ? { rateLimit: false } : {}) });
      return { baseUrl: sim.baseUrl, close: () => sim.close() };
    },
    // The org admin's personal key, so writes (invite, remove) are allowed; it sees two orgs, so the org is named.
    sandboxContext: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID },
    exampleUserId: 'd57833f2-d308-4ede-9d2e-468d9d013d1b',
  },
  'github-copilot': {
    // The sandbox hands every simulator the same TESSERA_SIMULATOR_PORT; take the next port so a
    // fixed port still gives each simulator its own (0 stays "any free port").
    start: async ({ port, rateLimits }) => {
      const sim = await startGithubCopilotSimulator({ port: port ? port + 1 : 0, ...(rateLimits === false ? { rateLimit: false } : {}) });
      return { baseUrl: sim.baseUrl, close: () => sim.close() };
    },
    sandboxContext: { token: DEFAULT_GITHUB_COPILOT_TOKEN, org: DEFAULT_GITHUB_COPILOT_ORG },
    exampleUserId: String(DEFAULT_GITHUB_COPILOT_FIXTURES.owner.id),
  },
};
