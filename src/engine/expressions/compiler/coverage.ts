import type { Catalog } from '../../../integrations/catalog.ts';
import { forEachExpressionSlot } from '../slots.ts';
import { compileSource, NotCovered } from './index.ts';

/**
 * Which of the bundled integrations' JSONata expressions the compiler covers: every expression
 * slot of each definition and of its mappings (slots.ts knows them all: mappings, filters,
 * run_if, rate limits, pagination, steps...). For the catalog test and bench/mapping-compiler.ts.
 */
export interface BundledExpression {
  integration: string;
  where: string;
  source: string;
}

export function bundledExpressions(catalog: Catalog): BundledExpression[] {
  const out: BundledExpression[] = [];
  for (const def of catalog.integrations.values()) {
    forEachExpressionSlot(def, ({ path, value }) => out.push({ integration: def.name, where: `integration.yaml ${path.join('.')}`, source: String(value) }));
    for (const file of catalog.mappingsFor(def.name)) {
      forEachExpressionSlot(file.methods, ({ path, value }) =>
        out.push({ integration: def.name, where: `${file.model}.${file.resource} ${path.join('.')}`, source: String(value) }),
      );
    }
  }
  return out;
}

export interface Coverage {
  integration: string;
  total: number;
  compiled: number;
  refused: { where: string; reason: string }[];
}

/** Per integration: how many expressions compile, and why the others do not. */
export function coverageOf(catalog: Catalog): Coverage[] {
  const by = new Map<string, Coverage>();
  for (const e of bundledExpressions(catalog)) {
    const c = by.get(e.integration) ?? { integration: e.integration, total: 0, compiled: 0, refused: [] };
    by.set(e.integration, c);
    c.total++;
    try {
      compileSource(e.source);
      c.compiled++;
    } catch (err) {
      if (!(err instanceof NotCovered)) throw err;
      c.refused.push({ where: e.where, reason: err.message });
    }
  }
  return [...by.values()].sort((a, b) => a.integration.localeCompare(b.integration));
}
