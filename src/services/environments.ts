import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';
import { storedText } from '../query/safe-input.ts';
import type { EnvironmentRecord, Store } from '../store/types.ts';

/** An environment as the API shows it (docs/contract.md §2); Tessera has no teams. */
export interface EnvironmentView {
  id: string;
  name: string;
  team_id: null;
  created_at: string;
  updated_at: string;
}

/** environments.name is varchar(255) and unique. */
export const patchEnvironmentBody = z.object({ name: storedText({ maxLength: 255 }).refine((v) => v.trim() !== '', 'must not be blank') }).strict();

export function environmentView(e: EnvironmentRecord): EnvironmentView {
  return { id: e.id, name: e.name, team_id: null, created_at: e.created_at, updated_at: e.updated_at };
}

/** A token sees its own environment and no other: another id is "not found" (docs/contract.md §1.2). */
export class EnvironmentsService {
  constructor(private readonly deps: { store: Store }) {}

  async get(callerEnvironmentId: string, id: string): Promise<EnvironmentRecord> {
    const env = id === callerEnvironmentId ? await this.deps.store.getEnvironment(id) : undefined;
    if (!env) throw errors.notFound(`Environment ${id} not found`);
    return env;
  }

  async rename(callerEnvironmentId: string, id: string, input: z.infer<typeof patchEnvironmentBody>): Promise<EnvironmentRecord> {
    const env = await this.get(callerEnvironmentId, id);
    if (input.name === env.name) return env;
    const taken = await this.deps.store.findEnvironmentByName(input.name);
    if (taken && taken.id !== env.id) throw errors.conflict(`An environment named ${JSON.stringify(input.name)} already exists; choose another name`);
    try {
      const updated = await this.deps.store.updateEnvironment(env.id, { name: input.name });
      if (!updated) throw errors.notFound(`Environment ${id} not found`);
      return updated;
    } catch (e) {
      // Two renames racing to one name: the unique index decides, and the loser hears why.
      if (/unique|duplicate/i.test((e as Error).message))
        throw errors.conflict(`An environment named ${JSON.stringify(input.name)} already exists; choose another name`);
      throw e;
    }
  }
}
