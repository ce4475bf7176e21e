import type { CallConfig } from '../integrations/definition-schema.ts';
import { evaluate, requestBudget } from './expressions/evaluate.ts';
import type { Execution, UnifiedCall } from './types.ts';
import type { WindowChunk } from './windows.ts';

/** Where a list is: its phase, and its window chunk (0 without a window). */
export interface PhasePosition {
  ph: number;
  w: number;
}

/**
 * The first position at or after `from` whose phase runs: a phase's `run_if` (JSONata over
 * `{query, window, context}`) false skips it without a call, as if it had no records, walking
 * phases and then window chunks. null when nothing is left to run. So a caller who filtered one
 * report out, or a day a source has no report for, costs no call and no empty page.
 */
export async function nextRunnablePhase(
  exec: Execution,
  phases: (CallConfig & { run_if?: string })[],
  from: PhasePosition,
  chunks: WindowChunk[] | undefined,
  call: UnifiedCall,
): Promise<PhasePosition | null> {
  let { ph, w } = from;
  for (;;) {
    const runIf = phases[ph]?.run_if;
    const scope = { query: call.query, window: chunks?.[w], context: exec.context };
    if (!runIf || (await evaluate(runIf, scope, { label: `${call.model}/${call.resource} phase ${ph} run_if`, budget: requestBudget(exec) }))) {
      return { ph, w };
    }
    if (ph + 1 < phases.length) ph++;
    else if (chunks && w + 1 < chunks.length) [ph, w] = [0, w + 1];
    else return null;
  }
}
