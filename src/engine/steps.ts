import { errors, TesseraError } from '../errors/catalogue.ts';
import type { StepDefinition } from '../integrations/definition-schema.ts';
import { evaluate, requestBudget } from './expressions/evaluate.ts';
import { applyContextPatch } from './context.ts';
import { fetchAllPages } from './fetch-pages.ts';
import { callResource, type ResourceCall } from './resource-call.ts';
import type { Execution } from './types.ts';

/**
 * Steps of actions and of `before`/`after` lists (docs/contract.md §11.2, §12.2). Results are
 * bound as `before.<name>` for later steps, placeholders and mappings.
 *
 * - `request`: call a resource method of the integration (`all_pages: true` follows pagination;
 *   with `keep`, an expression over each page's `records`, only what it returns is kept, and every
 *   page is read however many there are);
 * - `transform`: evaluate an expression;
 * - `set_context`: merge an object into this request's context;
 * - `update_context`: the same, and persist it on the integrated account;
 * - `error`: stop with `{status, message}` (message is JSONata).
 */
export interface StepScope {
  query?: Record<string, unknown>;
  body?: unknown;
  id?: string;
  data?: unknown;
  /** The date-window chunk of a windowed list (engine/windows.ts). */
  window?: unknown;
}

export async function runSteps(exec: Execution, steps: StepDefinition[] | undefined, scope: StepScope, label: string): Promise<void> {
  for (const [index, step] of (steps ?? []).entries()) {
    const input = () => ({ ...scope, context: exec.context, before: exec.before, step: index });
    const where = `${label} step ${step.name ?? index}`;
    if (step.run_if && !(await evaluate(step.run_if, input(), { label: `${where} run_if`, budget: requestBudget(exec) }))) continue;
    let result: unknown;
    const config = step.config as Record<string, any>;
    switch (step.type) {
      case 'request': {
        const call = {
          resource: String(config.resource),
          method: String(config.method ?? 'get'),
          id: config.id,
          query: config.query,
          body: config.body,
          role: 'step' as const,
        };
        if (config.all_pages && config.keep !== undefined)
          result = await keepFromAllPages(exec, call, String(config.keep), { ...scope, context: exec.context, before: exec.before }, where);
        else result = config.all_pages ? (await fetchAllPages(exec, call)).records : (await callResource(exec, call)).data;
        break;
      }
      case 'transform':
        result = await evaluate(String(config.expression), input(), { label: where, budget: requestBudget(exec) });
        break;
      case 'set_context':
      case 'update_context': {
        const patch = await evaluate(String(config.expression), input(), { label: where, budget: requestBudget(exec) });
        if (patch && typeof patch === 'object' && Object.keys(patch).length) {
          applyContextPatch(exec, patch as Record<string, unknown>);
          if (step.type === 'update_context') await exec.services.persistContext(exec.account.id, patch);
        }
        result = patch;
        break;
      }
      case 'error': {
        const message = await evaluate(String(config.message ?? '"Request cannot be completed"'), input(), { label: where, budget: requestBudget(exec) });
        throw new TesseraError(Number(config.status ?? 400), String(message), { code: 'TESSERA_STEP_FAILED' });
      }
    }
    if (step.name) exec.before[step.name] = result;
  }
}

/**
 * `all_pages` with `keep`: a later phase needs one field of every record (Neon's invitations need
 * the members' emails), not whole pages, so each page is reduced as it arrives and dropped. No
 * record cap, which would silently leave out whatever is past it (the invitations phase then
 * listed accepted invitations of members beyond the 10,000th as pending): only a looping upstream
 * ends the scan early, and the time budget bounds each page's wait, not the whole scan.
 */
async function keepFromAllPages(exec: Execution, call: ResourceCall, keep: string, scope: Record<string, unknown>, label: string): Promise<unknown[]> {
  const kept: unknown[] = [];
  const scan = await fetchAllPages(exec, call, {
    limits: { maxPages: KEEP_MAX_PAGES, maxRecords: Number.POSITIVE_INFINITY },
    onPage: async (page) => {
      const value = await evaluate(keep, { ...scope, records: page.records }, { label: `${label} keep`, budget: requestBudget(exec) });
      if (Array.isArray(value)) for (const v of value) kept.push(v);
      else if (value !== undefined) kept.push(value);
      exec.timeBudget.restart();
    },
  });
  // A pagination that cycles through several cursors: an error, never a silently partial result.
  if (scan.resumeState)
    throw errors.upstreamInvalidResponse(`${label}: the provider's pages of ${call.resource} did not end after ${KEEP_MAX_PAGES} pages`, null);
  return kept;
}

/** Far beyond any real list (ten million records at 500 a page), so only a cycling pagination reaches it. */
const KEEP_MAX_PAGES = 20_000;

/** Integration-level steps (e.g. discovering context the paths need) run once per request. */
export async function runIntegrationSteps(exec: Execution): Promise<void> {
  if (exec.integrationStepsDone) return;
  exec.integrationStepsDone = true;
  await runSteps(exec, exec.integration.before, {}, `${exec.integration.name} before`);
}
