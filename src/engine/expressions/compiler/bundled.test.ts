import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { loadCatalog } from '../../../integrations/catalog.ts';
import { loadSimulator } from '../../../simulator-kit/discover.ts';
import { compiledReruns } from '../evaluate.ts';
import { coverageOf } from './coverage.ts';
import { builtinsReady, compilerEnabled, setCompilerEnabled } from './index.ts';

/**
 * The compiler on the bundled integrations: (a) it covers at least 95% of their expressions (the
 * rest stay with the interpreter), and (b) every bundled users and usage list gives the same
 * records with the compiler on and off, over each provider's simulator.
 */
const catalog = loadCatalog();

test('the compiler covers at least 95% of the bundled expressions', async () => {
  await builtinsReady;
  const coverage = coverageOf(catalog);
  let total = 0;
  let compiled = 0;
  for (const c of coverage) {
    total += c.total;
    compiled += c.compiled;
    console.log(`${c.integration}: ${c.compiled}/${c.total} compiled${c.refused.map((r) => `\n  refused ${r.where}: ${r.reason}`).join('')}`);
  }
  console.log(`overall: ${compiled}/${total} (${((100 * compiled) / total).toFixed(1)}%)`);
  assert.ok(compiled / total >= 0.95, `${compiled}/${total}`);
});

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(async () => {
  setCompilerEnabled(true);
  await stack?.close();
});

async function listAll(path: string): Promise<unknown[]> {
  const records: unknown[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const res = await stack.api(`${path}&next_cursor=${encodeURIComponent(cursor)}`);
    const body = (await res.json()) as { result: unknown[]; next_cursor?: string };
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(body).slice(0, 400)}`);
    records.push(...body.result);
    cursor = body.next_cursor ?? '';
  } while (cursor && ++pages < 500);
  return records;
}

for (const def of [...catalog.integrations.values()].filter((d) => d.sandbox).sort((a, b) => a.name.localeCompare(b.name))) {
  for (const file of catalog.mappingsFor(def.name).filter((m) => m.methods.list && (m.resource === 'users' || m.resource === 'usage'))) {
    test(`${def.name} ${file.model}/${file.resource}: the same records compiled and interpreted`, async () => {
      const simulator = await loadSimulator(catalog.dir, def.sandbox!.simulator);
      const window = file.resource === 'usage' ? new URLSearchParams(simulator.sandbox.exampleUsageQuery ?? {}).toString() : '';
      // A fresh account per run: some providers' request budgets (Cursor: 20 a minute) would not cover four lists on one.
      const pathFor = (account: string) => `/unified/${file.model}/${file.resource}?integrated_account_id=${account}${window ? `&${window}` : ''}`;
      const accounts = [
        await stack.connect(def.name, { context: simulator.sandbox.context }),
        await stack.connect(def.name, { context: simulator.sandbox.context }),
      ];
      assert.ok(compilerEnabled());
      const rerunsBefore = compiledReruns();
      const compiled = await listAll(pathFor(accounts[0]));
      assert.equal(compiledReruns(), rerunsBefore, 'no compiled evaluation fell back to the interpreter');
      setCompilerEnabled(false);
      try {
        const interpreted = await listAll(pathFor(accounts[1]));
        assert.ok(compiled.length > 0, 'the simulator has records');
        assert.deepStrictEqual(compiled, interpreted);
      } finally {
        setCompilerEnabled(true);
      }
    });
  }
}
