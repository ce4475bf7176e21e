/**
 * What Tessera adds over the upstream round trip, in figures (npm run bench).
 *
 * Starts a real Tessera (SQLite in a temp dir, sandbox mode) and the Neon simulator on loopback,
 * then times, sequentially and at a fixed concurrency:
 *   1. the upstream alone: GET members (limit 100) straight from the simulator;
 *   2. the same call through /proxy/members (auth, account load, definition, envelope);
 *   3. the unified users list (limit 100): the same upstream call plus JSONata mapping;
 *   4. the same list with the mapping given as an account override (run in the expression sandbox);
 * and, with no network at all, the mapping of 1 200 members by the bundled mapping; then, for
 * every integration that maps usage, the mapping cost per usage row (unified − raw); and the cold
 * start of the compiled server against tsx (bench/cold-start.ts); and Tessera side by side with a
 * hand-written proxy making the same calls (bench/throughput.ts, bench/baseline-proxy.ts); and the
 * JSONata compiler's coverage and µs per record, compiled vs interpreter (bench/mapping-compiler.ts).
 * Overhead = Tessera − upstream. Figures vary with the machine; compare runs on one machine.
 *
 * Options (env): BENCH_REQUESTS (default 300), BENCH_CONCURRENCY (default 8), BENCH_ONLY=throughput
 * (only the side-by-side with the baseline proxy, against the fast upstream), BENCH_ONLY=stream (only
 * the 1,000,000-record stream of bench/stream.ts; BENCH_STREAM_RECORDS scales it).
 */
import { performance } from 'node:perf_hooks';
import { mapUpstreamRecords } from '../src/engine/unified-engine.ts';
import { DEFAULT_NEON_BIG_ORG_ID, DEFAULT_NEON_EXTRA_KEYS } from '../src/providers/neon/simulator/index.ts';
import { findUnifiedResource } from '../src/models/index.ts';
import { loadSimulator } from '../src/simulator-kit/discover.ts';
import { startTestStack } from '../test/helpers/stack.ts';
import { coldStart } from './cold-start.ts';
import { startFastUpstream } from './fast-upstream.ts';
import { connectionsBench } from './connections.ts';
import { throughputBench } from './throughput.ts';
import { mappingCompilerBench, printMappingCompilerBench } from './mapping-compiler.ts';
import { printStreamBench, streamBench } from './stream.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  rps: number;
}

function summarise(samples: number[], wallMs: number): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length, rps: (samples.length / wallMs) * 1000 };
}

async function measure(request: () => Promise<Response>, concurrency: number): Promise<Figures> {
  for (let i = 0; i < 20; i++) await (await request()).arrayBuffer(); // warm up JIT, caches, connections
  const samples: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < REQUESTS) {
        issued++;
        const t = performance.now();
        const res = await request();
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`bench request failed with ${res.status}`);
        samples.push(performance.now() - t);
      }
    }),
  );
  return summarise(samples, performance.now() - started);
}

const ms = (n: number) => n.toFixed(2).padStart(8);
function row(name: string, f: Figures, upstream?: Figures) {
  const overhead = upstream ? `${ms(f.p50 - upstream.p50)} ${ms(f.p95 - upstream.p95)}` : ' '.repeat(17);
  console.log(`${name.padEnd(34)}${ms(f.p50)}${ms(f.p95)}${ms(f.p99)}${(f.rps.toFixed(0) + '/s').padStart(9)}   ${overhead}`);
}

/**
 * The cost of mapping usage rows, per integration that maps usage: the engine lists the sandbox
 * window to the end twice per round, once with the bundled mapping and once with the mappings'
 * response expressions removed (records pass through untouched), over the same upstream calls.
 * The difference per row is what the mapping costs. Integrations come from the catalog, so a new
 * provider is measured too. Accounts get a budget override: the bench measures mapping, not the
 * providers' documented request budgets.
 */
