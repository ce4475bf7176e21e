/**
 * The JSONata compiler in figures (`npx tsx bench/mapping-compiler.ts`): per integration, the
 * share of its expressions the compiler covers; and for every bundled users and usage mapping,
 * µs per upstream record compiled against the interpreter, over the very scopes the engine builds
 * for the simulator's records (recorded while listing through a real Tessera in sandbox mode).
 * `mappingCompilerBench()` returns the rows, for `npm run bench` to print.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { builtinsReady, compileSource, setCompilerEnabled } from '../src/engine/expressions/compiler/index.ts';
import { coverageOf } from '../src/engine/expressions/compiler/coverage.ts';
import { evaluate, evaluateRecords, recordEvaluations } from '../src/engine/expressions/evaluate.ts';
import { loadCatalog } from '../src/integrations/catalog.ts';
import { loadSimulator } from '../src/simulator-kit/discover.ts';
import { startTestStack } from '../test/helpers/stack.ts';

export interface MappingRow {
  integration: string;
  mapping: string;
  records: number;
  compiled: boolean;
  compiledUs: number;
  interpretedUs: number;
}

export interface CoverageRow {
  integration: string;
  compiled: number;
  total: number;
}

function omitRecordKeys(input: Record<string, unknown>): Record<string, unknown> {
  const { record: _r, response: _s, body: _b, ...base } = input;
  return base;
}

/** Runs `body` over and over for at least `minMs`; the mean ms of one run. */
async function timeIt(body: () => unknown, minMs = 300): Promise<number> {
  for (let i = 0; i < 3; i++) await body(); // warm up
  let runs = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    await body();
    runs++;
  }
  return (performance.now() - started) / runs;
}

export async function mappingCompilerBench(): Promise<{ coverage: CoverageRow[]; mappings: MappingRow[] }> {
  await builtinsReady;
  const catalog = loadCatalog();
  const coverage = coverageOf(catalog).map(({ integration, compiled, total }) => ({ integration, compiled, total }));

  // The scopes the engine hands each users/usage response_mapping, recorded while listing.
  const seen = new Map<string, { integration: string; label: string; inputs: Record<string, unknown>[] }>();
  recordEvaluations((source, input, label) => {
    const m = /^(\S+) usage-metering\/(users|usage) list response_mapping$/.exec(label);
    if (!m) return;
    const key = `${label}\n${source}`;
    const entry = seen.get(key) ?? { integration: m[1], label, inputs: [] };
    seen.set(key, entry);
    entry.inputs.push(input);
  });
  const stack = await startTestStack();
  try {
    for (const def of [...catalog.integrations.values()].filter((d) => d.sandbox)) {
      const simulator = await loadSimulator(catalog.dir, def.sandbox!.simulator);
      for (const file of catalog.mappingsFor(def.name).filter((f) => f.methods.list && (f.resource === 'users' || f.resource === 'usage'))) {
        const window = file.resource === 'usage' ? new URLSearchParams(simulator.sandbox.exampleUsageQuery ?? {}).toString() : '';
        const res = await stack.api(`/unified/${file.model}/${file.resource}?integrated_account_id=${stack.accounts[def.name]}${window ? `&${window}` : ''}`);
        await res.arrayBuffer();
      }
    }
  } finally {
    recordEvaluations(undefined);
    await stack.close();
  }

  const mappings: MappingRow[] = [];
  let phase = new Map<string, number>();
  for (const [key, { integration, label, inputs }] of seen) {
    const source = key.slice(label.length + 1);
    const n = (phase.get(label) ?? 0) + 1;
    phase = phase.set(label, n);
    // An array mapping sees the page at once (`records`); a per-record mapping one record per scope.
    const recordCount = inputs.reduce((sum, i) => sum + (Array.isArray(i.records) && i.record === undefined ? i.records.length : 1), 0);
    let compiled = true;
    try {
      compileSource(source);
    } catch {
      compiled = false;
    }
    // The engine's own entry points, as a list calls them: evaluateRecords for a per-record
    // mapping (one page of records over the shared scope), evaluate() for an array mapping.
    const perRecord = inputs.every((i) => i.record !== undefined);
    const base = perRecord ? omitRecordKeys(inputs[0]) : undefined;
    const records = perRecord ? inputs.map((i) => i.record) : [];
    const once = perRecord
      ? () => evaluateRecords({ mapping: source, base: base!, records, recordKeys: ['record', 'response', 'body'], filterLabel: label, mappingLabel: label })
      : async () => {
          for (const input of inputs) await evaluate(source, input, { label, timeoutMs: 10_000 });
        };
    setCompilerEnabled(true);
    const compiledMs = compiled ? await timeIt(once) : NaN;
    setCompilerEnabled(false);
    const interpretedMs = await timeIt(once);
    setCompilerEnabled(true);
    mappings.push({
      integration,
      mapping: `${label.replace(`${integration} usage-metering/`, '').replace(' list response_mapping', '')} #${n}`,
      records: recordCount,
      compiled,
      compiledUs: (compiledMs * 1000) / recordCount,
      interpretedUs: (interpretedMs * 1000) / recordCount,
    });
  }
  return { coverage, mappings };
}

export function printMappingCompilerBench({ coverage, mappings }: Awaited<ReturnType<typeof mappingCompilerBench>>): void {
  console.log('\nJSONata compiler coverage (bundled expressions compiled)');
  console.log('integration      compiled/total  share');
  let c = 0;
  let t = 0;
  for (const row of coverage) {
    c += row.compiled;
    t += row.total;
    console.log(`${row.integration.padEnd(16)} ${`${row.compiled}/${row.total}`.padStart(14)}  ${((100 * row.compiled) / row.total).toFixed(1).padStart(5)}%`);
  }
  console.log(`${'all'.padEnd(16)} ${`${c}/${t}`.padStart(14)}  ${((100 * c) / t).toFixed(1).padStart(5)}%`);
  console.log('\nMapping cost per upstream record (µs), compiled vs interpreter');
  console.log('integration      mapping          records  compiled  interpreter  speed-up');
  for (const r of mappings.sort((a, b) => a.integration.localeCompare(b.integration) || a.mapping.localeCompare(b.mapping))) {
    console.log(
      `${r.integration.padEnd(16)} ${r.mapping.padEnd(16)} ${String(r.records).padStart(7)}  ${(r.compiled ? r.compiledUs.toFixed(2) : 'refused').padStart(8)}  ${r.interpretedUs.toFixed(2).padStart(11)}  ${r.compiled ? `${(r.interpretedUs / r.compiledUs).toFixed(0)}x`.padStart(8) : ''}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printMappingCompilerBench(await mappingCompilerBench());
  process.exit(0);
}
