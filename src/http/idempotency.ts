import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import { errors, isTesseraError } from '../errors/catalogue.ts';
import type { Logger } from '../logger.ts';
import type { IdempotencyClaim, IdempotencyRecord, Store } from '../store/types.ts';
import type { HttpEnv } from './types.ts';
import { collapseLeadingSlashes } from './path-guard.ts';

/**
 * `Idempotency-Key` on POST and PATCH (docs/contract.md §1.1): a write runs once per (environment,
 * key, method, path) across every replica on the database, and its response is replayed for 24 h.
 *
 * The key is claimed in the store before the request runs (one atomic insert-if-absent, so two
 * replicas racing for it cannot both win). A repeat with a different request is a 409; a repeat
 * while the first runs waits for it (polling the store) and replays its response, or gets 409
 * TESSERA_IDEMPOTENCY_IN_PROGRESS when the wait runs out. The owner renews a lease while it runs:
 * a claim whose lease lapsed belongs to a replica that died mid-request, and since nobody knows
 * whether the provider received that write, a repeat gets 409 TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN
 * instead of running it a second time.
 *
 * When the request ends, `settlement` decides (the rule is written there).
 */
const TTL_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ['content-type', 'retry-after', 'x-tessera-skipped-api-call'];
/** The replica in a claim's owner, for whoever reads the table after an interruption. */
const REPLICA = `${os.hostname()}:${process.pid}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IdempotencyTimings {
  /** How long a repeat waits for the first request. */
  waitMs: number;
  /** A claim not renewed for this long was interrupted; the owner renews every leaseMs / 6. */
  leaseMs: number;
}

/**
 * What happens to the claim when its request ends:
 * - `release` (the row is dropped, a retry with the key runs afresh) for answers that say the write
 *   was not performed: 429 (Tessera's upstream budget, or the provider throttled every attempt) and
 *   TESSERA_ACCOUNT_BLOCKED, which is raised before anything is sent;
 * - `completed` (stored, replayed) for every other status below 500, as before claims existed;
 * - `failed` for any other 5xx or exception: the provider may have received the write (a timeout,
 *   a connection cut mid-request, a 5xx from the provider, a mapping failure on its answer), so
 *   the outcome is unknown and the key never runs it again. Tessera cannot tell from here whether a
 *   5xx happened before the first upstream call, so it does not guess.
 */
export function settlement(status: number, error: unknown): 'release' | 'completed' | 'failed' {
  if (status === 429) return 'release';
  // Refused before anything was sent: the account is blocked, or the egress policy stopped the call.
  if (isTesseraError(error) && (error.code === 'TESSERA_ACCOUNT_BLOCKED' || error.code === 'TESSERA_EGRESS_REFUSED')) return 'release';
  // The connection never opened (refused, unknown host): the provider cannot have performed the write.
  if (isTesseraError(error) && error.code === 'TESSERA_UPSTREAM_UNREACHABLE' && (error.cause as { notSent?: boolean } | undefined)?.notSent === true)
    return 'release';
  return status < 500 ? 'completed' : 'failed';
}

/** The path with every segment percent-decoded and re-encoded one way, UUIDs lowercased, so every spelling of a route shares one entry. */
export function canonicalPath(pathname: string): string {
  return collapseLeadingSlashes(pathname)
    .split('/')
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return segment;
      }
      // One spelling per segment: `usage%2Dmetering` and `usage-metering` are the same route to
      // the router, so they must be the same key here.
      return encodeURIComponent(UUID.test(decoded) ? decoded.toLowerCase() : decoded);
    })
    .join('/');
}

/** The query as sent, with integrated_account_id's UUID lowercased (the routes read it that way). */
export function canonicalSearch(search: string): string {
  const text = search.startsWith('?') ? search.slice(1) : search;
  return text
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      try {
        const name = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' '));
        const value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
        return name === 'integrated_account_id' && UUID.test(value) ? `integrated_account_id=${value.toLowerCase()}` : pair;
      } catch {
        return pair;
      }
    })
    .join('&');
}

/** What must match for a repeat to be the same request: method, path, query and body. */
export function hashRequest(method: string, pathname: string, search: string, body: string): string {
  return createHash('sha256')
    .update(`${method} ${canonicalPath(pathname)}?${canonicalSearch(search)}\n${body}`)
    .digest('hex');
}

export function idempotency(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!key || (c.req.method !== 'POST' && c.req.method !== 'PATCH')) return next();
    if (key.length > 255) throw errors.badRequest('Idempotency-Key must be at most 255 characters');
    const { store, config } = c.get('services');
    // Its lines carry the request's id, like every line written while a request runs.
    const logger = c.get('services').logger.child({ request_id: c.get('requestId') });
    const url = new URL(c.req.url);
    const path = canonicalPath(url.pathname);
    const scope = `${c.get('principal').environmentId}:${key}:${c.req.method}:${path}`;
    // The column holds 512 characters; a longer scope (a long /custom path) is stored by its digest.
    const storeKey = scope.length <= 512 ? scope : `sha256:${createHash('sha256').update(scope).digest('hex')}`;
    const requestHash = hashRequest(c.req.method, path, url.search, await c.req.text());
    const owner = `${REPLICA}/${randomUUID()}`;

    const previous = await claimOrWait(store, { key: storeKey, request_hash: requestHash, owner }, config.idempotency);
    if (previous) return previous;

    const renew = setInterval(() => {
      store.heartbeatIdempotency(storeKey, owner, new Date().toISOString()).catch((e: Error) => {
        logger.warn({ err: { message: e.message } }, 'could not renew an Idempotency-Key claim');
      });
    }, config.idempotency.leaseMs / 6);
    renew.unref();
    try {
      await next();
    } catch (e) {
      // Hono hands handler errors to onError, so this is a failure of the middleware chain itself.
      clearInterval(renew);
      await settle(store, logger, storeKey, owner, 500, e, undefined);
      throw e;
    }
    clearInterval(renew);
    await settle(store, logger, storeKey, owner, c.res.status, c.error, c.res);
  };
}

/**
 * Claims the key, or settles the request from the row that holds it: undefined when this request
 * now owns the claim and must run, a replay when the first one finished; otherwise throws.
 */
async function claimOrWait(store: Store, claim: Omit<IdempotencyClaim, 'at' | 'expires_at'>, timings: IdempotencyTimings): Promise<Response | undefined> {
  const deadline = Date.now() + timings.waitMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    const at = new Date();
    const row = await store.claimIdempotency({ ...claim, at: at.toISOString(), expires_at: new Date(at.getTime() + TTL_MS).toISOString() });
    if (row?.owner === claim.owner) return undefined;
    // No row means the holder released it between our insert and our read: race for it again.
    if (row) {
      if (row.request_hash !== claim.request_hash) throw errors.conflict('Idempotency-Key reused with a different request');
      if (row.state === 'completed') return replay(row);
      if (row.state === 'failed') {
        throw errors.idempotencyOutcomeUnknown(
          `The first request with this Idempotency-Key failed (status ${row.status}) after the provider may have received it, so its outcome is unknown and it will not run again under this key. ${RESOLVE}`,
        );
      }
      const renewed = Date.parse(row.heartbeat_at ?? row.claimed_at ?? '');
      if (!(renewed + timings.leaseMs > Date.now())) {
        throw errors.idempotencyOutcomeUnknown(
          `The first request with this Idempotency-Key was interrupted (the replica running it stopped renewing its claim at ${row.heartbeat_at}); its outcome is unknown and it will not run again under this key. ${RESOLVE}`,
        );
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw errors.idempotencyInProgress(
        `The original request with this Idempotency-Key is still in progress after waiting ${Math.round(timings.waitMs / 1000)} s; retry later with the same key to get its response.`,
        Math.max(1, Math.ceil(timings.leaseMs / 6 / 1000)),
      );
    }
    await sleep(Math.min(delay, left));
  }
}

const RESOLVE = "Check the provider's state; if the write did not happen, send it again with a new Idempotency-Key.";

function replay(row: IdempotencyRecord): Response {
  const headers = { ...(JSON.parse(row.headers) as Record<string, string>), 'idempotent-replayed': 'true' };
  // Statuses that carry no body cannot be built with one, not even an empty string.
  const body = [101, 204, 205, 304].includes(row.status) ? null : row.body;
  return new Response(body, { status: row.status, headers });
}

async function settle(store: Store, logger: Logger, key: string, owner: string, status: number, error: unknown, res: Response | undefined) {
  const rule = settlement(status, error);
  try {
    if (rule === 'release') {
      await store.releaseIdempotency(key, owner);
      return;
    }
    const body = res ? await res.clone().text() : '';
    const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (res?.headers.get(h) ? [[h, res.headers.get(h)!]] : [])));
    const kept = await store.finishIdempotency(key, owner, {
      state: rule,
      status,
      body,
      headers: JSON.stringify(headers),
      expires_at: new Date(Date.now() + TTL_MS).toISOString(),
    });
    if (!kept) logger.warn({ status }, 'an Idempotency-Key claim was lost before its request finished; a repeat will not replay this response');
  } catch (e) {
    // The client still gets its answer; a repeat will find the claim's lease lapsed (outcome unknown).
    logger.error({ err: { message: (e as Error).message } }, 'could not record the outcome of an Idempotency-Key');
  }
}
