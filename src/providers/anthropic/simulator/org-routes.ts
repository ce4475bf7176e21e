import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { AnthropicApiError, MESSAGES, invalid } from './errors.ts';
import { pageById } from './paging.ts';
import { anthropicRoute, arrayParam, boolParam, enumArray, type AnthropicRouteDeps } from './route-kit.ts';
import { ROLES } from './seed-schema.ts';
import { organizationInfo, organizationInvite, organizationUser, workspace } from './wire.ts';

/**
 * The organization, its members, invites and workspaces (docs/providers/sources.md §5.2):
 * `GET me`, `GET users[/{id}]`, `GET invites[/{id}]`, `GET workspaces[/{id}]`.
 */
const notFound = () => new AnthropicApiError(404, MESSAGES.notFound);

/** `email` matches normalised and case-insensitively, as the SDK documents for users and invites. */
const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function mountOrgRoutes(app: Hono<SimEnv>, deps: AnthropicRouteDeps): void {
  anthropicRoute(app, deps, '/me', (req) => organizationInfo(req.state.seed));

  anthropicRoute(app, deps, '/users', (req) => {
    const email = req.query.get('email');
    const roles = enumArray(req.query, 'roles', ROLES);
    const users = req.state.users.filter((u) => (!email || sameEmail(u.email, email)) && (!roles.length || roles.includes(u.role)));
    const page = pageById(users, req.query);
    return { ...page, data: page.data.map(organizationUser) };
  });

  anthropicRoute(app, deps, '/users/:id', (req) => {
    const user = req.state.user(req.param('id'));
    if (!user) throw notFound();
    return organizationUser(user);
  });

  anthropicRoute(app, deps, '/invites', (req) => {
    const email = req.query.get('email');
    const roles = enumArray(req.query, 'roles', ROLES);
    // Omitting statuses[] returns pending, accepted and expired invites alike (deleted ones never).
    const statuses = enumArray(req.query, 'statuses', ['pending', 'accepted', 'expired'] as const);
    const wanted: readonly string[] = statuses.length ? statuses : ['pending', 'accepted', 'expired'];
    const invites = req.state.invites.filter(
      (i) => wanted.includes(i.status) && (!email || sameEmail(i.email, email)) && (!roles.length || roles.includes(i.role)),
    );
    const page = pageById(invites, req.query);
    return { ...page, data: page.data.map(organizationInvite) };
  });

  anthropicRoute(app, deps, '/invites/:id', (req) => {
    const invite = req.state.invite(req.param('id'));
    if (!invite || invite.status === 'deleted') throw notFound();
    return organizationInvite(invite);
  });

  anthropicRoute(app, deps, '/workspaces', (req) => {
    const includeArchived = boolParam(req.query, 'include_archived') ?? false;
    const includeDefault = boolParam(req.query, 'include_default') ?? false;
    const ids = arrayParam(req.query, 'ids');
    if (ids.length > 100) throw invalid('ids: List should have at most 100 items');
    const workspaces = req.state.workspaces.filter(
      (w) => (includeArchived || w.archived_at === null) && (includeDefault || !w.is_default) && (!ids.length || ids.includes(w.id)),
    );
    const page = pageById(workspaces, req.query);
    return { ...page, data: page.data.map(workspace) };
  });

  anthropicRoute(app, deps, '/workspaces/:id', (req) => {
    const found = req.state.workspace(req.param('id'));
    if (!found) throw notFound();
    return workspace(found);
  });
}
