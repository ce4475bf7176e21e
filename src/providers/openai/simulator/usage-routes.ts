import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { bucket, bucketEnvelope, bucketPage, COSTS_BUCKET_LIMIT, groupRows, slotShare, USAGE_BUCKET_LIMITS } from './buckets.ts';
import type { Params } from './params.ts';
import { centsToDollars, type CostLine } from './pricing.ts';
import { openaiRoute, type OpenAIRouteDeps } from './route-kit.ts';
import { IMAGE_SIZES, IMAGE_SOURCES, type UsageKind, type UsageRecord } from './seed-schema.ts';
import type { OpenAIState } from './state.ts';

/**
 * `GET /organization/usage/{kind}` and `GET /organization/costs` (docs/providers/sources.md
 * §4.6, §4.7). Seed records are daily; a `1h` or `1m` bucket gets an even integer share of its
 * day (vector-store bytes are a level, so every slot reports the day's value). Results group by
 * the requested keys, with every group key of the kind present and null when not grouped.
 */

interface KindSpec {
  /** The result's `object` discriminator. */
  object: string;
  /** Group keys in the order OpenAI emits them. */
  groupKeys: readonly string[];
  /** Filter parameter → record field. */
  filters: Record<string, string>;
  /** Metrics summed per group, in emission order. */
  metrics: readonly string[];
  /** A level rather than a flow: finer buckets repeat the day's value. */
  gauge?: boolean;
}

const PER_USER = ['project_id', 'user_id', 'api_key_id', 'model'] as const;
const PER_USER_FILTERS = { project_ids: 'project_id', user_ids: 'user_id', api_key_ids: 'api_key_id', models: 'model' };
const PER_PROJECT = { groupKeys: ['project_id'], filters: { project_ids: 'project_id' } } as const;

/** Completions are split into disjoint parts, so every slot's input is the sum of its parts. */
const COMPLETION_PARTS = ['uncached', 'input_cached_tokens', 'input_cache_write_tokens', 'output_tokens', 'num_model_requests'] as const;

export const KIND_SPECS: Record<UsageKind, KindSpec> = {
  completions: {
    object: 'organization.usage.completions.result',
    groupKeys: [...PER_USER, 'batch', 'service_tier'],
    filters: { ...PER_USER_FILTERS, batch: 'batch' },
    metrics: COMPLETION_PARTS,
  },
  embeddings: {
    object: 'organization.usage.embeddings.result',
    groupKeys: PER_USER,
    filters: PER_USER_FILTERS,
    metrics: ['input_tokens', 'num_model_requests'],
  },
  moderations: {
    object: 'organization.usage.moderations.result',
    groupKeys: PER_USER,
    filters: PER_USER_FILTERS,
    metrics: ['input_tokens', 'num_model_requests'],
  },
  images: {
    object: 'organization.usage.images.result',
    groupKeys: ['size', 'source', ...PER_USER],
    filters: { ...PER_USER_FILTERS, sizes: 'size', sources: 'source' },
    metrics: ['images', 'num_model_requests'],
  },
  audio_speeches: {
    object: 'organization.usage.audio_speeches.result',
    groupKeys: PER_USER,
    filters: PER_USER_FILTERS,
    metrics: ['characters', 'num_model_requests'],
  },
  audio_transcriptions: {
    object: 'organization.usage.audio_transcriptions.result',
    groupKeys: PER_USER,
    filters: PER_USER_FILTERS,
    metrics: ['seconds', 'num_model_requests'],
  },
  vector_stores: { object: 'organization.usage.vector_stores.result', ...PER_PROJECT, metrics: ['usage_bytes'], gauge: true },
  code_interpreter_sessions: { object: 'organization.usage.code_interpreter_sessions.result', ...PER_PROJECT, metrics: ['num_sessions'] },
};

const ENUM_FILTERS: Record<string, readonly string[]> = { sizes: IMAGE_SIZES, sources: IMAGE_SOURCES };

function field(r: UsageRecord, name: string): unknown {
  if (name === 'uncached' && r.kind === 'completions') return r.input_tokens - r.input_cached_tokens - r.input_cache_write_tokens;
  return (r as Record<string, unknown>)[name];
}

/** Filters of the request as (record field, accepted values); a completions `batch` filter is a boolean. */
function filtersOf(spec: KindSpec, params: Params): [string, unknown[]][] {
  const out: [string, unknown[]][] = [];
  for (const [param, fieldName] of Object.entries(spec.filters)) {
    if (param === 'batch') {
      const b = params.boolean('batch');
      if (b !== undefined) out.push([fieldName, [b]]);
      continue;
    }
    const values = ENUM_FILTERS[param] ? params.enumArray(param, ENUM_FILTERS[param]) : params.array(param);
    if (values.length) out.push([fieldName, values]);
  }
  return out;
}

