import { z } from 'zod';
import { globToRegExp } from './glob.ts';

/**
 * Failure injection for simulators: the next `count` requests matching `method` + `path` glob
 * either fail with `status`, or (with only `delay_ms`) are slowed down and then served normally.
 * Rules are consumed first-registered-first, and one request consumes at most one rule, so a test
 * can queue "503 then 429 then succeed" by adding rules in that order.
 */
export const faultSpecSchema = z
  .object({
    method: z.string().min(1).optional(),
    path: z.string().min(1),
    status: z.number().int().min(100).max(599).optional(),
    count: z.number().int().min(1).optional(),
    retry_after: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    delay_ms: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((f) => f.status !== undefined || f.delay_ms !== undefined, {
    message: 'a fault needs a status, a delay_ms, or both',
  });

export type FaultSpec = z.input<typeof faultSpecSchema>;

export interface ActiveFault {
  id: string;
  method: string;
  path: string;
  status?: number;
  retry_after?: number | string;
  body?: unknown;
  headers?: Record<string, string>;
  delay_ms?: number;
  /** Requests this rule will still affect. */
  remaining: number;
  /** Requests this rule has affected so far. */
  matched: number;
}

interface StoredFault extends ActiveFault {
  matcher: RegExp;
}

export class FaultInjector {
  private faults: StoredFault[] = [];
  private nextId = 1;

  /** Validates and queues a rule; throws InvalidFaultError with a readable message. */
  add(spec: FaultSpec): ActiveFault {
    const parsed = faultSpecSchema.safeParse(spec);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
      throw new InvalidFaultError(`invalid fault: ${detail}`);
    }
    const f = parsed.data;
    const stored: StoredFault = {
      id: `fault-${this.nextId++}`,
      method: (f.method ?? '*').toUpperCase(),
      path: f.path,
      status: f.status,
      retry_after: f.retry_after,
      body: f.body,
      headers: f.headers,
      delay_ms: f.delay_ms,
      remaining: f.count ?? 1,
      matched: 0,
      matcher: globToRegExp(f.path),
    };
    this.faults.push(stored);
    return publicView(stored);
  }

  /** Finds the oldest live rule for this request and consumes one use of it. */
  take(method: string, path: string): ActiveFault | undefined {
    const upper = method.toUpperCase();
    const index = this.faults.findIndex((f) => (f.method === '*' || f.method === upper) && f.matcher.test(path));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    fault.matched += 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return publicView(fault);
  }

  list(): ActiveFault[] {
    return this.faults.map(publicView);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }
}

export class InvalidFaultError extends Error {}

function publicView(f: StoredFault): ActiveFault {
  const { matcher: _matcher, ...rest } = f;
  return structuredClone(rest);
}
