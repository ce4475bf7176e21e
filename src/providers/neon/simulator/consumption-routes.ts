import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { requireVisibleOrg } from './access.ts';
import { consumptionPage, parseConsumptionQuery, requireEligiblePlan, requireRangeFits } from './consumption.ts';
import { neonRoute, type NeonRouteDeps } from './route-kit.ts';

/**
 * The consumption routes (docs/providers/neon.md §7). After the key (401) and rate limits
 * (429, including the 30-per-minute consumption bucket of §6), checks run in this order: every
 * parameter decoded (400), the org visible to the key (404; a project-scoped key gets the
 * `outside the project` 404 of the org routes), the plan eligible (403), the range fits the
 * granularity (406), and the cursor (400).
 */
export function mountConsumptionRoutes(app: Hono<SimEnv>, deps: NeonRouteDeps): void {
  // getConsumptionHistoryPerProjectV2
  neonRoute(app, deps, 'GET', '/consumption_history/v2/projects', ({ caller, state, query }) => {
    const q = parseConsumptionQuery(query);
    const org = requireVisibleOrg(state, caller, q.orgId);
    requireEligiblePlan(org);
    requireRangeFits(q);
    return consumptionPage(state, org, q);
  });
}
