import type { GithubCopilotState } from './state.ts';
import type { GithubOrg, GithubSeat, GithubTeam, GithubUser } from './seed-schema.ts';

/**
 * GitHub's wire shapes, rendered from seed entities: `simple-user`, `team`, `organization-full`
 * (the public part), `copilot-seat-details` and `copilot-organization-details`. Hypermedia URLs
 * point at the simulator's own origin so a client can follow them; HTML URLs at github.com.
 */

/** A stable, plausible GraphQL node id for an account or team. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`tessera:${id}`).toString('base64url')}`;
}

export function simpleUser(user: GithubUser, origin: string): Record<string, unknown> {
  const api = `${origin}/users/${user.login}`;
  return {
    ...(user.name !== undefined ? { name: user.name } : {}),
    ...(user.email !== undefined ? { email: user.email } : {}),
    login: user.login,
    id: user.id,
    node_id: user.node_id ?? nodeId('U', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: user.site_admin,
  };
}

/** The account dates `publicUser` reports. */
export const USER_CREATED_AT = '2020-01-01T00:00:00Z';

/**
 * `GET /user` as GitHub's `public-user` (user_view_type "public"): simple-user plus the profile
 * fields, every one present (null when the seed does not set it). Seeds carry no account dates,
 * so `created_at`/`updated_at` are a fixed, plausible date.
 */
export function publicUser(user: GithubUser, origin: string): Record<string, unknown> {
  const { name: _name, email: _email, ...simple } = simpleUser(user, origin);
  return {
    ...simple,
    name: user.name ?? null,
    company: null,
    blog: '',
    location: null,
    email: user.email ?? null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: USER_CREATED_AT,
    updated_at: USER_CREATED_AT,
  };
}

export function teamObject(team: GithubTeam, org: GithubOrg, origin: string): Record<string, unknown> {
  const api = `${origin}/organizations/${org.id}/team/${team.id}`;
  return {
    id: team.id,
    node_id: nodeId('T', team.id),
    url: api,
    html_url: `https://github.com/orgs/${org.login}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: team.privacy,
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    parent: null,
    // Required by the `team` schema since GitHub added enterprise-owned teams.
    type: 'organization',
    organization_id: org.id,
  };
}

/** `copilot-seat-details`, keys in the order GitHub's example uses. */
export function seatDetails(seat: GithubSeat, state: GithubCopilotState, origin: string): Record<string, unknown> {
  const org = state.org(seat.org)!;
  const user = state.user(seat.user)!;
  const team = seat.assigning_team === null ? undefined : state.team(seat.org, seat.assigning_team);
  return {
    created_at: seat.created_at,
    ...(seat.updated_at !== undefined ? { updated_at: seat.updated_at } : {}),
    pending_cancellation_date: seat.pending_cancellation_date,
    last_activity_at: seat.last_activity_at,
    last_activity_editor: seat.last_activity_editor,
    last_authenticated_at: seat.last_authenticated_at,
    plan_type: seat.plan_type,
    assignee: simpleUser(user, origin),
    assigning_team: team ? teamObject(team, org, origin) : null,
  };
}

/** `GET /orgs/{org}`: the fields GitHub shows any authenticated caller. */
export function organizationFull(org: GithubOrg, origin: string): Record<string, unknown> {
  const api = `${origin}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: org.node_id ?? nodeId('O', org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: org.description,
    name: org.name,
    company: null,
    blog: org.blog,
    location: org.location,
    email: org.email,
    twitter_username: null,
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `https://github.com/${org.login}`,
    created_at: org.created_at,
    updated_at: org.updated_at,
    archived_at: null,
    type: 'Organization',
  };
}

/** `GET /orgs/{org}/copilot/billing`: the seat breakdown counted from the live seats. */
export function copilotOrganizationDetails(org: GithubOrg, seats: GithubSeat[]): Record<string, unknown> {
  const cycleStart = Date.parse(`${org.billing_cycle_start}T00:00:00Z`);
  const active = seats.filter((s) => s.last_activity_at !== null && Date.parse(s.last_activity_at) >= cycleStart).length;
  return {
    seat_breakdown: {
      total: seats.length,
      added_this_cycle: seats.filter((s) => Date.parse(s.created_at) >= cycleStart).length,
      pending_cancellation: seats.filter((s) => s.pending_cancellation_date !== null).length,
      pending_invitation: 0,
      active_this_cycle: active,
      inactive_this_cycle: seats.length - active,
    },
    public_code_suggestions: 'block',
    ide_chat: 'enabled',
    platform_chat: 'enabled',
    cli: 'enabled',
    seat_management_setting: org.seat_management_setting,
    plan_type: org.copilot_plan_type,
  };
}
