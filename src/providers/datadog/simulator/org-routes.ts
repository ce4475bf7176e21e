import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { DatadogApiError, MESSAGES } from './errors.ts';
import { datadogRoute, type DatadogRouteDeps } from './route-kit.ts';
import { organization } from './wire.ts';

/**
 * v1 routes beside the usage API: key validation and the managed organizations
 * (docs/providers/sources-additions.md §2.5). A parent-level organization's keys see the parent and
 * its child orgs (what "managed organizations" means for a multi-org account [inferred]); a child
 * org's keys see only their own org.
 */
export function mountOrgRoutes(app: Hono<SimEnv>, deps: DatadogRouteDeps): void {
  // GET /api/v1/validate checks the API key alone (no application key), as Datadog documents.
  datadogRoute(app, deps, '/api/v1/validate', { appKey: false }, () => ({ valid: true }));
  datadogRoute(app, deps, '/api/v1/org', { bucket: 'org' }, (req) => ({ orgs: req.state.withDescendants(req.org).map(organization) }));
  datadogRoute(app, deps, '/api/v1/org/:public_id', { bucket: 'org' }, (req) => {
    const target = req.state.withDescendants(req.org).find((o) => o.public_id === req.param('public_id'));
    if (!target) throw new DatadogApiError(404, MESSAGES.notFound);
    return { org: organization(target) };
  });
}
