import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import type { ConsumptionMetric, NeonConsumptionDay, NeonProject } from './consumption-schema.ts';

/**
 * The default seed's projects and their daily usage (docs/providers/neon.md §7): 90 days
 * ending on the fixed last full day 2026-11-27, so tests and the sandbox agree on what exists
 * whatever the wall clock says. Each project has its own usage profile, chosen so the unified
 * mapping meets every shape it must handle: an always-on production database, a staging
 * project that scales to zero at weekends (days with no compute), a nightly batch, a project
 * created inside the window, and a second org whose usage must never leak into the first.
 */

export const CONSUMPTION_LAST_DAY = '2026-11-27';
export const CONSUMPTION_DAYS = 90;
/** The first seeded day: 2026-08-30. */
export const CONSUMPTION_FIRST_DAY = new Date(Date.parse(`${CONSUMPTION_LAST_DAY}T00:00:00Z`) - (CONSUMPTION_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);

export const DEFAULT_NEON_PROJECT_IDS = {
  /** The example org's production database; also the project of the project-scoped key. */
  production: 'winter-boat-259881',
  /** Scales to zero at weekends: those days report no compute. */
  staging: 'silent-frost-41726305',
  /** A nightly batch job. */
  analytics: 'amber-field-88301245',
  /** Created 2026-10-14, inside the 90 days: no usage before that. */
  preview: 'lunar-pine-17093356',
  /** The paging org's (Acme's) only project: never part of the example org's answers. */
  acme: 'ocean-art-50417722',
} as const;

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/**
 * Storage metrics are byte-months. The simulator accrues them per hour against a 730-hour
 * month, the usual billing convention (a Tessera choice; Neon documents no divisor): a day
 * stored adds bytes × 24 / 730, rounded down to an integer as every Neon value is.
 */
const byteMonthsPerDay = (bytes: number) => Math.floor((bytes * 24) / 730);

interface Profile {
  project: NeonProject;
  /** Usage on one day: day index from the start of the window, weekday 0 = Sunday. */
  day(rng: Prng, index: number, weekday: number): Partial<Record<ConsumptionMetric, number>>;
}

const weekend = (weekday: number) => weekday === 0 || weekday === 6;

function profiles(exampleOrg: string, acmeOrg: string): Profile[] {
  const P = DEFAULT_NEON_PROJECT_IDS;
  return [
    {
      project: { id: P.production, org_id: exampleOrg, name: 'production', created_at: '2024-03-04T10:12:45Z', region_id: 'aws-us-east-2' },
      day: (rng, i, wd) => ({
        compute_unit_seconds: weekend(wd) ? rng.int(95_000, 120_000) : rng.int(150_000, 190_000),
        root_branch_bytes_month: byteMonthsPerDay(42 * GIB + i * 85 * MIB + rng.int(0, 40 * MIB)),
        child_branch_bytes_month: byteMonthsPerDay(2 * GIB + rng.int(0, 300 * MIB)),
        instant_restore_bytes_month: byteMonthsPerDay(rng.int(5 * GIB, 7 * GIB)),
        public_network_transfer_bytes: weekend(wd) ? rng.int(1_200_000_000, 2_400_000_000) : rng.int(3_200_000_000, 6_800_000_000),
      }),
    },
    {
      project: { id: P.staging, org_id: exampleOrg, name: 'staging', created_at: '2024-06-11T14:03:10Z', region_id: 'aws-us-east-2' },
      day: (rng, _i, wd) => ({
        ...(weekend(wd) ? {} : { compute_unit_seconds: rng.int(9_000, 16_000) }),
        root_branch_bytes_month: byteMonthsPerDay(6 * GIB + rng.int(0, 64 * MIB)),
        child_branch_bytes_month: byteMonthsPerDay(800 * MIB + rng.int(0, 100 * MIB)),
        instant_restore_bytes_month: byteMonthsPerDay(300 * MIB + rng.int(0, 50 * MIB)),
        public_network_transfer_bytes: weekend(wd) ? rng.int(0, 2_000_000) : rng.int(5_000_000, 90_000_000),
      }),
    },
    {
      project: { id: P.analytics, org_id: exampleOrg, name: 'analytics', created_at: '2025-02-03T08:45:00Z', region_id: 'aws-eu-central-1' },
      day: (rng, i) => ({
        compute_unit_seconds: rng.int(13_500, 15_300),
        root_branch_bytes_month: byteMonthsPerDay(18 * GIB + i * 20 * MIB),
        public_network_transfer_bytes: rng.int(100_000_000, 400_000_000),
      }),
    },
    {
      project: { id: P.preview, org_id: exampleOrg, name: 'preview-deploys', created_at: '2026-10-14T09:30:00Z', region_id: 'aws-us-east-2' },
      day: (rng, _i, wd) => ({
        ...(weekend(wd) || rng.chance(0.3) ? {} : { compute_unit_seconds: rng.int(600, 2_700) }),
        root_branch_bytes_month: byteMonthsPerDay(1536 * MIB + rng.int(0, 32 * MIB)),
        child_branch_bytes_month: byteMonthsPerDay(rng.int(50 * MIB, 400 * MIB)),
        public_network_transfer_bytes: rng.int(1_000_000, 50_000_000),
      }),
    },
    {
      project: { id: P.acme, org_id: acmeOrg, name: 'acme-app', created_at: '2024-05-20T12:00:00Z', region_id: 'aws-us-west-2' },
      day: (rng, i) => ({
        compute_unit_seconds: rng.int(60_000, 90_000),
        root_branch_bytes_month: byteMonthsPerDay(12 * GIB + i * 10 * MIB),
        public_network_transfer_bytes: rng.int(800_000_000, 1_500_000_000),
      }),
    },
  ];
}

/** Deterministic: the same ids and numbers on every call. */
export function defaultNeonConsumption(exampleOrg: string, acmeOrg: string): { projects: NeonProject[]; consumption: NeonConsumptionDay[] } {
  const rng = createPrng(20261127);
  const firstMs = Date.parse(`${CONSUMPTION_FIRST_DAY}T00:00:00Z`);
  const all = profiles(exampleOrg, acmeOrg);
  const consumption: NeonConsumptionDay[] = [];
  for (const { project, day } of all) {
    const createdDay = project.created_at.slice(0, 10);
    for (let i = 0; i < CONSUMPTION_DAYS; i++) {
      const date = new Date(firstMs + i * 86_400_000);
      const iso = date.toISOString().slice(0, 10);
      if (iso < createdDay) continue;
      consumption.push({ project_id: project.id, date: iso, metrics: day(rng, i, date.getUTCDay()) });
    }
  }
  return { projects: all.map((p) => p.project), consumption };
}
