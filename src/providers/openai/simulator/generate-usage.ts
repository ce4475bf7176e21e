import type { Prng } from '../../../simulator-kit/prng.ts';
import type { OpenAIProject, OpenAIProjectKey, OpenAIUser, UsageRecord } from './seed-schema.ts';

/**
 * Deterministic daily usage for seeds: the same PRNG state always gives the same records, byte for
 * byte. One record per (day, project, user's key, model) and kind, shaped after real traffic
 * (weekends quieter, owners heavier users, cached input a share of input), never touching the
 * real clock.
 */

export const DAY_S = 86_400;

export interface UsagePlan {
  /** Unix seconds of the first day's midnight (UTC). */
  firstDay: number;
  days: number;
  users: OpenAIUser[];
  projects: OpenAIProject[];
  keys: OpenAIProjectKey[];
  /** Per user id: the last day (unix midnight) the user may have usage (deactivated users). */
  lastActiveDay?: Record<string, number>;
}

/** The models each user draws from (chat models by taste, then the org's shared ones). */
const CHAT_MODELS = ['gpt-4o', 'gpt-4o-mini', 'o3'] as const;

export const isoDate = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

export function generateUsage(rng: Prng, plan: UsagePlan): UsageRecord[] {
  const out: UsageRecord[] = [];
  const keyOf = new Map(plan.keys.filter((k) => k.user_id).map((k) => [`${k.user_id} ${k.project_id}`, k.id]));
  // A stable taste per user: one main chat model and how heavy a user they are.
  const taste = new Map(plan.users.map((u) => [u.id, { main: rng.pick(CHAT_MODELS), weight: u.role === 'owner' ? 2 : rng.int(5, 15) / 10 }]));
  const storage = new Map(plan.projects.map((p) => [p.id, rng.int(50, 400) * 1_000_000]));

  for (let d = 0; d < plan.days; d++) {
    const day = plan.firstDay + d * DAY_S;
    const date = isoDate(day);
    const weekday = new Date(day * 1000).getUTCDay();
    const load = weekday === 0 || weekday === 6 ? 0.35 : 1;
    const live = plan.projects.filter((p) => p.created_at < day + DAY_S && (p.archived_at === null || p.archived_at > day));

    for (const project of live) {
      for (const member of project.members) {
        const user = plan.users.find((u) => u.id === member.user_id)!;
        const last = plan.lastActiveDay?.[user.id];
        if (user.added_at >= day + DAY_S || (last !== undefined && day > last)) continue;
        if (!rng.chance(0.75 * load)) continue;
        const base = { date, project_id: project.id, user_id: user.id, api_key_id: keyOf.get(`${user.id} ${project.id}`) ?? null };
        const t = taste.get(user.id)!;
        const models = new Set<string>([t.main]);
        if (rng.chance(0.4)) models.add(rng.pick(CHAT_MODELS));
        for (const model of models) {
          const input = Math.round(rng.int(20_000, 400_000) * t.weight * load);
          const cached = Math.floor((input * rng.int(0, 40)) / 100);
          out.push({
            kind: 'completions',
            ...base,
            model,
            batch: false,
            service_tier: 'default',
            input_tokens: input,
            input_cached_tokens: cached,
            input_cache_write_tokens: 0,
            output_tokens: Math.floor((input * rng.int(8, 30)) / 100),
            num_model_requests: Math.max(1, Math.round(input / rng.int(1_500, 4_000))),
          });
        }
        if (rng.chance(0.3)) {
          const tokens = rng.int(50_000, 2_000_000);
          out.push({
            kind: 'embeddings',
            ...base,
            model: 'text-embedding-3-small',
            input_tokens: tokens,
            num_model_requests: Math.max(1, Math.round(tokens / 8_000)),
          });
        }
        if (rng.chance(0.2))
          out.push({
            kind: 'moderations',
            ...base,
            model: 'omni-moderation-latest',
            input_tokens: rng.int(1_000, 60_000),
            num_model_requests: rng.int(5, 200),
          });
        if (rng.chance(0.08)) {
          const images = rng.int(1, 6);
          out.push({ kind: 'images', ...base, model: 'dall-e-3', size: '1024x1024', source: 'image.generation', images, num_model_requests: images });
        }
        if (rng.chance(0.05))
          out.push({ kind: 'audio_speeches', ...base, model: 'tts-1', characters: rng.int(2_000, 40_000), num_model_requests: rng.int(1, 20) });
        if (rng.chance(0.05))
          out.push({ kind: 'audio_transcriptions', ...base, model: 'whisper-1', seconds: rng.int(60, 3_600), num_model_requests: rng.int(1, 10) });
      }
      // Project-level usage: vector-store bytes (a level that grows) and code interpreter sessions.
      const bytes = storage.get(project.id)! + rng.int(0, 8) * 1_000_000;
      storage.set(project.id, bytes);
      out.push({ kind: 'vector_stores', date, project_id: project.id, usage_bytes: bytes });
      if (rng.chance(0.4 * load)) out.push({ kind: 'code_interpreter_sessions', date, project_id: project.id, num_sessions: rng.int(1, 8) });
    }
  }
  return out;
}

/** When each user last used an API key: 15:00 UTC on their last day with usage, else null. */
export function lastKeyUse(records: UsageRecord[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const r of records) {
    if (!('user_id' in r) || r.user_id === null) continue;
    const at = Date.parse(`${r.date}T15:00:00Z`) / 1000;
    if ((last.get(r.user_id) ?? 0) < at) last.set(r.user_id, at);
  }
  return last;
}
