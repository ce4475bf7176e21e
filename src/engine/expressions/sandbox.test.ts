import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { TesseraError } from '../../errors/catalogue.ts';
import { closeSandbox, evaluate, evaluateRecords, ExpressionBudget, FILTERED_OUT, sandboxPool } from './evaluate.ts';
import { markSource } from './provenance.ts';

/**
 * The sandbox holds its limits where the in-process time box cannot: inside one native call (a
 * backtracking regex), on allocations (a huge $pad, a doubling recursion), on the size of what
 * comes back, and over a whole page of per-record evaluations. Each failure is the override's
 * 422, and the next evaluation still works.
 */
after(() => closeSandbox());

const untrusted = (source: string, input: Record<string, unknown> = {}, budget?: ExpressionBudget) =>
  evaluate(markSource(source), input, { label: 'acme usage-metering/users list response_mapping', budget });

async function refusal(promise: Promise<unknown>): Promise<{ error: TesseraError; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof TesseraError, String(e));
    return { error: e, ms: performance.now() - started };
  }
  assert.fail('expected the expression to be refused');
}

function assertLimit(error: TesseraError, reason: RegExp) {
  assert.equal(error.status, 422);
  assert.equal(error.code, 'TESSERA_EXPRESSION_LIMIT_EXCEEDED');
  assert.match(error.message, /acme usage-metering\/users list response_mapping \(from an override\)/);
  assert.match(error.message, reason);
}

test('an override expression runs with Tessera’s functions and its input as $variables', async () => {
  assert.equal(await untrusted('$toMinorUnits(amount, "usd") + $count($records)', { amount: 0.29, records: [1, 2] }), 31);
  assert.deepEqual(await untrusted('$keyBy(items, "id")', { items: [{ id: 'a' }] }), { a: { id: 'a' } });
  assert.equal(await untrusted('nothing'), undefined);
});

test('a catastrophic regex is stopped inside the native call, near its time box', async () => {
  const { error, ms } = await refusal(untrusted('$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)'));
  assertLimit(error, /was stopped after \d+ ms/);
  assert.ok(ms < 3000, `took ${ms} ms`);
});

test('memory bombs end the sandbox process, not the server', async () => {
  const huge = await refusal(untrusted('$pad("", 1e9)'));
  assertLimit(huge.error, /engine limit|out of memory/);
  const flattened = await refusal(untrusted('$length($pad("", 3e8))'));
  assertLimit(flattened.error, /ran out of memory \(the sandbox allows 64 MB of heap\)/);
  const doubling = await refusal(untrusted('($f := function($a) { $f($append($a, $a)) }; $f([1, 2, 3]))'));
  assertLimit(doubling.error, /ran out of memory/);
  const strings = await refusal(untrusted('($f := function($s) { $f($s & $s) }; $f("abc"))'));
  assertLimit(strings.error, /engine limit|out of memory/);
  assert.ok(process.memoryUsage().rss < 400 * 1024 * 1024, 'the test process did not take the allocations');
});

test('a lost process is replaced and the next evaluation works', async () => {
  const before = sandboxPool().started;
  await refusal(untrusted('$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)'));
  assert.equal(await untrusted('$uppercase("still here")'), 'STILL HERE');
  assert.ok(sandboxPool().started > before, 'a replacement process was started');
});

test('a result larger than the limit is refused; the same expression runs unmarked in process', async () => {
  const big = '[1..1500000]';
  assertLimit((await refusal(untrusted(big))).error, /returned \d+ characters of JSON, over the limit/);
  assert.equal(((await evaluate(big, {}, { label: 'shipped' })) as unknown[]).length, 1500000);
});

test('a runaway recursion is stopped (soft box, stack or kill, whichever first), and an ordinary mistake is a 422 for the override author', async () => {
  assertLimit(
    (await refusal(untrusted('($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))'))).error,
    /time box|engine limit|was stopped|ran out of memory/,
  );
  const mistake = await refusal(untrusted('$substring(1, 2, 3, 4)'));
  assert.equal(mistake.error.status, 422);
  assert.equal(mistake.error.code, 'TESSERA_OVERRIDE_FAILED');
  assert.match(mistake.error.message, /Override expression acme usage-metering\/users list response_mapping failed: /);
});

