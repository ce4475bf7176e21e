import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../errors/catalogue.ts';
import type { Logger } from '../logger.ts';
import { JSON_TYPE } from '../media-types.ts';
import { collapseLeadingSlashes } from './path-guard.ts';

/**
 * Admission control for one replica: at most `maxConcurrent` requests are handled at once; the
 * next `maxQueued` wait in arrival order for a slot, each for at most `queueTimeoutMs`; anything
 * past that is answered at once with 503 TESSERA_OVERLOADED and Retry-After, before any of it runs.
 *
 * Why: without a bound every request that arrives starts at once and they all share the CPU, so
 * under a burst each one takes longer the more there are, until clients give up on all of them
 * (500 concurrent connections on a busy 2-core machine left some unanswered after 30 s). With the
 * bound, the requests admitted finish at the speed of a few, the queue drains in order, and the
 * overflow learns at once when to come back. Health, readiness and metrics are never queued: a
 * load balancer must see a busy replica as alive.
 */
export interface OverloadSettings {
  /** 0: no limit (and no queue). */
  maxConcurrent: number;
  maxQueued: number;
  queueTimeoutMs: number;
}

const UNQUEUED_PATHS = new Set(['/health', '/ready', '/metrics']);
/** How often, at most, an overload is logged (with the count refused since the last line). */
const LOG_EVERY_MS = 10_000;

interface Waiting {
  req: IncomingMessage;
  res: ServerResponse;
  start: () => void;
  timer: NodeJS.Timeout;
}

export interface AdmissionGate {
  /** Runs `handle` now, later (queued), or never (a 503 is sent instead). */
  admit(req: IncomingMessage, res: ServerResponse, handle: () => void): void;
  readonly running: number;
  readonly queued: number;
  /** Refused with 503 since the gate was made. */
  readonly refused: number;
}

/**
 * The path the app will route: `//health` is /health there (app.ts collapses leading slashes) and
 * an absolute-form target (`GET http://host/health`) is its pathname.
 */
function routedPath(url: string | undefined): string {
  let path = (url ?? '/').split('?')[0];
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      return path;
    }
  }
  return collapseLeadingSlashes(path);
}

export function createAdmissionGate(settings: OverloadSettings, logger: Pick<Logger, 'warn'>): AdmissionGate {
  const queue: Waiting[] = [];
  let running = 0;
  let refused = 0;
  let unlogged = 0;
  let lastLog = 0;
  // A moving average of how long an admitted request takes, for Retry-After.
  let serviceMs = 100;

  /** About how long until a new request would get a slot: the queue ahead of it over the slots. */
  const retryAfterSeconds = () => Math.min(60, Math.max(1, Math.ceil(((queue.length + 1) * serviceMs) / settings.maxConcurrent / 1000)));

  const refuse = (res: ServerResponse, why: string) => {
    refused++;
    unlogged++;
    const now = Date.now();
    if (now - lastLog >= LOG_EVERY_MS) {
      logger.warn({ refused: unlogged, running, queued: queue.length, ...settings }, `overloaded: requests refused with 503 (${why})`);
      lastLog = now;
      unlogged = 0;
    }
    if (res.headersSent || res.destroyed) return;
    const error = errors.overloaded(`Server busy: ${why}; retry after the Retry-After interval`, retryAfterSeconds());
    const body = JSON.stringify(error.toEnvelope());
    res.writeHead(error.status, { ...error.headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  };

  const run = (req: IncomingMessage, res: ServerResponse, handle: () => void) => {
    running++;
    const started = performance.now();
    // The slot is freed once, by whichever comes first: the response's close or its socket's.
    // The socket's is needed: a pipelined request whose response waits behind another never
    // sees its response close when the client drops the connection (Node only aborts the
    // incoming side), and its slot would be held for good.
    const socket = req.socket;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      res.off('close', free);
      socket?.off('close', free);
      running--;
      serviceMs = serviceMs * 0.9 + (performance.now() - started) * 0.1;
      next();
    };
    res.once('close', free);
    socket?.once('close', free);
    handle();
  };

  /** The client is gone: its response closed, or the socket under it did. */
  const gone = (w: Waiting) => w.res.destroyed || w.req.socket?.destroyed === true;

  const next = () => {
    while (running < settings.maxConcurrent && queue.length > 0) {
      const waiting = queue.shift()!;
      clearTimeout(waiting.timer);
      if (gone(waiting)) continue; // the client went away while it waited
      waiting.start();
    }
  };

  return {
    admit(req, res, handle) {
      if (settings.maxConcurrent <= 0 || UNQUEUED_PATHS.has(routedPath(req.url))) return handle();
      if (running < settings.maxConcurrent && queue.length === 0) return run(req, res, handle);
      if (queue.length >= settings.maxQueued) return refuse(res, `${settings.maxConcurrent} requests in progress and ${queue.length} queued`);
      const waiting: Waiting = {
        req,
        res,
        start: () => run(req, res, handle),
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiting), 1);
          refuse(res, `queued for ${settings.queueTimeoutMs} ms without a free slot`);
        }, settings.queueTimeoutMs),
      };
      queue.push(waiting);
      // A client that gives up while queued frees its place at once (its socket's close too:
      // a pipelined response never closes on its own when the connection drops).
      const leave = () => {
        res.off('close', leave);
        req.socket?.off('close', leave);
        const at = queue.indexOf(waiting);
        if (at >= 0) {
          clearTimeout(waiting.timer);
          queue.splice(at, 1);
        }
      };
      res.once('close', leave);
      req.socket?.once('close', leave);
    },
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    get refused() {
      return refused;
    },
  };
}