async function usageRows() {
  console.log(`\nusage rows, sandbox window, median of ${USAGE_ROUNDS} rounds; ms       unmapped  mapped    rows   mapping per row`);
  const { catalog, access, engine } = stack.services;
  for (const def of [...catalog.integrations.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const mapping = catalog.getMapping(def.name, def.category, 'usage', 'list');
    if (!mapping || !stack.accounts[def.name]) continue;
    const simulator = await loadSimulator(catalog.dir, def.sandbox!.simulator);
    const created = await stack.api('/integrated-account', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant_id: 'bench',
        integration: def.name,
        context: simulator.sandbox.context,
        integration_override: { base_url: stack.simulators[def.name], rate_limit: { budget: { requests: 1_000_000, per_seconds: 1 } } },
      }),
    });
    const account = ((await created.json()) as { id: string }).id;
    const accountRecord = await stack.services.store.getIntegratedAccount(account);
    const info = findUnifiedResource(def.category, 'usage')!;
    const unmapped = {
      ...mapping,
      response_mapping: undefined,
      response_mapping_method: undefined,
      phases: mapping.phases?.map((p) => ({ ...p, response_mapping: undefined, response_mapping_method: undefined })),
    };
    const call = { model: def.category, resource: 'usage', method: 'list', query: { ...(simulator.sandbox.exampleUsageQuery ?? {}) }, rawQuery: {} };
    const run = async (m: typeof mapping) => {
      const exec = access.execution(accountRecord!);
      let rows = 0;
      const t = performance.now();
      await engine.listAll(exec, m, call, info, async (page) => {
        rows += page.records.length;
      });
      return { ms: performance.now() - t, rows };
    };
    await run(mapping);
    await run(unmapped); // warm up both paths
    // Alternate the two so that load on the machine falls on both alike; compare medians.
    const samples = { unmapped: [] as number[], mapped: [] as number[] };
    let rows = 0;
    for (let i = 0; i < USAGE_ROUNDS; i++) {
      samples.unmapped.push((await run(unmapped)).ms);
      const mapped = await run(mapping);
      samples.mapped.push(mapped.ms);
      rows = mapped.rows;
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const [base, full] = [median(samples.unmapped), median(samples.mapped)];
    console.log(
      `${def.name.padEnd(56)}${ms(base)}${ms(full)}${String(rows).padStart(8)}   ${(((full - base) * 1000) / Math.max(1, rows)).toFixed(1).padStart(8)} µs`,
    );
  }
}

/**
 * Tessera beside the hand-written proxy, both reading the fast upstream (bench/fast-upstream.ts,
 * its own process): the in-process simulator would cap both near its own rate and squeeze the ratio.
 */
async function sideBySide() {
  const org = `/organizations/${DEFAULT_NEON_BIG_ORG_ID}`;
  const fast = await startFastUpstream({ apiKey: upstreamKey, paths: [org, ...[1, 10, 100, 500].map((n) => `${org}/members?limit=${n}`)] });
  try {
    stack.services.egress.allowOrigin(fast.origin);
    const accountId = await stack.connect('neon', {
      tenant_id: 'bench',
      context: { api_key: upstreamKey, org_id: DEFAULT_NEON_BIG_ORG_ID },
      integration_override: { base_url: fast.baseUrl },
    });
    await throughputBench({ neon: fast.baseUrl, apiKey: upstreamKey, orgId: DEFAULT_NEON_BIG_ORG_ID, apiUrl: stack.apiUrl, token: stack.token, accountId });
  } finally {
    await fast.close();
  }
}

const USAGE_ROUNDS = Number(process.env.BENCH_USAGE_ROUNDS ?? 10);
const ONLY = process.env.BENCH_ONLY;
const upstreamKey = DEFAULT_NEON_EXTRA_KEYS.bigOrg;
// The record index off (BENCH_RECORD_INDEX_TTL_S to turn it on): the baseline proxy has none, so
// with it a get would be compared against a scan it skips; the bench measures the scanning get.
const stack = await startTestStack({ TESSERA_RECORD_INDEX_TTL_S: process.env.BENCH_RECORD_INDEX_TTL_S ?? '0' });
try {
  if (ONLY === 'throughput') {
    await sideBySide();
  } else if (ONLY === 'stream') {
    printStreamBench(await streamBench());
  } else await everything();
} finally {
  await stack.close();
}

