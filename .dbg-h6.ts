import { builtinsReady, compileSource } from './src/engine/expressions/compiler/index.ts';
import { recordEvaluations } from './src/engine/expressions/evaluate.ts';
import { startTestStack } from './test/helpers/stack.ts';
await builtinsReady;
const seen: [string, any, string][] = [];
recordEvaluations((s, i, l) => { if (/users list response_mapping/.test(l)) seen.push([s, i, l]); });
const stack = await startTestStack();
for (const name of ['openai', 'anthropic', 'cursor']) { const r = await stack.api(`/unified/usage-metering/users?integrated_account_id=${stack.accounts[name]}`); await r.arrayBuffer(); }
recordEvaluations(undefined);
await stack.close();
const errs = new Map<string, number>();
for (const [s, i, l] of seen) {
  try { compileSource(s).run(i, Date.now() + 1000, () => new Error('t')); } catch (e: any) { const k = l + ' ' + (e.code ?? e.message); errs.set(k, (errs.get(k) ?? 0) + 1); }
}
console.log(seen.length, [...errs]);
const [s, i] = seen.find(x => /openai/.test(x[2]))!;
console.log(Object.keys(i), JSON.stringify(i).length);
const c = compileSource(s);
const t = performance.now(); for (let k = 0; k < 100000; k++) c.run(i, Date.now() + 1000, () => new Error()); console.log('openai run µs', ((performance.now() - t) * 1000 / 100000).toFixed(2));
process.exit(0);
