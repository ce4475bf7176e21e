import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';
import { loadCatalog } from '../../integrations/catalog.ts';
import { closeSandbox, evaluate } from './evaluate.ts';
import { isUntrusted, markSource, markUntrusted, UNTRUSTED_MARK } from './provenance.ts';
import { forEachExpressionSlot, isExpressionKey, STEP_EXPRESSION_KEYS } from './slots.ts';

after(() => closeSandbox());

const override = {
  response_mapping: '{ "id": record.id }',
  query: { filter: 'status eq "active"', limit: '{{query.limit}}' },
  default_query: { match: 'all' },
  body: { expression: 'kept as data' },
  phases: [{ resource: 'members', response_mapping: 'record', filter: 'record.active' }],
  lookup: [{ match: 'records[id = $id]' }],
  side_load: { org: { resource: 'orgs', response_mapping: 'response.name' } },
  before: [
    { type: 'transform', run_if: 'true', config: { expression: ['$pad("", 1e9)'] } },
    { type: 'error', config: { status: 400, message: '"no " & query.x' } },
    { type: 'request', config: { resource: 'users', query: { filter: 'x' } } },
  ],
  documentation_link: 'https://example.test/docs',
};

test('an override layer is copied with every expression slot marked, and nothing else touched', () => {
  const original = structuredClone(override);
  const marked = markUntrusted(override);
  assert.deepEqual(override, original, 'the stored layer is left alone');
  assert.equal(marked.response_mapping, UNTRUSTED_MARK + '{ "id": record.id }');
  assert.ok(isUntrusted(marked.phases[0].response_mapping) && isUntrusted(marked.phases[0].filter));
  assert.ok(isUntrusted(marked.lookup[0].match));
  assert.ok(isUntrusted(marked.side_load.org.response_mapping!));
  assert.ok(isUntrusted(marked.before[0].run_if!));
  // steps.ts evaluates String(config.expression): an array of one string is that string, marked.
  assert.equal(marked.before[0].config.expression, UNTRUSTED_MARK + '$pad("", 1e9)');
  assert.equal(marked.before[1].config.message, UNTRUSTED_MARK + '"no " & query.x');
  // Data sent upstream, and text that is not an expression, reach their destination unchanged.
  assert.deepEqual(marked.query, override.query);
  assert.deepEqual(marked.default_query, override.default_query);
  assert.deepEqual(marked.body, override.body);
  assert.deepEqual(marked.before[2], override.before[2]);
  assert.equal(marked.documentation_link, override.documentation_link);
  assert.deepEqual(markUntrusted(marked), marked, 'marking twice changes nothing');
});

test('a forged mark only sends an expression to the sandbox', async () => {
  assert.equal(markSource(markSource('a')), markSource('a'));
  // Over the sandbox's result limit, fine in process: where it ran shows in the outcome.
  const big = '[1..1500000]';
  assert.equal(((await evaluate(big, {}, { label: 'shipped' })) as unknown[]).length, 1500000);
  await assert.rejects(evaluate(UNTRUSTED_MARK + big, {}, { label: 'forged' }), { code: 'TESSERA_EXPRESSION_LIMIT_EXCEEDED' });
});

test('no shipped definition or mapping is marked: bundled expressions keep the in-process path', () => {
  const catalog = loadCatalog();
  const sources: string[] = [];
  for (const def of catalog.integrations.values()) forEachExpressionSlot(def, (s) => sources.push(String(s.value)));
  for (const file of catalog.mappings.values()) forEachExpressionSlot(file.methods, (s) => sources.push(String(s.value)));
  assert.ok(sources.length > 20, `found ${sources.length} expressions`);
  assert.deepEqual(
    sources.filter((s) => s.includes(UNTRUSTED_MARK)),
    [],
  );
});

test('every key the engine evaluates is an expression slot (validated and marked)', () => {
  // The first argument of each evaluate(…) / matchLookup(…) call in the engine, e.g.
  // `mapping.request_body_mapping`, `String(config.message ?? …)`: its last property name is the key.
  // Every module of the engine, so an evaluate() moved into a new file is still checked.
  const files = fs.readdirSync(new URL('..', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  assert.ok(files.includes('steps.ts') && files.includes('unified-engine.ts'), files.join(', '));
  const keys = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    for (const m of text.matchAll(/\b(?:evaluate|matchLookup)\(\s*(?:String\()?([A-Za-z_.?!]+)/g)) keys.add(m[1].split('.').pop()!.replace(/[?!]/g, ''));
    for (const m of text.matchAll(/\b(filter|mapping): config\.([a-z_]+)/g)) keys.add(m[2]);
  }
  // Locals that hold a slot's value: `expression` (mapSkipped, remoteError) and `source`.
  // Locals named after the slot they hold (phase-skip.ts: `const runIf = phases[ph]?.run_if`).
  const locals: Record<string, string> = { runIf: 'run_if' };
  const notSlots = [...keys].map((k) => locals[k] ?? k).filter((k) => !isExpressionKey(k) && !STEP_EXPRESSION_KEYS.has(k));
  assert.deepEqual(notSlots, [], 'add these keys to expressions/slots.ts, or the engine evaluates what overrides can set unmarked');
  assert.ok(keys.has('message') && keys.has('keep') && keys.has('request_body_mapping') && keys.has('is_rate_limited'), [...keys].join(', '));
});