async function everything() {
  /** A Neon account on the 1 200-member org, with whatever else the row needs. */
  const neonAccount = (extra: Record<string, unknown> = {}) =>
    stack.connect('neon', { tenant_id: 'bench', context: { api_key: upstreamKey, org_id: DEFAULT_NEON_BIG_ORG_ID }, ...extra });
  const account = await neonAccount();

  const upstream = () =>
    fetch(`${stack.simulators.neon}/organizations/${DEFAULT_NEON_BIG_ORG_ID}/members?limit=100`, { headers: { authorization: `Bearer ${upstreamKey}` } });
  const proxy = () => stack.api(`/proxy/members?integrated_account_id=${account}&limit=100`);
  const unified = () => stack.api(`/unified/usage-metering/users?integrated_account_id=${account}&limit=100`);
  // The same list through an account override that repeats the bundled mapping word for word: the
  // override's expressions run in the sandbox (docs/security.md), so this row is its cost.
  const bundledPhases = stack.services.catalog.getMapping('neon', 'usage-metering', 'users', 'list')?.phases;
  const overrideAccount = await neonAccount({ unified_model_override: { 'usage-metering': { users: { list: { phases: bundledPhases } } } } });
  const sandboxed = () => stack.api(`/unified/usage-metering/users?integrated_account_id=${overrideAccount}&limit=100`);

  console.log(`Tessera bench: ${REQUESTS} requests per row, Node ${process.version}, ${new Date().toISOString()}`);
  for (const concurrency of [1, CONCURRENCY]) {
    console.log(`\nconcurrency ${concurrency}; latency in ms${' '.repeat(7)}p50     p95     p99   throughput   overhead p50/p95`);
    const base = await measure(upstream, concurrency);
    row('upstream members (simulator)', base);
    row('tessera /proxy/members', await measure(proxy, concurrency), base);
    row('tessera unified users list', await measure(unified, concurrency), base);
    row('  same, mapping as an override', await measure(sandboxed, concurrency), base);
  }

  // The mapping alone: every member of the 1 200-member org through the bundled list mapping.
  const members: unknown[] = [];
  for (let cursor: string | undefined; ;) {
    const res = await fetch(`${stack.simulators.neon}/organizations/${DEFAULT_NEON_BIG_ORG_ID}/members?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${upstreamKey}` },
    });
    const body = (await res.json()) as { members: unknown[]; pagination?: { next?: string } };
    members.push(...body.members);
    if (!body.members.length || !body.pagination?.next) break;
    cursor = encodeURIComponent(body.pagination.next);
  }
  const listMapping = stack.services.catalog.getMapping('neon', 'usage-metering', 'users', 'list');
  const config = listMapping?.phases?.[0] ?? listMapping;
  if (!config?.response_mapping) throw new Error('the bundled neon users list mapping has no response_mapping');
  const input = {
    integrationName: 'neon',
    config,
    call: { model: 'usage-metering', resource: 'users', method: 'list', query: {}, rawQuery: {} },
    records: members,
    sideLoad: { organization: { id: DEFAULT_NEON_BIG_ORG_ID, name: 'Bench org' } },
    context: {},
    before: {},
    headers: {},
  };
  for (let i = 0; i < 3; i++) await mapUpstreamRecords(input);
  const rounds = 20;
  const t = performance.now();
  for (let i = 0; i < rounds; i++) await mapUpstreamRecords(input);
  const perRecordUs = ((performance.now() - t) * 1000) / (rounds * members.length);
  console.log(`\nmapping only: ${members.length} members × ${rounds} rounds, ${perRecordUs.toFixed(1)} µs per record`);
  await sideBySide();
  await usageRows();
  printMappingCompilerBench(await mappingCompilerBench());
  await coldStart({ neonOrigin: stack.simulators.neon, apiKey: upstreamKey, orgId: DEFAULT_NEON_BIG_ORG_ID });
  printStreamBench(await streamBench());
  await connectionsBench();
  const memory = process.memoryUsage();
  console.log(
    `memory at the end: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB (server, simulator and bench share this process)`,
  );
}
