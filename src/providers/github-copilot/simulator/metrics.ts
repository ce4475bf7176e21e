import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import type { GithubOrg, GithubSeat } from './seed-schema.ts';

/**
 * Copilot usage metrics reports (docs/providers/sources.md §7.3, sources-additions.md §2.4): one
 * line per seat holder per active day, as GitHub's `users-1-day` NDJSON files hold them, and the
 * `organization-1-day` totals. Lines are computed, not stored: a pure function of (the seed's
 * `copilot_metrics.random_seed`, org, login, day), so a year of history costs no memory and every
 * read of a day is the same. Every count is an integer, and every total is the sum of its parts:
 * a line's top-level counts are the sums of its `totals_by_feature` (and of its one IDE's), and
 * the organization's counts are the sums of the day's user lines.
 */

/** GitHub: "Reports are available starting from October 10, 2025". */
export const METRICS_FIRST_DAY = '2025-10-10';
/** GitHub: "historical data can be accessed for up to 1 year from the current date". */
export const METRICS_HISTORY_DAYS = 365;
/** Lines per NDJSON file: a day of a larger org is served as several files (several links). */
export const METRICS_LINES_PER_FILE = 100;

const DAY_MS = 86_400_000;
const COUNTS = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
] as const;
type Counts = Record<(typeof COUNTS)[number], number>;

const IDES = [
  { ide: 'vscode', plugin: 'copilot-chat', version: '0.33.2', ide_version: '1.106.1', weight: 12 },
  { ide: 'intellij', plugin: 'copilot-intellij', version: '1.5.59', ide_version: '2025.2.4', weight: 4 },
  { ide: 'visualstudio', plugin: 'copilot-vs', version: '17.14.1', ide_version: '17.14.19', weight: 2 },
  { ide: 'xcode', plugin: 'copilot-xcode', version: '0.44.0', ide_version: '26.1', weight: 1 },
] as const;
const LANGUAGES = ['typescript', 'python', 'go', 'java', 'csharp', 'rust', 'ruby'] as const;
const MODELS = ['gpt-4.1', 'claude-sonnet-4.5', 'gpt-5', 'gemini-2.5-pro'] as const;

export interface MetricsFeatureTotals extends Counts {
  feature: string;
}

export interface CopilotUserDayLine extends Counts {
  day: string;
  organization_id: string;
  user_id: number;
  user_login: string;
  used_chat: boolean;
  used_agent: boolean;
  used_cli: boolean;
  ai_credits_used: number;
  totals_by_feature: MetricsFeatureTotals[];
  totals_by_ide: (Counts & { ide: string; last_known_plugin_version: Record<string, string>; last_known_ide_version: Record<string, string> })[];
  totals_by_language_feature: (Counts & { language: string; feature: string })[];
  totals_by_model_feature: (Counts & { model: string; feature: string })[];
  totals_by_cli?: {
    session_count: number;
    request_count: number;
    prompt_count: number;
    token_usage: { prompt_tokens_sum: number; output_tokens_sum: number; avg_tokens_per_request: number };
    last_known_cli_version: { sampled_at: string; cli_version: string };
  };
}

