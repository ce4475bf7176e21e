import { formatCents } from './pricing.ts';
import type { AnthropicInvite, AnthropicSeed, AnthropicSpendLimit, AnthropicUser, AnthropicWorkspace } from './seed-schema.ts';
import type { ActivityDay } from './state.ts';

/**
 * Anthropic's JSON shapes, field for field as `@anthropic-ai/sdk@1.14.0` types them
 * (`src/resources/organization/*.ts`; docs/providers/sources.md §5.2, §5.3).
 */

export function organizationInfo(seed: AnthropicSeed) {
  return { id: seed.organization.id, name: seed.organization.name, type: 'organization' as const };
}

export function organizationUser(u: AnthropicUser) {
  return { type: 'user' as const, id: u.id, email: u.email, name: u.name, role: u.role, added_at: u.added_at };
}

export function organizationInvite(i: AnthropicInvite) {
  return {
    type: 'invite' as const,
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status,
    invited_at: i.invited_at,
    expires_at: i.expires_at,
    accepted_at: i.accepted_at,
    rbac_group_ids: i.rbac_group_ids,
  };
}

export function workspace(w: AnthropicWorkspace) {
  return {
    type: 'workspace' as const,
    id: w.id,
    name: w.name,
    created_at: w.created_at,
    archived_at: w.archived_at,
    display_color: w.display_color,
    // The encryption compartment is a per-workspace constant; derived so seeds need not carry it.
    compartment_id: `cmpt_${w.id.slice('wrkspc_'.length)}`,
    data_residency: { allowed_inference_geos: 'unrestricted' as const, default_inference_geo: 'global' as const, workspace_geo: 'us' as const },
    external_key_id: null,
    tags: {},
    user_profile_id: null,
  };
}

/** One row of `GET spend_limits/effective` (SDK `SpendSummary`). */
export function spendSummary(limit: AnthropicSpendLimit, user: AnthropicUser, periodToDateMilli: bigint) {
  const source =
    limit.source === 'user'
      ? { type: 'user' as const, user_id: user.id }
      : limit.source === 'seat_tier'
        ? { type: 'seat_tier' as const, seat_tier: limit.seat_tier }
        : { type: 'organization' as const };
  return {
    actor: { type: 'user_actor' as const, user_id: user.id, email_address: user.email, name: user.name || null, deleted: false },
    amount: limit.amount,
    currency: limit.currency,
    period: limit.period,
    period_to_date_spend: formatCents(periodToDateMilli),
    scope: { type: 'user' as const, user_id: user.id },
    source,
    spend_limit_id: limit.id,
  };
}

const toolCounts = () => ({ accepted_count: 0, rejected_count: 0 });
const officeProduct = () => ({
  connectors_used_count: 0,
  distinct_connectors_used_count: 0,
  distinct_session_count: 0,
  distinct_skills_used_count: 0,
  message_count: 0,
  skills_used_count: 0,
});

/**
 * One row of `GET analytics/users` (SDK `AnalyticsUserActivity`). The seed has API usage only, so
 * the metrics are derived from it deterministically: a usage record counts as one chat message,
 * Opus records as thinking messages, web searches as they are; Claude Code counters follow output
 * volume. `last_activity_date` is the latest active day in the window, or null when there is none.
 */
export function analyticsUserActivity(user: AnthropicUser, a: ActivityDay | undefined, lastActivityDate: string | null) {
  const messages = a?.records ?? 0;
  const kilo = Math.floor((a?.output_tokens ?? 0) / 1000);
  return {
    user: { id: user.id, email_address: user.email, type: 'user' as const },
    last_activity_date: lastActivityDate,
    distinct_user_count: null,
    web_search_count: a?.web_search_requests ?? 0,
    chat_metrics: {
      connectors_used_count: 0,
      distinct_artifacts_created_count: 0,
      distinct_connectors_used_count: 0,
      distinct_conversation_count: Math.ceil(messages / 2),
      distinct_files_uploaded_count: 0,
      distinct_projects_created_count: 0,
      distinct_projects_used_count: 0,
      distinct_shared_artifacts_viewed_count: 0,
      distinct_skills_used_count: 0,
      message_count: messages,
      shared_conversations_viewed_count: 0,
      thinking_message_count: a?.opus_records ?? 0,
    },
    claude_code_metrics: {
      core_metrics: {
        artifacts_created_count: 0,
        commit_count: Math.floor(kilo / 50),
        distinct_session_count: messages > 0 ? 1 : 0,
        lines_of_code: { added_count: kilo * 3, removed_count: kilo },
        pull_request_count: Math.floor(kilo / 200),
      },
      tool_actions: { edit_tool: toolCounts(), multi_edit_tool: toolCounts(), notebook_edit_tool: toolCounts(), write_tool: toolCounts() },
    },
    cowork_metrics: {
      action_count: 0,
      artifacts_created_count: 0,
      connectors_used_count: 0,
      dispatch_turn_count: 0,
      distinct_connectors_used_count: 0,
      distinct_plugins_used_count: null,
      distinct_session_count: 0,
      distinct_skills_used_count: 0,
      edit_tool_count: null,
      file_edit_count: null,
      message_count: 0,
      multi_edit_tool_count: null,
      notebook_edit_tool_count: null,
      plugins_used_count: null,
      sessions_with_file_edits_count: null,
      skills_used_count: 0,
      write_tool_count: null,
    },
    design_metrics: { distinct_projects_created_count: 0, distinct_projects_used_count: 0, distinct_session_count: 0, message_count: 0 },
    office_metrics: { excel: officeProduct(), outlook: officeProduct(), powerpoint: officeProduct(), word: officeProduct() },
    science_metrics: { delegation_count: 0, distinct_session_count: 0, message_count: 0, remote_compute_job_count: 0, skills_used_count: 0 },
  };
}
