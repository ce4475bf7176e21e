import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { compiledExpressionCount } from '../../src/engine/expressions/evaluate.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { hostileStores } from './stores.ts';

/**
 * An API token holder writes JSONata into an account's `unified_model_override` that would hang
 * or exhaust the server: a backtracking regex, a gigabyte `$pad`, a doubling recursion, a
 * per-record mapping just under its time box over a whole page. Each attack must end in a 4xx of
 * its own (TESSERA_EXPRESSION_LIMIT_EXCEEDED) within seconds, while `GET /health` keeps answering
 * within a second and the server's memory stays where it was; and a flood of refused overrides
 * must not grow the compiled-expression cache.
 */
const MB = 1024 * 1024;

/**
 * The live heap after a full collection: what a leak grows. RSS is not: whether the collector ran
 * before the reading, and how much of its heap the allocator keeps, depend on the load of the machine.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
/** Response bodies, read field by field. */
type Json = any;

const ATTACKS: { name: string; mapping: string; reason: RegExp }[] = [
  { name: 'a catastrophic regex', mapping: '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)', reason: /was stopped after/ },
  { name: 'a gigabyte $pad', mapping: '{ "id": record.member.id, "pad": $pad("", 1e9) }', reason: /engine limit|out of memory/ },
  { name: 'a padded string flattened', mapping: '{ "id": record.member.id, "n": $length($pad("", 3e8)) }', reason: /out of memory/ },
  { name: 'a doubling recursion', mapping: '($f := function($a) { $f($append($a, $a)) }; $f([record]))', reason: /out of memory/ },
  {
    name: 'a per-record mapping just under its box, over a page',
    mapping: '($n := $count([1..150000].($ + 1)); { "id": record.member.id, "n": $n })',
    reason: /budget for override expressions|time box|was stopped/,
  },
];

