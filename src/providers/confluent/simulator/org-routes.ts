import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { ConfluentApiError, MESSAGES } from './errors.ts';
import { ORG_PAGE, pageOf, pageOffset, pageSize } from './paging.ts';
import { confluentRoute, type ConfluentRouteDeps } from './route-kit.ts';
import { environmentJson, organizationJson } from './wire.ts';

/**
 * The org/v2 reads the integration uses (docs/providers/sources-additions.md §1.7, §2.0): the
 * environments (Tessera's workspaces) and the organization the API key belongs to. Lists page
 * with `page_size` (default 10, max 100) and `page_token`; `metadata` has `first` and `next`.
 * Any valid key may read them.
 */
export function mountOrgRoutes(app: Hono<SimEnv>, deps: ConfluentRouteDeps): void {
  confluentRoute(app, deps, '/org/v2/environments', ({ state, query, url }) => {
    const size = pageSize(query, ORG_PAGE);
    const scope = 'environments';
    const page = pageOf(state.seed.environments, url, scope, size, pageOffset(query, scope), { first: true });
    return { api_version: 'org/v2', kind: 'EnvironmentList', metadata: page.metadata, data: page.data.map((e) => environmentJson(e, state, url.origin)) };
  });

  confluentRoute(app, deps, '/org/v2/environments/:id', ({ state, url, param }) => {
    const env = state.environments.get(param('id'));
    if (!env) throw new ConfluentApiError(404, MESSAGES.notFound('Environment', param('id')));
    return environmentJson(env, state, url.origin);
  });

  confluentRoute(app, deps, '/org/v2/organizations', ({ state, query, url }) => {
    const size = pageSize(query, ORG_PAGE);
    const scope = 'organizations';
    const page = pageOf([state.seed.organization], url, scope, size, pageOffset(query, scope), { first: true });
    return { api_version: 'org/v2', kind: 'OrganizationList', metadata: page.metadata, data: page.data.map((o) => organizationJson(o, url.origin)) };
  });

  confluentRoute(app, deps, '/org/v2/organizations/:id', ({ state, url, param }) => {
    if (param('id') !== state.seed.organization.id) throw new ConfluentApiError(404, MESSAGES.notFound('Organization', param('id')));
    return organizationJson(state.seed.organization, url.origin);
  });
}
