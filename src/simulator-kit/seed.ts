import type { z } from 'zod';
import { InvalidSeedError } from './simulator-app.ts';

/**
 * Every simulator validates its seed with a zod schema and reports problems the same way:
 * `invalid <Provider> seed: members[3].role: Invalid option; …`, at most 20 of them.
 */
export function parseSeedWith<T extends z.ZodType>(schema: T, input: unknown, provider: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const problems = issues.slice(0, 20).map((i) => `${formatSeedPath(i.path)}: ${i.message}`);
  const more = issues.length > 20 ? ` (and ${issues.length - 20} more)` : '';
  throw new InvalidSeedError(`invalid ${provider} seed: ${problems.join('; ')}${more}`);
}

/** `members[3].role`, as a person reads a seed file. */
export function formatSeedPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
