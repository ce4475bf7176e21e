/**
 * Where definitions and mappings hold JSONata: the one list that the catalog check, override
 * validation and override marking (provenance.ts) all walk, so no key the engine evaluates can
 * be validated but left unmarked, or the other way round. It mirrors the engine's `evaluate`
 * call sites (unified-engine.ts, map-records.ts, steps.ts, pagination.ts, resource-call.ts,
 * create-execution.ts); a test there keeps the two in step.
 *
 * - keys ending `_mapping` or `_expression`, and `match`, `filter`, `run_if`, `expression`,
 *   `is_rate_limited`;
 * - `message` in the `config` of an `error` step (steps.ts evaluates it; elsewhere a `message`
 *   is text), and `keep` in the `config` of a `request` step (what an `all_pages` request keeps
 *   of each page).
 *
 * Subtrees that are data sent upstream or schemas (`query`, `body`, `headers`, …) are skipped:
 * the engine renders them as `{{…}}` placeholders and never evaluates them, and a provider's
 * `query.filter` must reach the provider unchanged. The skip applies to those *fields* only,
 * never to names an author chooses (a side load or a resource called `headers` is a config like
 * any other): the maps keyed by such names are walked by structure (NAME_MAPS).
 */
const EXPRESSION_KEY = /(_mapping|_expression|^match$|^filter$|^run_if$|^expression$|^is_rate_limited$)$/;
const DATA_KEYS = new Set([
  'query',
  'body',
  'headers',
  'default_query',
  'default_body',
  'query_schema',
  'body_schema',
  'request_body_schema',
  'response_schema',
  'credentials',
  'window',
]);

/** Maps keyed by names the author chooses, and how many levels of names they have (resources: resource, then method). */
const NAME_MAPS: Record<string, number> = { resources: 2, side_load: 1, actions: 1, methods: 1 };

/** Step config keys that steps.ts turns into a source with `String(value)`, whatever their type, by step type. */
const COERCED_STEP_KEYS: Record<string, string> = {
  transform: 'expression',
  set_context: 'expression',
  update_context: 'expression',
  error: 'message',
  request: 'keep',
};

export interface ExpressionSlot {
  /** Path from the walked root, e.g. ['before', '0', 'config', 'message']. */
  path: string[];
  key: string;
  /** The slot's value: a string, or (step configs only) what `String()` would make a source of. */
  value: unknown;
  /** The object holding the slot, to replace the value in place. */
  holder: Record<string, unknown>;
}

/** The step-config keys evaluated whatever their type (`message` of an error step, `keep` of a request step, …). */
export const STEP_EXPRESSION_KEYS: ReadonlySet<string> = new Set(Object.values(COERCED_STEP_KEYS));

export function isExpressionKey(key: string): boolean {
  return EXPRESSION_KEY.test(key);
}

/**
 * Calls `visit` for every expression slot under `root`. Strings under expression keys are slots;
 * in a step's `config`, `expression` and `message` are slots whatever their type, since steps.ts
 * evaluates `String(config.expression)` (an array of one string would otherwise slip past as a
 * source nobody marked).
 */
export function forEachExpressionSlot(root: unknown, visit: (slot: ExpressionSlot) => void): void {
  const walk = (value: unknown, path: string[], stepConfigOf?: string, nameLevels = 0): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, String(i)]));
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (nameLevels > 0) {
      // Keys here are names, not fields: `headers` may be a side load, `query` a resource.
      for (const [name, v] of Object.entries(obj)) walk(v, [...path, name], undefined, nameLevels - 1);
      return;
    }
    const stepType = typeof obj.type === 'string' && 'config' in obj ? obj.type : undefined;
    for (const [key, v] of Object.entries(obj)) {
      const at = [...path, key];
      if (stepConfigOf !== undefined && COERCED_STEP_KEYS[stepConfigOf] === key) {
        if (v !== undefined && v !== null) visit({ path: at, key, value: v, holder: obj });
        continue;
      }
      if (typeof v === 'string') {
        if (isExpressionKey(key)) visit({ path: at, key, value: v, holder: obj });
        continue;
      }
      if (DATA_KEYS.has(key)) continue;
      if (Object.hasOwn(NAME_MAPS, key)) walk(v, at, undefined, NAME_MAPS[key]);
      else walk(v, at, key === 'config' && stepType !== undefined ? stepType : undefined);
    }
  };
  walk(root, []);
}