/** The wire result of one group: metrics (completions' derived splits included), then the group keys. */
function usageResult(kind: UsageKind, spec: KindSpec, sums: Record<string, number>, values: Record<string, unknown>) {
  let metrics: Record<string, number>;
  if (kind === 'completions') {
    const input = sums.uncached + sums.input_cached_tokens + sums.input_cache_write_tokens;
    // Text only (the seed holds no audio or image tokens). Per OpenAI's spec the per-modality
    // input counts are uncached and exclude cache writes; cached ones have their own fields.
    metrics = {
      input_tokens: input,
      input_cached_tokens: sums.input_cached_tokens,
      input_cache_write_tokens: sums.input_cache_write_tokens,
      input_uncached_tokens: sums.uncached,
      output_tokens: sums.output_tokens,
      input_text_tokens: sums.uncached,
      output_text_tokens: sums.output_tokens,
      input_cached_text_tokens: sums.input_cached_tokens,
      input_audio_tokens: 0,
      input_cached_audio_tokens: 0,
      output_audio_tokens: 0,
      input_image_tokens: 0,
      input_cached_image_tokens: 0,
      output_image_tokens: 0,
      num_model_requests: sums.num_model_requests,
    };
  } else {
    metrics = Object.fromEntries(spec.metrics.map((m) => [m, sums[m]]));
  }
  return { object: spec.object, ...metrics, ...Object.fromEntries(spec.groupKeys.map((k) => [k, values[k] ?? null])) };
}

export function usageBucketResults(state: OpenAIState, kind: UsageKind, start: number, width: number, groupBy: string[], filters: [string, unknown[]][]) {
  const spec = KIND_SPECS[kind];
  const day = Math.floor(start / 86_400) * 86_400;
  const slots = 86_400 / width;
  const slot = (start - day) / width;
  const records = state.usage(kind, day).filter((r) => filters.every(([f, allowed]) => allowed.includes(field(r, f))));
  const results = [];
  for (const group of groupRows(records, groupBy, field)) {
    const sums: Record<string, number> = {};
    for (const m of spec.metrics) {
      const total = group.rows.reduce((acc, r) => acc + (field(r, m) as number), 0);
      sums[m] = spec.gauge ? total : group.rows.reduce((acc, r) => acc + slotShare(field(r, m) as number, slot, slots), 0);
    }
    if (spec.metrics.every((m) => sums[m] === 0)) continue;
    results.push(usageResult(kind, spec, sums, group.values));
  }
  return results;
}

const COST_GROUP_KEYS = ['project_id', 'line_item', 'api_key_id'] as const;

/** The costs of one day, grouped; quantity and its unit only when grouped by line item. */
export function costBucketResults(lines: CostLine[], groupBy: string[]) {
  return groupRows(lines, groupBy, (l, k) => (l as unknown as Record<string, unknown>)[k]).map((g) => {
    const cents = g.rows.reduce((acc, l) => acc + l.cents, 0);
    const byItem = groupBy.includes('line_item');
    return {
      object: 'organization.costs.result',
      amount: { value: centsToDollars(cents), currency: 'usd' },
      line_item: g.values.line_item ?? null,
      project_id: g.values.project_id ?? null,
      api_key_id: g.values.api_key_id ?? null,
      quantity: byItem ? g.rows.reduce((acc, l) => acc + l.quantity, 0) : null,
      quantity_unit: byItem ? g.rows[0].quantity_unit : null,
    };
  });
}

export function mountUsageRoutes(app: Hono<SimEnv>, deps: OpenAIRouteDeps): void {
  for (const [kind, spec] of Object.entries(KIND_SPECS) as [UsageKind, KindSpec][]) {
    openaiRoute(app, deps, `/v1/organization/usage/${kind}`, 'api.usage.read', ({ state, params }) => {
      const groupBy = params.enumArray('group_by', spec.groupKeys);
      const filters = filtersOf(spec, params);
      const page = bucketPage(params, { widths: ['1m', '1h', '1d'], limits: USAGE_BUCKET_LIMITS }, state.clock);
      const data = page.starts.map((s) => bucket(s, page.width, usageBucketResults(state, kind, s, page.width, groupBy, filters)));
      return bucketEnvelope(data, page.nextPage);
    });
  }

  openaiRoute(app, deps, '/v1/organization/costs', 'api.usage.read', ({ state, params }) => {
    const groupBy = params.enumArray('group_by', COST_GROUP_KEYS);
    const projects = params.array('project_ids');
    const keys = params.array('api_key_ids');
    const page = bucketPage(params, { widths: ['1d'], limits: { '1d': COSTS_BUCKET_LIMIT } }, state.clock);
    const data = page.starts.map((s) => {
      const lines = state
        .costs(s)
        .filter((l) => (!projects.length || projects.includes(l.project_id)) && (!keys.length || (l.api_key_id !== null && keys.includes(l.api_key_id))));
      return bucket(s, page.width, costBucketResults(lines, groupBy));
    });
    return bucketEnvelope(data, page.nextPage);
  });
}
