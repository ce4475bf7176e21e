import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from './signer.ts';

/** What a test receiver got: the raw body (as signed), parsed, and the headers. */
export interface Received {
  raw: Buffer;
  body: { id: string; event: string; payload: any; environment_id: string; webhook_id: string; created_at: string };
  headers: IncomingHttpHeaders;
  at: number;
}

export interface TestReceiver {
  url: string;
  received: Received[];
  /** The statuses to answer, in order; 200 once they run out. */
  statuses: number[];
  /** Resolves once `count` requests matching `where` have arrived (or rejects after `ms`). */
  waitFor(count: number, where?: (r: Received) => boolean, ms?: number): Promise<Received[]>;
  verified(r: Received, secret: string): boolean;
  close(): Promise<void>;
}

/** A real node:http receiver on a loopback socket, as a customer's endpoint would be. */
export async function startReceiver(statuses: number[] = []): Promise<TestReceiver> {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const state = { statuses };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ raw, body: JSON.parse(raw.toString('utf8')), headers: req.headers, at: Date.now() });
      const status = state.statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tessera`,
    received,
    get statuses() {
      return state.statuses;
    },
    set statuses(v: number[]) {
      state.statuses = v;
    },
    waitFor(count, where = () => true, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hits = received.filter(where);
          if (hits.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(hits);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${ms} ms for ${count} deliveries; got ${received.filter(where).length} (${received.map((r) => r.body.event).join(', ')})`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    verified: (r, secret) => verifySignature(r.raw, r.headers['x-truto-signature'] as string | undefined, secret),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
