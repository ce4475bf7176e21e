/** Messages between the sandbox pool (sandbox.ts) and its processes (sandbox-process.ts). */

interface JobBase {
  id: number;
  /** Each evaluation's own time box. */
  boxMs: number;
  /** What is left of the request's budget: the whole job stops there. */
  budgetMs: number;
  /** The request's whole budget, for the message. */
  totalBudgetMs: number;
  /** The result's JSON may be at most this many characters. */
  maxResultChars: number;
}

/** One expression over one input. */
export interface OneJob extends JobBase {
  kind: 'one';
  source: string;
  input: Record<string, unknown>;
}

/**
 * A page of records in one job, so a per-record mapping costs one round trip per page: each
 * record is bound under `recordKeys` in a copy of `base`; `filter` (if any) drops records, and
 * `mapping` maps the rest.
 */
export interface RecordsJob extends JobBase {
  kind: 'records';
  filter?: string;
  mapping: string;
  base: Record<string, unknown>;
  records: unknown[];
  recordKeys: string[];
}

export type SandboxJob = OneJob | RecordsJob;

/**
 * `json` is the result as JSON (undefined for an undefined result). For a records job it is a
 * list of entries: `[0]` filtered out, `[1]` undefined, `[2, value]`.
 */
export type SandboxReply =
  | { id: number; ok: true; json: string | undefined; elapsedMs: number }
  | { id: number; ok: false; message: string; position?: number; limit: boolean; stage?: 'filter' | 'mapping'; elapsedMs: number };

export type RecordEntry = [0] | [1] | [2, unknown];
