import type jsonata from 'jsonata';
import { LRUCache } from 'lru-cache';
import { ExpressionError, prepareExpression, runExpression } from './core.ts';
import { unmarkedLength } from './provenance.ts';
import type { RecordEntry, SandboxJob, SandboxReply } from './sandbox-protocol.ts';

/**
 * A sandbox process: evaluates override expressions under the heap limit its pool (sandbox.ts)
 * started it with, one job at a time. Whatever it cannot stop itself (one native call, an
 * allocation past the heap limit) ends this process, never the server: the pool kills it on
 * time, V8 aborts it on memory, and the pool starts another.
 */
const WORKER_CACHE_SIZE = 500;
const cache = new LRUCache<string, jsonata.Expression>({ max: WORKER_CACHE_SIZE });

function compiled(source: string): jsonata.Expression {
  // The mark is a leading comment: stripping it leaves the author's text, so error positions are theirs.
  const text = source.slice(unmarkedLength(source));
  let expr = cache.get(text);
  if (!expr) cache.set(text, (expr = prepareExpression(text)));
  return expr;
}

async function run(job: SandboxJob): Promise<SandboxReply> {
  const started = performance.now();
  const jobDeadline = Date.now() + job.budgetMs;
  let stage: 'filter' | 'mapping' | undefined;
  const evaluateOnce = (source: string, input: Record<string, unknown>) => {
    const boxDeadline = Date.now() + job.boxMs;
    return boxDeadline <= jobDeadline
      ? runExpression(compiled(source), input, boxDeadline, `took longer than its time box (${job.boxMs} ms)`)
      : runExpression(compiled(source), input, jobDeadline, `used up the request's budget for override expressions (${job.totalBudgetMs} ms)`);
  };
  try {
    let value: unknown;
    if (job.kind === 'one') value = await evaluateOnce(job.source, job.input);
    else {
      const entries: RecordEntry[] = [];
      for (const record of job.records) {
        const scope: Record<string, unknown> = { ...job.base };
        for (const key of job.recordKeys) scope[key] = record;
        if (job.filter) {
          stage = 'filter';
          if (!(await evaluateOnce(job.filter, scope))) {
            entries.push([0]);
            continue;
          }
        }
        stage = 'mapping';
        const mapped = await evaluateOnce(job.mapping, scope);
        entries.push(mapped === undefined ? [1] : [2, mapped]);
      }
      value = entries;
    }
    const json = value === undefined ? undefined : JSON.stringify(value);
    if (json !== undefined && json.length > job.maxResultChars) {
      throw new ExpressionError(`returned ${json.length} characters of JSON, over the limit of ${job.maxResultChars}`, undefined, undefined, true);
    }
    return { id: job.id, ok: true, json, elapsedMs: performance.now() - started };
  } catch (e) {
    const err = e as { message?: string; position?: number; code?: string; limit?: boolean };
    // A RangeError is a stack overflow or a string past V8's maximum; U1001 is jsonata's own stack overflow.
    const engineLimit = e instanceof RangeError || err.code === 'U1001';
    const message = engineLimit ? `hit an engine limit (${err.message})` : (err.message ?? String(e));
    return { id: job.id, ok: false, message, position: err.position, limit: err.limit === true || engineLimit, stage, elapsedMs: performance.now() - started };
  }
}

process.on('message', (job: SandboxJob) => {
  void run(job).then((reply) => process.send!(reply));
});
// The server went away (or closed the pool): nothing left to do.
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
