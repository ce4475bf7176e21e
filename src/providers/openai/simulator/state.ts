import { DAY_S } from './generate-usage.ts';
import { costLines, priceTable, type CostLine, type PriceTable } from './pricing.ts';
import {
  parseOpenAISeed,
  USAGE_KINDS,
  type OpenAIAdminKey,
  type OpenAIInvite,
  type OpenAIProject,
  type OpenAIProjectKey,
  type OpenAISeed,
  type OpenAISeedInput,
  type OpenAIUser,
  type UsageKind,
  type UsageRecord,
} from './seed-schema.ts';

/**
 * The simulator's live, in-memory organization. One object for the simulator's lifetime: reset
 * and re-seed replace its contents in place, so a reference held by a test stays live. Usage is
 * indexed by kind and day (unix midnight), and the priced cost lines are computed once per load.
 */
export class OpenAIState {
  seed!: OpenAISeed;
  adminKeys = new Map<string, OpenAIAdminKey>();
  projectKeys = new Map<string, OpenAIProjectKey>();
  users: OpenAIUser[] = [];
  invites: OpenAIInvite[] = [];
  projects: OpenAIProject[] = [];
  prices: PriceTable = new Map();
  private usageByDay = new Map<UsageKind, Map<number, UsageRecord[]>>();
  private costsByDay = new Map<number, CostLine[]>();

  constructor(seed: OpenAISeed | OpenAISeedInput) {
    this.load(seed);
  }

  /** Replaces everything with a (re)validated deep copy of `seed`. */
  load(seed: OpenAISeed | OpenAISeedInput): void {
    const s = parseOpenAISeed(structuredClone(seed));
    this.seed = s;
    this.adminKeys = new Map(s.admin_keys.map((k) => [k.value, k]));
    this.projectKeys = new Map(s.project_keys.map((k) => [k.value, k]));
    this.users = s.users;
    this.invites = s.invites;
    this.projects = s.projects;
    this.prices = priceTable(s.prices);
    this.usageByDay = new Map(USAGE_KINDS.map((k) => [k, new Map()]));
    for (const r of s.usage) push(this.usageByDay.get(r.kind)!, dayOf(r.date), r);
    this.costsByDay = new Map();
    for (const line of costLines(s.usage, this.prices)) push(this.costsByDay, dayOf(line.date), line);
  }

  /** The current state in seed format (a deep copy). */
  snapshot(): OpenAISeed {
    return structuredClone(this.seed);
  }

  /** The simulator's "now" in unix seconds (the seed's fixed clock). */
  get clock(): number {
    return this.seed.clock;
  }

  get organization() {
    return this.seed.organization;
  }

  user(id: string): OpenAIUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  project(id: string): OpenAIProject | undefined {
    return this.projects.find((p) => p.id === id);
  }

  /** Usage records of one kind on the day starting at `day` (unix midnight). */
  usage(kind: UsageKind, day: number): UsageRecord[] {
    return this.usageByDay.get(kind)?.get(day) ?? [];
  }

  /** Priced cost lines of the day starting at `day`. */
  costs(day: number): CostLine[] {
    return this.costsByDay.get(day) ?? [];
  }

  /** Projects of a user, for `organization.user.projects`. */
  projectsOf(userId: string): { id: string; name: string; role: string }[] {
    return this.projects.flatMap((p) => p.members.filter((m) => m.user_id === userId).map((m) => ({ id: p.id, name: p.name, role: m.role })));
  }
}

/** Unix midnight (UTC) of a `YYYY-MM-DD` date. */
export function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

export function floorDay(unixSeconds: number): number {
  return Math.floor(unixSeconds / DAY_S) * DAY_S;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
