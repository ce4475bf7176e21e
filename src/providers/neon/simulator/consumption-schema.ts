import { z } from 'zod';

/**
 * Seed format of the consumption data (docs/providers/neon.md §7, §10): the projects of each
 * org and their usage per UTC day. A day is the seed's grain: daily answers read it as stored,
 * monthly answers add days up, hourly answers split a day into 24 integer parts that add back up
 * to it, so every granularity reports the same totals. Both fields default to empty, so seeds
 * written before consumption was simulated still load.
 */

/** The eight metrics of `GET /consumption_history/v2/projects`, in the spec's order (§7.1). */
export const CONSUMPTION_METRICS = [
  'compute_unit_seconds',
  'root_branch_bytes_month',
  'child_branch_bytes_month',
  'instant_restore_bytes_month',
  'public_network_transfer_bytes',
  'private_network_transfer_bytes',
  'extra_branches_month',
  'snapshot_storage_bytes_month',
] as const;
export type ConsumptionMetric = (typeof CONSUMPTION_METRICS)[number];

/** Neon keeps no consumption before this instant (§7); earlier `from` values are refused. */
export const EARLIEST_CONSUMPTION = '2024-03-01T00:00:00Z';

/** The spec's pattern for project ids (same as org ids). */
export const PROJECT_ID_PATTERN = /^[a-z0-9-]{1,60}$/;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const projectId = z.string().regex(PROJECT_ID_PATTERN, 'must match ^[a-z0-9-]{1,60}$');
const day = z
  .string()
  .regex(DAY_PATTERN, 'must be a day (YYYY-MM-DD)')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real calendar day');

/** A Neon project, as much of it as consumption needs; extra fields are kept. */
export const neonProjectSchema = z.looseObject({
  id: projectId,
  org_id: z.string().min(1),
  name: z.string().min(1),
  /** Pages are ordered by creation, newest first; no usage is reported before it. */
  created_at: z.string().regex(DATE_TIME_PATTERN, 'must be an RFC 3339 date-time'),
  region_id: z.string().default('aws-us-east-2'),
});

/** One project's usage on one UTC day. Metrics left out are 0. Values are integers, like Neon's. */
export const neonConsumptionDaySchema = z.object({
  project_id: projectId,
  date: day,
  metrics: z.partialRecord(z.enum(CONSUMPTION_METRICS), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
});

export type NeonProject = z.output<typeof neonProjectSchema>;
export type NeonConsumptionDay = z.output<typeof neonConsumptionDaySchema>;

type Issue = (path: (string | number)[], message: string) => void;

/** Cross-checks: ids unique, references resolve, no usage before a project existed or before Neon keeps any. */
export function checkConsumptionSeed(seed: { projects: NeonProject[]; consumption: NeonConsumptionDay[] }, orgIds: Set<string>, issue: Issue): void {
  const projects = new Map<string, NeonProject>();
  seed.projects.forEach((p, i) => {
    if (projects.has(p.id)) issue(['projects', i, 'id'], `duplicate project id ${p.id}`);
    if (!orgIds.has(p.org_id)) issue(['projects', i, 'org_id'], `unknown org ${p.org_id}`);
    projects.set(p.id, p);
  });
  const seen = new Set<string>();
  const earliest = EARLIEST_CONSUMPTION.slice(0, 10);
  seed.consumption.forEach((c, i) => {
    const project = projects.get(c.project_id);
    if (!project) issue(['consumption', i, 'project_id'], `unknown project ${c.project_id}`);
    else if (c.date < new Date(Date.parse(project.created_at)).toISOString().slice(0, 10)) {
      issue(['consumption', i, 'date'], `before project ${c.project_id} was created (${project.created_at})`);
    }
    if (c.date < earliest) issue(['consumption', i, 'date'], `Neon keeps no consumption before ${earliest}`);
    const key = `${c.project_id}/${c.date}`;
    if (seen.has(key)) issue(['consumption', i, 'date'], `duplicate day ${c.date} for project ${c.project_id}`);
    seen.add(key);
  });
}
