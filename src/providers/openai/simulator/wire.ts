import type { OpenAIInvite, OpenAIProject, OpenAIUser } from './seed-schema.ts';
import type { OpenAIState } from './state.ts';

/**
 * OpenAI's wire shapes for the admin objects (docs/providers/sources.md §4.2–§4.4), keys in
 * the order OpenAI's spec examples use. Nullable fields are sent as null, never left out.
 */

export function organizationUser(u: OpenAIUser, state: OpenAIState) {
  return {
    object: 'organization.user',
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    added_at: u.added_at,
    created: u.created,
    api_key_last_used_at: u.api_key_last_used_at,
    is_default: u.is_default,
    is_service_account: u.is_service_account,
    is_scim_managed: u.is_scim_managed,
    is_scale_tier_authorized_purchaser: u.is_scale_tier_authorized_purchaser,
    technical_level: u.technical_level,
    developer_persona: u.developer_persona,
    projects: { object: 'list', data: state.projectsOf(u.id) },
    user: {
      object: 'user',
      id: u.id,
      name: u.name,
      email: u.email,
      picture: u.picture,
      enabled: u.enabled,
      banned: u.banned,
      banned_at: null,
    },
  };
}

export function invite(i: OpenAIInvite) {
  return {
    object: 'organization.invite',
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status,
    created_at: i.created_at,
    expires_at: i.expires_at,
    accepted_at: i.accepted_at,
    projects: i.projects,
  };
}

export function project(p: OpenAIProject) {
  return {
    id: p.id,
    object: 'organization.project',
    name: p.name,
    created_at: p.created_at,
    archived_at: p.archived_at,
    status: p.archived_at === null ? 'active' : 'archived',
    external_key_id: p.external_key_id,
  };
}

/** `{object:"list", data, first_id, last_id, has_more}`: last_id is the last returned item's id (the SDK pages with it). */
export function cursorList<T extends { id: string }>(data: T[], hasMore: boolean) {
  return {
    object: 'list',
    data,
    first_id: data.length ? data[0].id : null,
    last_id: data.length ? data[data.length - 1].id : null,
    has_more: hasMore,
  };
}
