import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errors } from '../errors/catalogue.ts';
import type { HttpEnv } from './types.ts';

/**
 * `Idempotency-Key` on POST and PATCH (docs/contract.md §1.1): the first response is kept for
 * 24 h under (environment, key, method, path) and replayed for a repeat; the same key with a
 * different request is a 409. Concurrent repeats wait for the first instead of racing it.
 */
const TTL_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ['content-type', 'retry-after', 'x-tessera-skipped-api-call'];

export function idempotency(): MiddlewareHandler<HttpEnv> {
  const inFlight = new Map<string, Promise<void>>();
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!key || (c.req.method !== 'POST' && c.req.method !== 'PATCH')) return next();
    if (key.length > 255) throw errors.badRequest('Idempotency-Key must be at most 255 characters');
    const store = c.get('services').store;
    const url = new URL(c.req.url);
    const storeKey = `${c.get('principal').environmentId}:${key}:${c.req.method}:${url.pathname}`;
    const requestHash = createHash('sha256')
      .update(`${c.req.method} ${url.pathname}?${url.search}\n${await c.req.text()}`)
      .digest('hex');

    while (inFlight.has(storeKey)) await inFlight.get(storeKey);
    const replay = async () => {
      const saved = await store.getIdempotency(storeKey, new Date().toISOString());
      if (!saved) return undefined;
      if (saved.request_hash !== requestHash) throw errors.conflict('Idempotency-Key reused with a different request');
      return new Response(saved.body, { status: saved.status, headers: { ...JSON.parse(saved.headers), 'idempotent-replayed': 'true' } });
    };
    const previous = await replay();
    if (previous) return previous;

    let release!: () => void;
    inFlight.set(storeKey, new Promise<void>((resolve) => (release = resolve)));
    try {
      await next();
      // 5xx may be transient: a retry with the same key should get another chance.
      if (c.res.status < 500 && !c.res.headers.get('content-type')?.includes('ndjson')) {
        const body = await c.res.clone().text();
        const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (c.res.headers.get(h) ? [[h, c.res.headers.get(h)!]] : [])));
        await store.putIdempotency({
          key: storeKey,
          request_hash: requestHash,
          status: c.res.status,
          body,
          headers: JSON.stringify(headers),
          expires_at: new Date(Date.now() + TTL_MS).toISOString(),
        });
      }
    } finally {
      inFlight.delete(storeKey);
      release();
    }
  };
}