for (const store of await hostileStores()) {
  describe(`override expressions are bounded (${store.name})`, { skip: store.env ? false : 'no Postgres reachable' }, () => {
    let stack: TestStack;
    let accountId: string;

    const json = { 'content-type': 'application/json' };
    const setMapping = (mapping: string) =>
      stack.api(`/integrated-account/${accountId}`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({
          unified_model_override: { 'usage-metering': { users: { list: { phases: [{ resource: 'members', method: 'list', response_mapping: mapping }] } } } },
        }),
      });
    const listUsers = () => stack.api(`/unified/usage-metering/users?integrated_account_id=${accountId}&limit=20`);

    /** Runs `work` while probing /health every 100 ms and sampling RSS; returns the slowest probe and the RSS peak. */
    async function whileProbing<T>(work: () => Promise<T>) {
      let slowestHealth = 0;
      let peakRss = process.memoryUsage().rss;
      let running = true;
      const probe = (async () => {
        while (running) {
          const started = performance.now();
          const res = await fetch(`${stack.apiUrl}/health`, { signal: AbortSignal.timeout(5000) });
          assert.equal(res.status, 200);
          await res.arrayBuffer();
          slowestHealth = Math.max(slowestHealth, performance.now() - started);
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      try {
        return { result: await work(), slowestHealth: () => slowestHealth, peakRss: () => peakRss };
      } finally {
        running = false;
        await probe;
      }
    }

    before(async () => {
      stack = await startTestStack(store.env);
      accountId = stack.accounts.neon;
      // An honest override works, and warms the sandbox so the attacks are timed on their own.
      assert.equal((await setMapping('{ "id": record.member.id, "name": $uppercase(record.user.email) }')).status, 200);
      const res = await listUsers();
      const body: Json = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.ok(body.result.length >= 3, `the simulator has members to map (${body.result.length})`);
      assert.equal(body.result[0].name, body.result[0].name.toUpperCase());
    });
    after(async () => {
      await stack?.close();
      await store.cleanup();
    });

    for (const attack of ATTACKS) {
      test(`${attack.name}: a 422 within seconds, /health answering meanwhile, memory flat`, async () => {
        assert.equal((await setMapping(attack.mapping)).status, 200, 'the override compiles, so it is stored');
        const rssBefore = process.memoryUsage().rss;
        const started = performance.now();
        const probed = await whileProbing(async () => {
          const res = await listUsers();
          return { status: res.status, body: (await res.json()) as Json, ms: performance.now() - started };
        });
        const { status, body, ms } = probed.result;
        assert.equal(status, 422, JSON.stringify(body));
        assert.equal(body.statusCode, 422);
        assert.equal(body.code, 'TESSERA_EXPRESSION_LIMIT_EXCEEDED');
        assert.match(body.message, /usage-metering\/users list response_mapping \(from an override\) exceeded its limits/);
        assert.match(body.message, attack.reason);
        assert.ok(ms < 5000, `answered after ${Math.round(ms)} ms`);
        assert.ok(probed.slowestHealth() < 1000, `/health took ${Math.round(probed.slowestHealth())} ms during the attack`);
        const growth = (probed.peakRss() - rssBefore) / MB;
        assert.ok(growth < 150, `the server's RSS grew by ${Math.round(growth)} MB`);
      });
    }

    test('the other override layers are sandboxed too: an environment mapping row, an integration_override step', async () => {
      const regex = '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)';
      assert.equal(
        (await stack.api(`/integrated-account/${accountId}`, { method: 'PATCH', headers: json, body: '{"unified_model_override":{}}' })).status,
        200,
      );
      const row = await stack.api('/environment-unified-model-resource-method', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          unified_model: 'usage-metering',
          resource_name: 'users',
          integration_name: 'neon',
          method_name: 'list',
          config: { phases: [{ resource: 'members', method: 'list', response_mapping: regex }] },
        }),
      });
      const rowBody: Json = await row.json();
      assert.equal(row.status, 200, JSON.stringify(rowBody));
      try {
        const probed = await whileProbing(async () => {
          const res = await listUsers();
          return { status: res.status, body: (await res.json()) as Json };
        });
        assert.equal(probed.result.status, 422, JSON.stringify(probed.result.body));
        assert.equal(probed.result.body.code, 'TESSERA_EXPRESSION_LIMIT_EXCEEDED');
        assert.ok(probed.slowestHealth() < 1000);
      } finally {
        await stack.api(`/environment-unified-model-resource-method/${rowBody.id}`, { method: 'DELETE' });
      }

      // An expression that is not a string (steps.ts would evaluate String(value)) is refused when saved...
      const odd = await stack.api(`/integrated-account/${accountId}`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ integration_override: { base_url: stack.simulators.neon, before: [{ type: 'transform', config: { expression: [regex] } }] } }),
      });
      assert.equal(odd.status, 400, await odd.clone().text());
      assert.equal(((await odd.json()) as Json).code, 'TESSERA_VALIDATION_FAILED');
      // ...and an integration_override step is sandboxed like every other override layer.
      const steps = [{ type: 'transform', config: { expression: regex } }];
      const patched = await stack.api(`/integrated-account/${accountId}`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ integration_override: { base_url: stack.simulators.neon, before: steps } }),
      });
      assert.equal(patched.status, 200, await patched.text());
      try {
        const res = await listUsers();
        const body: Json = await res.json();
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.equal(body.code, 'TESSERA_EXPRESSION_LIMIT_EXCEEDED');
        assert.match(body.message, /neon before step 0 \(from an override\)/);
      } finally {
        const restored = await stack.api(`/integrated-account/${accountId}`, {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ integration_override: { base_url: stack.simulators.neon } }),
        });
        assert.equal(restored.status, 200);
      }
    });

    test('an expression under a name that is also a data field (a side load called `headers`) is sandboxed too', async () => {
      const sideLoad = (response_mapping: string) =>
        stack.api(`/integrated-account/${accountId}`, {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({
            unified_model_override: {
              'usage-metering': {
                users: {
                  list: {
                    side_load: { headers: { resource: 'organizations', method: 'get', id: '{{context.org_id}}', response_mapping } },
                    phases: [{ resource: 'members', method: 'list', response_mapping: '{ "id": record.member.id, "got": side_load.headers }' }],
                  },
                },
              },
            },
          }),
        });
      // The Function constructor through $pick's prototype: no code runs, in the server or the sandbox.
      const gadget =
        '$each($each($pick($pick({}, "constructor"), "constructor"), function($v){ $pick($v, "constructor") }), function($f){ $f("return process.pid")() })';
      assert.equal((await sideLoad(gadget)).status, 200);
      const gadgetRes = await listUsers();
      const gadgetBody: Json = await gadgetRes.json();
      // $pick reads own keys only, so the chain finds no constructor and maps to nothing.
      assert.equal(gadgetRes.status, 200, JSON.stringify(gadgetBody).slice(0, 500));
      assert.ok(gadgetBody.result.every((u: Json) => u.got === undefined));
      assert.equal(JSON.stringify(gadgetBody).includes(String(process.pid)), false);
      // A backtracking regex there: the sandbox's 422 within seconds, /health answering meanwhile.
      assert.equal((await sideLoad('$match("aaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+b/) ? {"x":1} : {"x":2}')).status, 200);
      const probed = await whileProbing(async () => {
        const res = await listUsers();
        return { status: res.status, body: (await res.json()) as Json };
      });
      assert.equal(probed.result.status, 422, JSON.stringify(probed.result.body));
      assert.equal(probed.result.body.code, 'TESSERA_EXPRESSION_LIMIT_EXCEEDED');
      assert.ok(probed.slowestHealth() < 1000, `slowest /health ${probed.slowestHealth()} ms`);
    });

    test('after the attacks, an honest override is served again', async () => {
      assert.equal((await setMapping('{ "id": record.member.id, "name": "ok" }')).status, 200);
      const res = await listUsers();
      const body: Json = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.ok(body.result.every((u: { name: string }) => u.name === 'ok'));
    });

    test('1,000 unique refused overrides leave the compiled-expression cache as it was', async () => {
      const cached = compiledExpressionCount();
      const heapBefore = liveHeap();
      for (let i = 0; i < 1000; i++) {
        const res = await stack.api(`/integrated-account/${accountId}`, {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({
            unified_model_override: {
              'usage-metering': {
                users: {
                  list: { phases: [{ resource: 'members', method: 'list', response_mapping: `{ "id": record.member.id, "n${i}": ${i} }`, filter: '(' }] },
                },
              },
            },
          }),
        });
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as Json).code, 'TESSERA_VALIDATION_FAILED');
      }
      assert.equal(compiledExpressionCount(), cached);
      // 1,000 kept compiled closures and their sources would be tens of MB; request logs and caches of a few kB each are the noise.
      const growth = (liveHeap() - heapBefore) / MB;
      assert.ok(growth < 20, `the server's live heap grew by ${growth.toFixed(1)} MB`);
    });
  });
}
