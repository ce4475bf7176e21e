import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { mountBillingRoutes } from './billing-routes.ts';
import { mountMetricsRoutes } from './metrics-routes.ts';
import { DOCS, GithubApiError, MESSAGES } from './errors.ts';
import { linkHeader, parsePaging } from './paging.ts';
import { githubRoute, type GithubRequest, type GithubRouteDeps } from './route-kit.ts';
import type { GithubOrg } from './seed-schema.ts';
import { copilotOrganizationDetails, organizationFull, publicUser, seatDetails } from './wire.ts';

/** Scopes GitHub accepts for the Copilot seat-management endpoints (docs/providers/sources.md §7.2). */
const COPILOT_SCOPES = ['manage_billing:copilot', 'read:org'];

function requireOrg(req: GithubRequest, login: string, docs: string): GithubOrg {
  const org = req.state.org(login);
  if (!org) throw new GithubApiError(404, MESSAGES.notFound, docs);
  return org;
}

/**
 * Copilot billing is for organization owners. An org the caller does not belong to is a 404, so
 * private membership does not leak; a member who is not an owner gets 403.
 */
function requireOwner(req: GithubRequest, org: GithubOrg, docs: string): void {
  const membership = req.state.membership(org.login, req.caller.user.login);
  if (!membership) throw new GithubApiError(404, MESSAGES.notFound, docs);
  if (membership.role !== 'admin') throw new GithubApiError(403, MESSAGES.notOwner, docs);
}

function listSeats(req: GithubRequest, org: GithubOrg) {
  requireOwner(req, org, DOCS.listSeats);
  const paging = parsePaging(req.query, req.behaviour.perPageAboveMax, DOCS.listSeats);
  const seats = req.state.seats(org.login);
  const start = (paging.page - 1) * paging.perPage;
  const base = new URL(req.url.href);
  if (req.behaviour.linkPathStyle === 'organization-id') base.pathname = `/organizations/${org.id}/copilot/billing/seats`;
  const link = linkHeader(base, paging, seats.length);
  return {
    body: { total_seats: seats.length, seats: seats.slice(start, start + paging.perPage).map((s) => seatDetails(s, req.state, req.origin)) },
    headers: link ? { link } : undefined,
  };
}

export function mountApiRoutes(app: Hono<SimEnv>, deps: GithubRouteDeps): void {
  githubRoute(app, deps, '/user', { docs: DOCS.authenticatedUser }, (req) => ({ body: publicUser(req.caller.user, req.origin) }));

  githubRoute(app, deps, '/orgs/:org', { docs: DOCS.getOrg }, (req) => ({
    body: organizationFull(requireOrg(req, req.param('org'), DOCS.getOrg), req.origin),
  }));

  githubRoute(app, deps, '/orgs/:org/copilot/billing', { docs: DOCS.billing, acceptedScopes: COPILOT_SCOPES }, (req) => {
    const org = requireOrg(req, req.param('org'), DOCS.billing);
    requireOwner(req, org, DOCS.billing);
    return { body: copilotOrganizationDetails(org, req.state.seats(org.login)) };
  });

  githubRoute(app, deps, '/orgs/:org/copilot/billing/seats', { docs: DOCS.listSeats, acceptedScopes: COPILOT_SCOPES }, (req) =>
    listSeats(req, requireOrg(req, req.param('org'), DOCS.listSeats)),
  );

  // Where GitHub's Link headers point: the same list, addressed by the org's numeric id.
  githubRoute(app, deps, '/organizations/:orgId/copilot/billing/seats', { docs: DOCS.listSeats, acceptedScopes: COPILOT_SCOPES }, (req) => {
    const id = req.param('orgId');
    const org = /^\d+$/.test(id) ? req.state.orgById(Number(id)) : undefined;
    if (!org) throw new GithubApiError(404, MESSAGES.notFound, DOCS.listSeats);
    return listSeats(req, org);
  });

  githubRoute(app, deps, '/orgs/:org/members/:username/copilot', { docs: DOCS.getSeat, acceptedScopes: COPILOT_SCOPES }, (req) => {
    const org = requireOrg(req, req.param('org'), DOCS.getSeat);
    requireOwner(req, org, DOCS.getSeat);
    const seat = req.state.seat(org.login, req.param('username'));
    if (!seat) throw new GithubApiError(404, MESSAGES.notFound, DOCS.getSeat);
    return { body: seatDetails(seat, req.state, req.origin) };
  });

  // The enhanced billing platform: premium-request usage and budgets (docs/providers/sources.md §7.4).
  mountBillingRoutes(app, deps);
  // Copilot usage metrics reports and their download files (docs/providers/sources.md §7.3).
  mountMetricsRoutes(app, deps);
}
