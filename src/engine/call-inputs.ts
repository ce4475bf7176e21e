import type { CallConfig } from '../integrations/definition-schema.ts';
import { evaluate, requestBudget } from './expressions/evaluate.ts';
import { NO_VALUES, renderValue } from './placeholders.ts';
import type { Execution, UnifiedCall } from './types.ts';
import type { WindowChunk } from './windows.ts';

/** What a call sends besides its page state: the query (fixed values, then `query_mapping`) and mapped headers. */
export async function outboundQuery(exec: Execution, config: CallConfig, call: UnifiedCall, window?: WindowChunk): Promise<Record<string, unknown>> {
  const scope = { query: call.query, rawQuery: call.rawQuery, context: exec.context, before: exec.before, id: call.id, body: call.body, window };
  const fixed = renderValue(config.query ?? NO_VALUES, scope);
  const mapped = config.query_mapping
    ? await evaluate(config.query_mapping, scope, { label: `${call.model}/${call.resource} query_mapping`, budget: requestBudget(exec) })
    : {};
  return { ...fixed, ...(mapped && typeof mapped === 'object' ? mapped : {}) };
}

/** `request_header_mapping`: JSONata giving extra request headers. */
export async function mappedHeaders(
  exec: Execution,
  config: CallConfig,
  call: UnifiedCall,
  requestBody?: unknown,
): Promise<Record<string, string> | undefined> {
  if (!config.request_header_mapping) return undefined;
  const scope = {
    headers: {},
    body: call.body,
    query: call.query,
    rawQuery: call.rawQuery,
    context: exec.context,
    requestBody,
    before: exec.before,
    id: call.id,
  };
  const headers = await evaluate(config.request_header_mapping, scope, {
    label: `${call.model}/${call.resource} request_header_mapping`,
    budget: requestBudget(exec),
  });
  if (!headers || typeof headers !== 'object') return undefined;
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
