import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { DEFAULT_DATADOG_KEYS, defaultDatadogSeed } from './default-seed.ts';
import { datadogErrorBody, faultMessage } from './errors.ts';
import { mountOrgRoutes } from './org-routes.ts';
import { DatadogRateLimits } from './rate-limits.ts';
import type { DatadogRouteDeps } from './route-kit.ts';
import { parseDatadogSeed, type DatadogSeed, type DatadogSeedInput } from './seed-schema.ts';
import { DatadogState } from './state.ts';
import { mountUsageRoutes } from './usage-routes.ts';

/** Switches for behaviour tests want to pin down. */
export interface DatadogSwitches {
  /** "Now" in epoch ms (default: the real clock); never earlier than the seed's clock. */
  now?: () => number;
}

export interface DatadogSimulatorOptions extends DatadogSwitches {
  port?: number;
  host?: string;
  /** Default defaultDatadogSeed(). Validated; an invalid seed rejects the start. */
  seed?: DatadogSeed | DatadogSeedInput;
  logRequests?: boolean;
  /** Default true; false keeps the X-RateLimit-* headers but never refuses. */
  rateLimits?: boolean;
}

/** `baseUrl` is the origin: Datadog's paths start with `/api`, as on api.datadoghq.com. */
export type DatadogSimulator = RunningSimulator<DatadogState, DatadogSeed | DatadogSeedInput>;

function banner(seed: DatadogSeed): string[] {
  const root = seed.orgs.find((o) => o.parent === null)!;
  const children = seed.orgs.filter((o) => o.parent !== null);
  const apiKeys = seed.api_keys.filter((k) => !k.revoked).map((k) => `  DD-API-KEY ${k.key}  (${k.name}, org ${k.org})`);
  const appKeys = seed.app_keys
    .filter((k) => !k.revoked)
    .map((k) => `  DD-APPLICATION-KEY ${k.key}  (${k.name}${k.permissions ? `: ${k.permissions.join(', ')}` : ''})`);
  return [
    `  parent org ${root.name} (${root.public_id}) with ${children.length} child orgs: ${children.map((c) => c.name).join(', ')}`,
    `  ${seed.series.length} hourly series over ${seed.days} days up to ${seed.clock}; ${seed.dimensions.filter((d) => d.price).length} billed dimensions`,
    'keys:',
    ...apiKeys,
    ...appKeys,
  ];
}

/** The Datadog Usage Metering API simulator. See README.md in this folder. */
export const simulator = defineSimulator<DatadogSeed, DatadogState, DatadogSwitches>({
  name: 'datadog',
  title: 'Datadog Usage Metering API simulator',
  requestIdHeader: 'x-dd-request-id',
  errorBody: (_c, _status, message) => datadogErrorBody([message]),
  faultMessage,
  seed: { parse: parseDatadogSeed, default: () => parseDatadogSeed(defaultDatadogSeed()) },
  create(seed, options, kit) {
    const state = new DatadogState(seed);
    const rateLimits = new DatadogRateLimits(kit.rateLimits);
    const clock = options.now ?? Date.now;
    const deps: DatadogRouteDeps = { state, rateLimits, now: () => Math.max(clock(), state.clockMs) };
    return {
      state,
      mount(app) {
        mountUsageRoutes(app, deps);
        mountOrgRoutes(app, deps);
      },
      load(next) {
        state.load(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  sandbox: {
    context: { api_key: DEFAULT_DATADOG_KEYS.api, application_key: DEFAULT_DATADOG_KEYS.app, site: 'datadoghq.com' },
    // November 1st: the day whose list also carries the month's cost rows.
    exampleUsageQuery: { start_date: '2026-11-01', end_date: '2026-11-02' },
  },
  cli: {
    defaultPort: 4050,
    usage: ['(no switches of its own: --seed loads any seed; see src/providers/datadog/simulator/README.md)'],
    banner,
  },
});

/** Starts the simulator on loopback (tests; the sandbox goes through the kit). */
export function startDatadogSimulator(opts: DatadogSimulatorOptions = {}): Promise<DatadogSimulator> {
  const { port, host, seed, logRequests, rateLimits, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, rateLimits, options }) as Promise<DatadogSimulator>;
}
