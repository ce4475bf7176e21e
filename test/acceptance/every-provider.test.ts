import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog } from '../../src/integrations/catalog.ts';
import { loadSimulator } from '../../src/simulator-kit/discover.ts';
import { schemaValidator } from '../helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Every bundled integration, every unified resource it lists, through the sandbox to the end:
 * each record validates against the published JSON Schema, ids are unique across pages, and usage
 * rows are well-formed periods with integer minor-unit money. It reads the catalog, so a provider
 * added later is covered without editing this file.
 */
let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(async () => {
  await stack?.close();
});

const MAX_PAGES = 2_000;

async function listToTheEnd(path: string) {
  const records: Record<string, any>[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const res = await stack.api(`${path}&next_cursor=${encodeURIComponent(cursor)}`);
    const body = (await res.json()) as any;
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(body).slice(0, 400)}`);
    records.push(...body.result);
    cursor = body.next_cursor ?? '';
    pages++;
  } while (cursor && pages < MAX_PAGES);
  assert.equal(cursor, '', `${path} ended within ${MAX_PAGES} pages`);
  return { records, pages };
}

// The catalog is known before the stack starts: loadCatalog is what the server uses.
const catalog = loadCatalog();

for (const def of [...catalog.integrations.values()].filter((d) => d.sandbox).sort((a, b) => a.name.localeCompare(b.name))) {
  describe(def.name, () => {
    for (const file of catalog.mappingsFor(def.name).filter((m) => m.methods.list)) {
      test(`${file.model}/${file.resource}: lists to the end; every record validates`, async (t) => {
        const simulator = await loadSimulator(catalog.dir, def.sandbox!.simulator);
        const window = file.resource === 'usage' ? new URLSearchParams(simulator.sandbox.exampleUsageQuery ?? {}).toString() : '';
        const origin = simulatorOrigin(stack.simulators[def.name]);
        await fetch(`${origin}/__sim/requests`, { method: 'DELETE' });
        const started = performance.now();
        const { records, pages } = await listToTheEnd(
          `/unified/${file.model}/${file.resource}?integrated_account_id=${stack.accounts[def.name]}${window ? `&${window}` : ''}`,
        );
        const seconds = (performance.now() - started) / 1000;
        const upstream = ((await (await fetch(`${origin}/__sim/requests`)).json()) as { requests: unknown[] }).requests.length;

        assert.ok(records.length > 0, 'the sandbox seed has records');
        const validate = schemaValidator(file.model, file.resource);
        for (const r of records) assert.equal(validate(r), null, `${r.id} validates`);
        assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'ids are unique across pages');
        if (file.resource === 'usage') {
          for (const r of records) {
            assert.ok(Date.parse(r.start_date) < Date.parse(r.end_date), `${r.id}: start_date < end_date`);
            for (const c of r.charges ?? []) {
              assert.ok(Number.isInteger(c.amount), `${r.id}: ${c.amount} is an integer of minor units`);
              assert.match(c.currency, /^[A-Z]{3}$/, `${r.id}: ISO 4217 currency`);
            }
          }
        }
        t.diagnostic(`${def.name} ${file.resource}: ${records.length} records, ${pages} pages, ${upstream} upstream calls, ${seconds.toFixed(2)} s`);
      });
    }
  });
}
