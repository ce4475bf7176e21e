import { createHash } from 'node:crypto';
import { createPrng } from '../../../simulator-kit/prng.ts';
import { addCharges, chargeFor, ZERO_CHARGE, type ChargeMicros } from './pricing.ts';
import type { DatadogAppKey, DatadogDimension, DatadogOrg, DatadogSeed, DatadogSeries } from './seed-schema.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** One hourly_usage record before it is rendered: an org's product family in one hour. */
export interface HourlyRow {
  id: string;
  org: DatadogOrg;
  family: string;
  hourMs: number;
  measurements: { usage_type: string; value: number | null }[];
}

/** One billing dimension's charges for an org over a span of a month. */
export interface ChargeLine {
  dimension: DatadogDimension;
  charge: ChargeMicros;
}

/** UTC month start (ms) of an instant, and the month `n` months later. */
export function monthStart(ms: number, add = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The simulator's live data. Hourly values are generated once per load from the seed's series
 * (a mulberry32 stream per series, so adding a series does not move the others); every cost is
 * computed from them on request.
 */
export class DatadogState {
  seed!: DatadogSeed;
  /** First seeded hour (inclusive) and the clock (exclusive), epoch ms. */
  startMs = 0;
  clockMs = 0;
  hours = 0;
  /** The root org first, then its children in seed order. */
  orgs: DatadogOrg[] = [];
  /** Seeded product families in seed order, each with its usage types in seed order. */
  families = new Map<string, string[]>();
  private values = new Map<string, (number | null)[]>();

  constructor(seed: DatadogSeed) {
    this.load(seed);
  }

  load(seed: DatadogSeed): void {
    this.seed = structuredClone(seed);
    this.clockMs = Date.parse(seed.clock);
    this.startMs = this.clockMs - seed.days * DAY_MS;
    this.hours = seed.days * 24;
    const root = seed.orgs.find((o) => o.parent === null)!;
    this.orgs = [root, ...seed.orgs.filter((o) => o.parent !== null)];
    this.families = new Map();
    this.values = new Map();
    for (const s of seed.series) {
      const types = this.families.get(s.product_family) ?? [];
      if (!types.includes(s.usage_type)) types.push(s.usage_type);
      this.families.set(s.product_family, types);
      this.values.set(seriesKey(s.org, s.product_family, s.usage_type), this.generate(s));
    }
  }

  snapshot(): DatadogSeed {
    return structuredClone(this.seed);
  }

  get root(): DatadogOrg {
    return this.orgs[0];
  }

  org(publicId: string): DatadogOrg | undefined {
    return this.orgs.find((o) => o.public_id === publicId);
  }

  /** The org and, for the parent, its child orgs (what include_descendants and sub-org views cover). */
  withDescendants(org: DatadogOrg): DatadogOrg[] {
    return org.parent === null ? this.orgs : [org];
  }

  apiKeyOrg(key: string): DatadogOrg | undefined {
    const k = this.seed.api_keys.find((a) => a.key === key && !a.revoked);
    return k && this.org(k.org);
  }

  appKey(key: string): DatadogAppKey | undefined {
    return this.seed.app_keys.find((a) => a.key === key && !a.revoked);
  }

  /** Value of a meter in one hour: the series' value, 0 for a meter of the family the org does not run, null when unmeasured. */
  value(org: string, family: string, usageType: string, hourIndex: number): number | null {
    const series = this.values.get(seriesKey(org, family, usageType));
    return series ? series[hourIndex] : 0;
  }

  /** hourly_usage records for [fromMs, toMs) (whole hours), ordered by org, product family, hour. */
  hourlyRows(orgs: DatadogOrg[], families: string[], fromMs: number, toMs: number): HourlyRow[] {
    const first = Math.max(0, Math.ceil((fromMs - this.startMs) / HOUR_MS));
    const last = Math.min(this.hours, Math.ceil((toMs - this.startMs) / HOUR_MS));
    const rows: HourlyRow[] = [];
    for (const org of orgs) {
      for (const family of families) {
        const types = this.families.get(family);
        if (!types) continue;
        for (let h = first; h < last; h++) {
          const hourMs = this.startMs + h * HOUR_MS;
          rows.push({
            id: sha256(`hourly_usage:${org.public_id}:${family}:${hourMs}`),
            org,
            family,
            hourMs,
            measurements: types.map((usage_type) => ({ usage_type, value: this.value(org.public_id, family, usage_type, h) })),
          });
        }
      }
    }
    return rows;
  }

  /** Σ of a meter's hourly values over [fromMs, toMs) ∩ the seeded hours (nulls count as nothing). */
  usageSum(org: string, family: string, usageType: string, fromMs: number, toMs: number): bigint {
    const series = this.values.get(seriesKey(org, family, usageType));
    if (!series) return 0n;
    const first = Math.max(0, Math.ceil((fromMs - this.startMs) / HOUR_MS));
    const last = Math.min(this.hours, Math.ceil((toMs - this.startMs) / HOUR_MS));
    let sum = 0n;
    for (let h = first; h < last; h++) sum += BigInt(series[h] ?? 0);
    return sum;
  }

  /** Dimensions billed from hourly usage (the contract), in seed order. */
  get meteredDimensions(): DatadogDimension[] {
    return this.seed.dimensions.filter((d) => d.price !== null);
  }

  /**
   * An org's charges per metered dimension for the month holding `monthMs`, counting usage up to
   * `uptoMs` (month-to-date for estimates): the month's usage against the org's commitment.
   */
  orgCharges(org: DatadogOrg, monthMs: number, uptoMs = Number.POSITIVE_INFINITY): ChargeLine[] {
    const from = monthStart(monthMs);
    const to = Math.min(monthStart(monthMs, 1), uptoMs);
    return this.meteredDimensions.map((dimension) => {
      const units = this.usageSum(org.public_id, dimension.product_family!, dimension.usage_type!, from, to);
      return { dimension, charge: chargeFor(units, dimension.commitments[org.public_id] ?? 0, dimension.price!) };
    });
  }

  /** The parent-level summary: every org's charges added per dimension (so summary = Σ sub-orgs exactly). */
  summaryCharges(monthMs: number, uptoMs?: number): ChargeLine[] {
    const perOrg = this.orgs.map((o) => this.orgCharges(o, monthMs, uptoMs));
    return this.meteredDimensions.map((dimension, i) => ({
      dimension,
      charge: perOrg.reduce((acc, lines) => addCharges(acc, lines[i].charge), ZERO_CHARGE),
    }));
  }

  /** Month starts (ms) that hold seeded usage, oldest first. */
  get dataMonths(): number[] {
    const months: number[] = [];
    for (let m = monthStart(this.startMs); m < this.clockMs; m = monthStart(m, 1)) months.push(m);
    return months;
  }

  /**
   * One series, hour by hour: base × growth × daily cycle × weekend level × jitter, rounded to a
   * whole number (every Datadog meter here counts hosts, bytes, events, spans or sessions).
   */
  private generate(s: DatadogSeries): (number | null)[] {
    const out: (number | null)[] = new Array(this.hours);
    if (s.unmeasured) return out.fill(null);
    const prng = createPrng((this.seed.random_seed ^ fnv1a(seriesKey(s.org, s.product_family, s.usage_type))) >>> 0);
    for (let h = 0; h < this.hours; h++) {
      const at = new Date(this.startMs + h * HOUR_MS);
      const growth = 1 + (s.growth_pct / 100) * (h / this.hours);
      const cycle = 1 + (s.diurnal_pct / 100) * Math.cos((2 * Math.PI * (at.getUTCHours() - 15)) / 24);
      const weekday = at.getUTCDay();
      const weekend = weekday === 0 || weekday === 6 ? s.weekend_pct / 100 : 1;
      const jitter = 1 + (s.noise_pct / 100) * (2 * prng.next() - 1);
      out[h] = Math.max(0, Math.round(s.base * growth * cycle * weekend * jitter));
    }
    return out;
  }
}

function seriesKey(org: string, family: string, usageType: string): string {
  return `${org}|${family}|${usageType}`;
}

/** 32-bit FNV-1a: a stable per-series offset for the generator's seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
