import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { startBaselineProxy } from './baseline-proxy.ts';

/**
 * Tessera against the hand-written baseline proxy (bench/baseline-proxy.ts), side by side in one
 * run: req/s and process CPU per request for list10, list100 and get at concurrency 1, 8 and 64,
 * with interleaved repetitions (Tessera, baseline, Tessera, …) so load on the machine falls on
 * both alike; the ratio of medians; and at concurrency 1 the latency each adds over the upstream
 * call alone. The upstream (bench/fast-upstream.ts) runs in a process of its own; the server,
 * the baseline and the client share this one, so CPU per request includes the client for both:
 * the difference is what each adds.
 */
export interface ThroughputTargets {
  /** Base URL of the Neon simulator, its key and the org the bench account reads. */
  neon: string;
  apiKey: string;
  orgId: string;
  /** Tessera's API URL, token and an account on that org. */
  apiUrl: string;
  token: string;
  accountId: string;
}

const REQUESTS = Number(process.env.BENCH_THROUGHPUT_REQUESTS ?? 400);
const REPEATS = Number(process.env.BENCH_THROUGHPUT_REPEATS ?? 3);

interface Run {
  rps: number;
  cpuUsPerRequest: number;
  latencies: number[];
}

async function drive(request: () => Promise<Response>, concurrency: number, total: number): Promise<Run> {
  const latencies: number[] = [];
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        const res = await request();
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`bench request failed with ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { rps: (total / wall) * 1000, cpuUsPerRequest: (used.user + used.system) / total, latencies };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function throughputBench(t: ThroughputTargets): Promise<void> {
  const baseline = await startBaselineProxy(t.neon, t.apiKey, t.orgId);
  try {
    const auth = { authorization: `Bearer ${t.token}` };
    const neonAuth = { authorization: `Bearer ${t.apiKey}` };
    const firstId = (
      (await (await fetch(`${t.neon}/organizations/${t.orgId}/members?limit=1`, { headers: neonAuth })).json()) as { members: { member: { id: string } }[] }
    ).members[0].member.id;
    const scenarios = [
      {
        name: 'list10',
        tessera: () => fetch(`${t.apiUrl}/unified/usage-metering/users?integrated_account_id=${t.accountId}&limit=10`, { headers: auth }),
        baseline: () => fetch(`${baseline.url}/users?limit=10`),
        upstream: () => fetch(`${t.neon}/organizations/${t.orgId}/members?limit=10`, { headers: neonAuth }),
      },
      {
        name: 'list100',
        tessera: () => fetch(`${t.apiUrl}/unified/usage-metering/users?integrated_account_id=${t.accountId}&limit=100`, { headers: auth }),
        baseline: () => fetch(`${baseline.url}/users?limit=100`),
        upstream: () => fetch(`${t.neon}/organizations/${t.orgId}/members?limit=100`, { headers: neonAuth }),
      },
      {
        name: 'get',
        tessera: () => fetch(`${t.apiUrl}/unified/usage-metering/users/${firstId}?integrated_account_id=${t.accountId}`, { headers: auth }),
        baseline: () => fetch(`${baseline.url}/users/${firstId}`),
        upstream: () => fetch(`${t.neon}/organizations/${t.orgId}/members?limit=500`, { headers: neonAuth }),
      },
    ];

    // The baseline must answer what Tessera answers, or the comparison means nothing.
    for (const s of scenarios) {
      const [a, b] = (await Promise.all([(await s.tessera()).json(), (await s.baseline()).json()])) as [any, any];
      // A list is compared by its `result` (Tessera adds next_cursor); a get is the record itself.
      const records = (body: any) => (s.name === 'get' ? body : body.result);
      assert.ok(s.name === 'get' ? a?.id === firstId : a?.result?.length > 0, `Tessera's ${s.name} answered no records`);
      assert.deepEqual(records(b), records(a), `the baseline's ${s.name} differs from Tessera's`);
    }
    console.log(`\nTessera vs a hand-written proxy (same Neon calls, same records; checked identical before timing)`);
    console.log(
      `${REQUESTS} requests per run, ${REPEATS} interleaved runs each, medians; CPU per request includes the client in both; upstream in its own process`,
    );
    console.log(
      `${'scenario'.padEnd(10)}${'conc'.padStart(5)}${'tessera/s'.padStart(11)}${'baseline/s'.padStart(12)}${'ratio'.padStart(8)}${'cpu µs/req T'.padStart(14)}${'B'.padStart(8)}`,
    );
    const c1: Record<string, { tessera: number[]; baseline: number[]; upstream: number[] }> = {};
    for (const s of scenarios) {
      for (const concurrency of [1, 8, 64]) {
        const runs = { tessera: [] as Run[], baseline: [] as Run[] };
        const total = s.name === 'list100' && concurrency === 1 ? Math.ceil(REQUESTS / 2) : REQUESTS;
        await drive(s.tessera, concurrency, 20);
        await drive(s.baseline, concurrency, 20);
        for (let i = 0; i < REPEATS; i++) {
          runs.tessera.push(await drive(s.tessera, concurrency, total));
          runs.baseline.push(await drive(s.baseline, concurrency, total));
        }
        const rps = (rs: Run[]) => median(rs.map((r) => r.rps));
        const cpu = (rs: Run[]) => median(rs.map((r) => r.cpuUsPerRequest));
        console.log(
          `${s.name.padEnd(10)}${String(concurrency).padStart(5)}${rps(runs.tessera).toFixed(0).padStart(11)}${rps(runs.baseline).toFixed(0).padStart(12)}${(rps(runs.tessera) / rps(runs.baseline)).toFixed(2).padStart(7)}×${cpu(runs.tessera).toFixed(0).padStart(14)}${cpu(runs.baseline).toFixed(0).padStart(8)}`,
        );
        if (concurrency === 1) {
          const upstream = await drive(s.upstream, 1, total);
          c1[s.name] = { tessera: runs.tessera.flatMap((r) => r.latencies), baseline: runs.baseline.flatMap((r) => r.latencies), upstream: upstream.latencies };
        }
      }
    }
    console.log(`\nadded latency at concurrency 1 over the upstream call alone, ms   tessera p50   p99   baseline p50   p99`);
    for (const [name, l] of Object.entries(c1)) {
      const added = (xs: number[], q: number) => (quantile(xs, q) - quantile(l.upstream, q)).toFixed(2).padStart(8);
      console.log(`${name.padEnd(62)}${added(l.tessera, 0.5)}${added(l.tessera, 0.99)}${added(l.baseline, 0.5)}${added(l.baseline, 0.99)}`);
    }
  } finally {
    await baseline.close();
  }
}
