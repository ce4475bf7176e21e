import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { accountIdOf } from './caller.ts';
import { currentUserInfo, realisticCurrentUserInfo } from './current-user-info.ts';
import { MESSAGES, NeonApiError } from './errors.ts';
import { neonRoute, type NeonRouteDeps } from './route-kit.ts';

/** `/auth`, `/users/me` and `/users/me/organizations`: who the key belongs to (docs/providers/neon.md §2). */
export function mountUserRoutes(app: Hono<SimEnv>, deps: NeonRouteDeps): void {
  // getAuthDetails. A project key reports its creating admin as an `api_key_user` (docs/providers/neon.md §9).
  neonRoute(app, deps, 'GET', '/auth', ({ caller }) => ({
    account_id: accountIdOf(caller),
    auth_method: caller.kind === 'org' ? 'api_key_org' : 'api_key_user',
  }));

  // getCurrentUserInfo
  neonRoute(app, deps, 'GET', '/users/me', ({ caller, state, behaviour }) => {
    if (caller.kind === 'org') throw new NeonApiError(403, MESSAGES.orgKeyNotAllowed);
    if (caller.kind === 'project') throw new NeonApiError(404, MESSAGES.outsideProject);
    const user = state.users.get(caller.userId)!;
    if (behaviour.realisticUserMe) return realisticCurrentUserInfo(user);
    // The billing account belongs to the user's first org; its limit is the nearest real value.
    const firstOrg = state.orgsOfUser(user.id)[0];
    return currentUserInfo(user, firstOrg ? (state.spendingLimits.get(firstOrg.id) ?? null) : null);
  });

  // getCurrentUserOrganizations. Since 2.7.3 org and project keys get their owning org.
  neonRoute(app, deps, 'GET', '/users/me/organizations', ({ caller, state, behaviour }) => {
    if (caller.kind === 'user') return { organizations: structuredClone(state.orgsOfUser(caller.userId)) };
    if (caller.kind === 'org' && behaviour.orgKeyUsersMeOrganizations === 'legacy-403') {
      throw new NeonApiError(403, MESSAGES.orgKeyNotAllowed);
    }
    return { organizations: [structuredClone(state.orgs.get(caller.orgId)!)] };
  });
}
