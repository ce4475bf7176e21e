import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/**
 * A Neon upstream fast enough not to be the bottleneck of the throughput bench, in a process of
 * its own (so its event loop is not the one Tessera, the baseline proxy and the bench client share).
 *
 * The child starts the real Neon simulator (default seed, no rate limits: what test/helpers/stack.ts
 * starts) and a plain node:http server in front of it. A GET is answered by the simulator the
 * first time (method, path and query, Authorization) is seen, and from memory afterwards: status,
 * headers and body byte for byte, so Tessera and the baseline map exactly what the simulator
 * serves. Anything else goes through to the simulator every time. Every path the bench reads is
 * fetched once at start (below), so the timed runs never meet the simulator.
 */
export interface FastUpstream {
  /** Base URL of the Neon API, like the simulator's: http://127.0.0.1:1234/api/v2 */
  baseUrl: string;
  origin: string;
  close(): Promise<void>;
}

/** Starts the fast upstream as a child process; `warm` are API paths (after baseUrl) to fetch once with `apiKey`. */
export async function startFastUpstream(warm: { apiKey: string; paths: string[] } = { apiKey: '', paths: [] }): Promise<FastUpstream> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    // Its stdin is ours: when this process dies, however, the child sees it close and exits.
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, TESSERA_FAST_UPSTREAM_WARM: JSON.stringify(warm) },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench/fast-upstream.ts exited with ${code} before listening`)));
  });
  const { baseUrl } = JSON.parse(line) as { baseUrl: string };
  return {
    baseUrl,
    origin: new URL(baseUrl).origin,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Memo {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers that belong to one exchange, not to the answer. */
const HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

async function serve(): Promise<void> {
  const { startNeonSimulator } = await import('../src/providers/neon/simulator/index.ts');
  const sim = await startNeonSimulator({ rateLimit: false });
  const simUrl = new URL(sim.baseUrl);
  const memo = new Map<string, Promise<Memo>>();

  const ask = async (method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Memo> => {
    const res = await fetch(simUrl.origin + url, { method, headers, body });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HOP.has(k)) out[k] = v;
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    out['content-length'] = String(bytes.length);
    return { status: res.status, headers: out, body: bytes };
  };
  const forwarded = (req: http.IncomingMessage) => {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'accept', 'content-type']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    return headers;
  };
  const memoGet = (url: string, headers: Record<string, string>) => {
    const key = `${url}\n${headers.authorization ?? ''}`;
    let hit = memo.get(key);
    if (!hit) {
      hit = ask('GET', url, headers);
      memo.set(key, hit);
      // A failed exchange is not remembered: the next request asks again.
      hit.catch(() => memo.delete(key));
    }
    return hit;
  };

  const server = http.createServer((req, res) => {
    const reply = (m: Memo) => res.writeHead(m.status, m.headers).end(m.body);
    const fail = (e: unknown) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(e) }));
    if (req.method === 'GET') {
      memoGet(req.url!, forwarded(req)).then(reply, fail);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ask(req.method!, req.url!, forwarded(req), chunks.length ? Buffer.concat(chunks) : undefined).then(reply, fail));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const warm = JSON.parse(process.env.TESSERA_FAST_UPSTREAM_WARM ?? '{"paths":[]}') as { apiKey: string; paths: string[] };
  for (const p of warm.paths) await memoGet(simUrl.pathname + p, { authorization: `Bearer ${warm.apiKey}`, accept: 'application/json' });

  process.stdout.write(JSON.stringify({ baseUrl: origin + simUrl.pathname }) + '\n');
  const stop = () => {
    server.closeAllConnections();
    server.close();
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.stdin.once('close', stop).resume();
}

if (process.argv.includes('--serve') && process.argv[1] === fileURLToPath(import.meta.url)) await serve();
