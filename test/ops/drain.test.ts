import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { spawnTessera, type TesseraProcess } from './process.ts';

/**
 * SIGTERM on a real Tessera process (the sandbox command, so a simulator is the slow upstream):
 * the request in flight finishes with its 200, new connections are refused at once, and the
 * process exits 0 when the last request is done, well before TESSERA_SHUTDOWN_GRACE_MS.
 */
let tessera: TesseraProcess;

before(async () => {
  tessera = await spawnTessera('sandbox', { TESSERA_SHUTDOWN_GRACE_MS: '10000' });
  await tessera.waitFor(/Try it:[\s\S]*curl[^\n]*\n\n/);
});
after(async () => {
  await tessera?.cleanup();
});

/** The sandbox prints curls for its accounts; the first user-get is a request that reaches a simulator. */
function exampleRequest(): { path: string; token: string } {
  const m = /curl -s '([^']+\/users\/[^']+)' -H 'Authorization: Bearer ([^']+)'/.exec(tessera.stdout());
  assert.ok(m, tessera.stdout());
  return { path: new URL(m[1]).pathname + new URL(m[1]).search, token: m[2] };
}

function simulatorOrigins(): string[] {
  const line = /Simulators:\s*(.+)/.exec(tessera.stdout())![1];
  return line.split(',').map((u) => new URL(u.trim()).origin);
}

function get(path: string, token: string, agent: http.Agent): Promise<{ status: number; connection?: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${tessera.url}${path}`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, ms: performance.now() - started }));
    });
    req.on('error', reject);
  });
}

function connectRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

test('SIGTERM while a 1.5 s upstream call is in flight: it completes 200, new connections are refused, exit 0', async () => {
  const { path, token } = exampleRequest();
  // Every simulator's next request waits 1.5 s (which one the example account uses does not matter).
  for (const origin of simulatorOrigins()) {
    const res = await fetch(`${origin}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '**', delay_ms: 1500, count: 1 }),
    });
    assert.ok(res.status < 300, await res.text());
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ready = await fetch(`${tessera.url}/ready`);
  assert.equal(ready.status, 200, await ready.text());

  const inFlight = get(path, token, agent);
  await new Promise((r) => setTimeout(r, 300)); // the call has reached the simulator
  const signalled = performance.now();
  tessera.child.kill('SIGTERM');
  await tessera.waitFor(/draining/);

  assert.equal(await connectRefused(tessera.url), true, 'a new connection after SIGTERM is refused');
  const answer = await inFlight;
  assert.equal(answer.status, 200, 'the request in flight finished');
  assert.ok(answer.ms >= 1400, `it really waited for the slow upstream (${Math.round(answer.ms)} ms)`);
  assert.equal(answer.connection, 'close', 'the kept-alive socket is not kept');

  const code = await tessera.exited;
  const drainMs = performance.now() - signalled;
  assert.equal(code, 0, tessera.stderr());
  assert.ok(drainMs < 5_000, `exited when the last request was done (${Math.round(drainMs)} ms), not at the grace deadline`);
  assert.match(tessera.stderr(), /"drain_ms":\d+/);
  agent.destroy();
  console.log(`# drain: SIGTERM to exit ${Math.round(drainMs)} ms; in-flight request ${Math.round(answer.ms)} ms`);
});

test('a request still running at TESSERA_SHUTDOWN_GRACE_MS is cut off, logged, and the exit code is 1', async () => {
  const slow = await spawnTessera('sandbox', { TESSERA_SHUTDOWN_GRACE_MS: '300' });
  try {
    await slow.waitFor(/Try it:[\s\S]*curl[^\n]*\n\n/);
    const m = /curl -s '([^']+\/users\/[^']+)' -H 'Authorization: Bearer ([^']+)'/.exec(slow.stdout())!;
    for (const u of /Simulators:\s*(.+)/.exec(slow.stdout())![1].split(',')) {
      await fetch(`${new URL(u.trim()).origin}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '**', delay_ms: 5000, count: 1 }),
      });
    }
    const inFlight = fetch(m[1], { headers: { authorization: `Bearer ${m[2]}` } }).then(
      (r) => r.status,
      () => 'cut off',
    );
    await new Promise((r) => setTimeout(r, 300));
    const signalled = performance.now();
    slow.child.kill('SIGTERM');
    assert.equal(await slow.exited, 1, slow.stderr());
    assert.ok(performance.now() - signalled < 3_000, 'the deadline, not the upstream, decided when it stopped');
    assert.equal(await inFlight, 'cut off');
    assert.match(slow.stderr(), /drain deadline reached/);
  } finally {
    await slow.cleanup();
  }
});