/** FNV-1a over the key: a stable 32-bit seed per (random seed, org, login[, day]). */
function hash(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

const zero = (): Counts => Object.fromEntries(COUNTS.map((k) => [k, 0])) as Counts;
const add = (into: Counts, from: Counts) => COUNTS.forEach((k) => (into[k] += from[k]));

/** A user's habits, fixed across days: IDE, language, model, whether they use agents and the CLI, how busy. */
function profileOf(randomSeed: number, org: string, login: string) {
  const rng = createPrng(hash(randomSeed, 'profile', org.toLowerCase(), login.toLowerCase()));
  let roll = rng.next() * IDES.reduce((n, i) => n + i.weight, 0);
  const ide = IDES.find((i) => (roll -= i.weight) < 0) ?? IDES[0];
  return { ide, language: rng.pick(LANGUAGES), model: rng.pick(MODELS), agent: rng.chance(0.45), cli: rng.chance(0.2), busy: 0.5 + rng.next() * 1.5 };
}

function feature(rng: Prng, name: string, interactions: number, gens: number, acceptShare: number, deletes: boolean): MetricsFeatureTotals {
  const accepts = Math.round(gens * acceptShare);
  const suggested = gens * rng.int(2, 6);
  const added = Math.min(suggested, accepts * rng.int(1, 5));
  const suggestedDelete = deletes ? rng.int(0, gens) : 0;
  return {
    feature: name,
    user_initiated_interaction_count: interactions,
    code_generation_activity_count: gens,
    code_acceptance_activity_count: accepts,
    loc_suggested_to_add_sum: suggested,
    loc_suggested_to_delete_sum: suggestedDelete,
    loc_added_sum: added,
    loc_deleted_sum: Math.min(suggestedDelete, rng.int(0, suggestedDelete)),
  };
}

/**
 * The user's line for `day`, or undefined when they did not use Copilot that day (busy on
 * weekdays, rare at weekends). Seats never used (`last_activity_at` null) and seats granted after
 * the day have no lines.
 */
export function userDayLine(randomSeed: number, org: GithubOrg, seat: GithubSeat, userId: number, day: string): CopilotUserDayLine | undefined {
  if (seat.last_activity_at === null || seat.created_at.slice(0, 10) > day) return undefined;
  const p = profileOf(randomSeed, org.login, seat.user);
  const rng = createPrng(hash(randomSeed, org.login.toLowerCase(), seat.user.toLowerCase(), day));
  const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
  if (!rng.chance(weekend ? 0.12 : 0.6)) return undefined;
  const scale = (n: number) => Math.max(0, Math.round(n * p.busy));
  const features = [feature(rng, 'code_completion', 0, scale(rng.int(4, 60)), 0.2 + rng.next() * 0.25, false)];
  const asks = scale(rng.int(0, 10));
  if (asks > 0) features.push(feature(rng, 'chat_panel_ask_mode', asks, rng.int(0, asks * 2), 0.3 + rng.next() * 0.4, false));
  const agentTurns = p.agent ? scale(rng.int(0, 8)) : 0;
  if (agentTurns > 0) {
    features.push(feature(rng, 'chat_panel_agent_mode', agentTurns, agentTurns * rng.int(1, 4), 0.5 + rng.next() * 0.4, true));
    features.push(feature(rng, 'agent_edit', 0, rng.int(1, agentTurns * 3), 0.6 + rng.next() * 0.35, true));
  }
  const total = zero();
  features.forEach((f) => add(total, f));
  const cliToday = p.cli && rng.chance(0.5);
  const sampledAt = `${day}T${String(rng.int(8, 19)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00Z`;
  const cli = cliToday
    ? (() => {
        const requests = rng.int(2, 40);
        const prompt = requests * rng.int(800, 3000);
        const output = requests * rng.int(100, 600);
        return {
          session_count: rng.int(1, 4),
          request_count: requests,
          prompt_count: rng.int(1, requests),
          token_usage: { prompt_tokens_sum: prompt, output_tokens_sum: output, avg_tokens_per_request: Math.round((prompt + output) / requests) },
          last_known_cli_version: { sampled_at: sampledAt, cli_version: '0.0.354' },
        };
      })()
    : undefined;
  const chatFeatures = features.filter((f) => f.feature.startsWith('chat_panel'));
  return {
    day,
    organization_id: String(org.id),
    user_id: userId,
    user_login: seat.user,
    ...total,
    used_chat: asks > 0,
    used_agent: agentTurns > 0,
    used_cli: cliToday,
    // AI credits (billed from 2026-06-01 at $0.01): chat and agent turns and CLI requests; completions are flat-fee.
    ai_credits_used: day >= '2026-06-01' ? total.user_initiated_interaction_count * 2 + (cli?.request_count ?? 0) * 3 : 0,
    totals_by_feature: features,
    totals_by_ide: [
      {
        ide: p.ide.ide,
        ...total,
        last_known_plugin_version: { sampled_at: sampledAt, plugin: p.ide.plugin, plugin_version: p.ide.version },
        last_known_ide_version: { sampled_at: sampledAt, ide_version: p.ide.ide_version },
      },
    ],
    totals_by_language_feature: features.map(({ feature: f, ...counts }) => ({ language: p.language, feature: f, ...counts })),
    totals_by_model_feature: chatFeatures.map(({ feature: f, ...counts }) => ({ model: p.model, feature: f, ...counts })),
    ...(cli ? { totals_by_cli: cli } : {}),
  };
}

/** `YYYY-MM-DD` minus `days` days. */
export const daysBefore = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);

/**
 * The `organization-1-day` record: the day's user lines summed (counts, per feature, per IDE),
 * active users that day, and distinct active users in the 7 and 28 days ending that day.
 */
export function organizationDay(org: GithubOrg, day: string, linesOf: (day: string) => CopilotUserDayLine[]): Record<string, unknown> {
  const lines = linesOf(day);
  const total = zero();
  const byFeature = new Map<string, MetricsFeatureTotals>();
  const byIde = new Map<string, Counts & { ide: string }>();
  let credits = 0;
  for (const line of lines) {
    add(total, line);
    credits += line.ai_credits_used;
    for (const f of line.totals_by_feature) add(byFeature.get(f.feature) ?? byFeature.set(f.feature, { feature: f.feature, ...zero() }).get(f.feature)!, f);
    for (const i of line.totals_by_ide) add(byIde.get(i.ide) ?? byIde.set(i.ide, { ide: i.ide, ...zero() }).get(i.ide)!, i);
  }
  const window = (days: number, keep: (l: CopilotUserDayLine) => boolean = () => true) => {
    const users = new Set<number>();
    for (let d = 0; d < days; d++) for (const l of linesOf(daysBefore(day, d))) if (keep(l)) users.add(l.user_id);
    return users.size;
  };
  return {
    day,
    organization_id: String(org.id),
    daily_active_users: lines.length,
    weekly_active_users: window(7),
    monthly_active_users: window(28),
    monthly_active_chat_users: window(28, (l) => l.used_chat),
    monthly_active_agent_users: window(28, (l) => l.used_agent),
    ...total,
    ai_credits_used: credits,
    totals_by_feature: [...byFeature.values()].sort((a, b) => (a.feature < b.feature ? -1 : 1)),
    totals_by_ide: [...byIde.values()].sort((a, b) => (a.ide < b.ide ? -1 : 1)),
  };
}