test('a page of records is one job: filter and mapping per record, as in process', async () => {
  const records = [{ id: 1, kind: 'a' }, { id: 2, kind: 'b' }, { id: 3, kind: 'a' }, { id: 4 }];
  const job = (mark: (s: string) => string) =>
    evaluateRecords({
      filter: mark('record.kind = "a" or $not($exists(record.kind))'),
      mapping: mark('record.kind ? { "id": $string(record.id), "tag": tag } : undefined'),
      base: { tag: 'x' },
      records,
      recordKeys: ['record'],
      filterLabel: 'filter',
      mappingLabel: 'mapping',
    });
  // In process, jsonata's objects have no prototype; from the sandbox they come back as JSON: compare the data.
  const plain = (list: unknown[]) => list.map((v) => (v && typeof v === 'object' ? { ...v } : v));
  const trusted = plain(await job((s) => s));
  assert.deepEqual(trusted, [{ id: '1', tag: 'x' }, FILTERED_OUT, { id: '3', tag: 'x' }, undefined]);
  assert.deepEqual(plain(await job(markSource)), trusted);
});

test('many records just under the time box share one budget per request', async () => {
  const budget = new ExpressionBudget(2000);
  const started = performance.now();
  const { error } = await refusal(
    evaluateRecords({
      mapping: markSource('$count([1..150000].($ + 1))'),
      base: {},
      records: Array.from({ length: 15 }, (_, i) => i),
      recordKeys: ['record'],
      filterLabel: 'f',
      mappingLabel: 'acme usage-metering/users list response_mapping',
      budget,
    }),
  );
  const ms = performance.now() - started;
  assertLimit(error, /budget for override expressions \(2000 ms\)|time box|was stopped/);
  assert.ok(ms < 4000, `took ${ms} ms`);
  assert.equal(budget.remainingMs, 0);
  // The request's budget is spent: later override expressions of the same request are refused at once.
  assertLimit((await refusal(untrusted('1', {}, budget))).error, /used up the request's budget/);
});

test('the pool is shared fairly: a full queue is refused at once, and a job that waited past its budget is not run', async () => {
  const { SandboxBusy, SandboxPool } = await import('./sandbox.ts');
  const pool = new SandboxPool({ processes: 1, heapMb: 64, semiSpaceMb: 8, graceMs: 100, startupTimeoutMs: 30_000, maxQueue: 1 });
  // Idle sandbox processes do not keep a process alive (a server's listening socket does); this test has none.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const slowJob = {
      kind: 'one',
      source: '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
      input: {},
      boxMs: 600,
      budgetMs: 600,
      totalBudgetMs: 600,
      maxResultChars: 1000,
    } as const;
    const quick = { kind: 'one', source: '1 + 1', input: {}, boxMs: 500, budgetMs: 500, totalBudgetMs: 500, maxResultChars: 1000 } as const;
    assert.equal((await pool.run(quick, 1000)).ok, true, 'the process is up');
    const slow = pool.run(slowJob, 700).catch((e: Error) => e);
    // Behind the slow job, with 50 ms to spare: it will have waited longer than that when a process frees.
    const impatient = pool.run(quick, 1000, 50).catch((e: Error) => e);
    const refused = await pool.run(quick, 1000).catch((e: Error) => e);
    assert.ok(refused instanceof SandboxBusy, String(refused));
    assert.match(refused.message, /busy \(1 jobs waiting\)/);
    await slow;
    const waited = await impatient;
    assert.ok(waited instanceof SandboxBusy, String(waited));
    assert.match(waited.message, /waited \d+ ms for a free expression sandbox/);
    assert.equal((await pool.run(quick, 1000)).ok, true, 'and the pool serves again');
  } finally {
    await pool.close();
    clearInterval(keepAlive);
  }
});
