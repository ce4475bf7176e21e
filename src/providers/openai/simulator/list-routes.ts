import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { MESSAGES, OpenAIApiError } from './errors.ts';
import { badParam, type Params } from './params.ts';
import { openaiRoute, type OpenAIRouteDeps } from './route-kit.ts';
import { cursorList, invite, organizationUser, project } from './wire.ts';

/**
 * The admin cursor lists and their single-object reads (docs/providers/sources.md
 * §4.2–§4.4): users, invites, projects. `limit` 1–100 (default 20), `after` an object id
 * (exclusive), answered as `{object:"list", data, first_id, last_id, has_more}`.
 */
export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

/** One page after `after`, in the list's own order. */
export function pageOf<T extends { id: string }>(items: T[], params: Params): { data: T[]; hasMore: boolean } {
  const limit = params.integer('limit', { min: 1, max: LIST_LIMIT_MAX }) ?? LIST_LIMIT_DEFAULT;
  const after = params.string('after');
  let start = 0;
  if (after) {
    const at = items.findIndex((i) => i.id === after);
    if (at === -1) throw badParam('after', MESSAGES.invalidAfter(after));
    start = at + 1;
  }
  const data = items.slice(start, start + limit);
  return { data, hasMore: start + limit < items.length };
}

export function mountListRoutes(app: Hono<SimEnv>, deps: OpenAIRouteDeps): void {
  openaiRoute(app, deps, '/v1/organization/users', 'api.management.read', ({ state, params }) => {
    const emails = params.array('emails').map((e) => e.toLowerCase());
    const users = emails.length ? state.users.filter((u) => u.email !== null && emails.includes(u.email.toLowerCase())) : state.users;
    const page = pageOf(users, params);
    return cursorList(
      page.data.map((u) => organizationUser(u, state)),
      page.hasMore,
    );
  });

  openaiRoute(app, deps, '/v1/organization/users/:user_id', 'api.management.read', ({ state, param }) => {
    const user = state.user(param('user_id'));
    if (!user) throw new OpenAIApiError(404, MESSAGES.notFound('user', param('user_id')));
    return organizationUser(user, state);
  });

  openaiRoute(app, deps, '/v1/organization/invites', 'api.management.read', ({ state, params }) => {
    const page = pageOf(state.invites, params);
    return cursorList(page.data.map(invite), page.hasMore);
  });

  openaiRoute(app, deps, '/v1/organization/invites/:invite_id', 'api.management.read', ({ state, param }) => {
    const found = state.invites.find((i) => i.id === param('invite_id'));
    if (!found) throw new OpenAIApiError(404, MESSAGES.notFound('invite', param('invite_id')));
    return invite(found);
  });

  openaiRoute(app, deps, '/v1/organization/projects', 'api.management.read', ({ state, params }) => {
    // Archived projects are listed only on request (include_archived, default false).
    const projects = params.boolean('include_archived') ? state.projects : state.projects.filter((p) => p.archived_at === null);
    const page = pageOf(projects, params);
    return cursorList(page.data.map(project), page.hasMore);
  });

  openaiRoute(app, deps, '/v1/organization/projects/:project_id', 'api.management.read', ({ state, param }) => {
    const found = state.project(param('project_id'));
    if (!found) throw new OpenAIApiError(404, MESSAGES.notFound('project', param('project_id')));
    return project(found);
  });
}
