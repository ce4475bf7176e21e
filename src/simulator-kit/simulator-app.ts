import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { parse as parseYaml } from 'yaml';
import { FaultInjector, InvalidFaultError, type ActiveFault, type FaultSpec } from './fault-injector.ts';
import { matchesGlob } from './glob.ts';
import { JSON_CONTENT_TYPE, jsonResponse } from './json-response.ts';
import { RequestLog, queryToRecord, redactHeaders, type RecordedRequest } from './request-log.ts';

/**
 * The scaffolding every upstream simulator shares: a per-response request id header, fault
 * injection, a redacted request log and the `/__sim` test hooks. A simulator supplies its own
 * API routes, its error body shape and its seed handling.
 */
export type SimEnv = { Variables: { requestId: string } };
export type SimContext = Context<SimEnv>;

export const HOOKS_PREFIX = '/__sim';

export interface SimulatorHooks {
  /** Back to the seed the simulator started with. */
  reset(): void;
  /** Replaces the state; throws InvalidSeedError when the input does not validate. */
  loadSeed(input: unknown): void;
  /** The current state, in seed format. */
  currentSeed(): unknown;
}

export class InvalidSeedError extends Error {}

export interface SimulatorAppOptions {
  /** Response header carrying a fresh uuid on every response, e.g. `x-neon-ret-request-id`. */
  requestIdHeader: string;
  /** The upstream's error body for simulator-generated errors (faults, unknown routes, crashes). */
  errorBody(c: SimContext, status: number, message: string): unknown;
  /** Message used for an injected fault that brings no body of its own. */
  faultMessage(status: number): string;
  hooks: SimulatorHooks;
  /** Registers the upstream's own routes. */
  mount(app: Hono<SimEnv>): void;
  logRequests?: boolean;
  logLabel?: string;
}

export interface SimulatorApp {
  fetch: (request: Request) => Response | Promise<Response>;
  faults: FaultInjector;
  log: RequestLog;
}

export function createSimulatorApp(opts: SimulatorAppOptions): SimulatorApp {
  const faults = new FaultInjector();
  const log = new RequestLog();
  const app = new Hono<SimEnv>();

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    const url = new URL(c.req.url);
    const isHook = url.pathname === HOOKS_PREFIX || url.pathname.startsWith(`${HOOKS_PREFIX}/`);
    // Hono caches the text, so handlers can still read the body after we peek at it for the log.
    const bodyText = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();

    await next();

    c.res = withHeader(c.res, opts.requestIdHeader, requestId);
    if (isHook) return;
    const entry: RecordedRequest = {
      request_id: requestId,
      method: c.req.method,
      path: url.pathname,
      query: queryToRecord(url.searchParams),
      headers: redactHeaders(c.req.raw.headers),
      status: c.res.status,
      timestamp: new Date().toISOString(),
      duration_ms: Math.round(performance.now() - started),
    };
    if (bodyText !== '') entry.body = parseOrText(bodyText);
    log.record(entry);
    if (opts.logRequests) {
      process.stderr.write(`[${opts.logLabel ?? 'sim'}] ${entry.method} ${url.pathname}${url.search} -> ${entry.status} (${entry.duration_ms} ms)\n`);
    }
  });

  app.use('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path === HOOKS_PREFIX || path.startsWith(`${HOOKS_PREFIX}/`)) return next();
    const fault = faults.take(c.req.method, path);
    if (!fault) return next();
    if (fault.delay_ms) await sleep(fault.delay_ms);
    if (fault.status === undefined) return next();
    return faultResponse(c, fault, opts);
  });

  mountHooks(app, faults, log, opts.hooks);
  opts.mount(app);

  app.notFound((c) => jsonResponse(404, opts.errorBody(c, 404, 'Not Found')));
  app.onError((err, c) => {
    process.stderr.write(`[${opts.logLabel ?? 'sim'}] internal error: ${err.stack ?? String(err)}\n`);
    return jsonResponse(500, opts.errorBody(c, 500, 'internal server error'));
  });

  return { fetch: (request) => app.fetch(request), faults, log };
}

function mountHooks(app: Hono<SimEnv>, faults: FaultInjector, log: RequestLog, hooks: SimulatorHooks): void {
  const hookError = (status: number, message: string) => jsonResponse(status, { error: message });

  app.post(`${HOOKS_PREFIX}/faults`, async (c) => {
    const body = await readHookBody(c);
    if (body instanceof Response) return body;
    const specs = Array.isArray(body) ? body : [body];
    try {
      const added = specs.map((spec) => faults.add(spec as FaultSpec));
      return jsonResponse(201, Array.isArray(body) ? { faults: added } : added[0]);
    } catch (err) {
      if (err instanceof InvalidFaultError) return hookError(400, err.message);
      throw err;
    }
  });
  app.get(`${HOOKS_PREFIX}/faults`, () => jsonResponse(200, { faults: faults.list() }));
  app.delete(`${HOOKS_PREFIX}/faults`, () => {
    faults.clear();
    return jsonResponse(200, {});
  });
  app.delete(`${HOOKS_PREFIX}/faults/:id`, (c) => (faults.remove(c.req.param('id')) ? jsonResponse(200, {}) : hookError(404, 'no such fault')));

  app.post(`${HOOKS_PREFIX}/reset`, () => {
    hooks.reset();
    faults.clear();
    log.clear();
    return jsonResponse(200, {});
  });
  app.post(`${HOOKS_PREFIX}/seed`, async (c) => {
    const body = await readHookBody(c);
    if (body instanceof Response) return body;
    try {
      hooks.loadSeed(body);
    } catch (err) {
      if (err instanceof InvalidSeedError) return hookError(400, err.message);
      throw err;
    }
    return jsonResponse(200, {});
  });
  app.get(`${HOOKS_PREFIX}/seed`, () => jsonResponse(200, hooks.currentSeed()));

  app.get(`${HOOKS_PREFIX}/requests`, (c) => {
    const method = c.req.query('method')?.toUpperCase();
    const path = c.req.query('path');
    const requests = log.list().filter((r) => (!method || r.method === method) && (!path || matchesGlob(path, r.path)));
    return jsonResponse(200, { requests });
  });
  app.delete(`${HOOKS_PREFIX}/requests`, () => {
    log.clear();
    return jsonResponse(200, {});
  });
}

/** Hook bodies are JSON, or YAML when the content type says so (seed files are often YAML). */
async function readHookBody(c: SimContext): Promise<unknown> {
  const text = await c.req.text();
  const isYaml = /yaml/i.test(c.req.header('content-type') ?? '');
  try {
    return isYaml ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (err) {
    return jsonResponse(400, { error: `body is not valid ${isYaml ? 'YAML' : 'JSON'}: ${(err as Error).message}` });
  }
}

function faultResponse(c: SimContext, fault: ActiveFault, opts: SimulatorAppOptions): Response {
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retry_after !== undefined) headers['retry-after'] = String(fault.retry_after);
  const status = fault.status ?? 500;
  const body = fault.body !== undefined ? fault.body : opts.errorBody(c, status, opts.faultMessage(status));
  return jsonResponse(status, body, headers);
}

function withHeader(res: Response, name: string, value: string): Response {
  // Rebuild instead of mutating: @hono/node-server's Response may have already snapshotted its
  // headers, so a set() on the original can silently never reach the wire.
  const headers = new Headers(res.headers);
  headers.set(name, value);
  if (!headers.has('content-type')) headers.set('content-type', JSON_CONTENT_TYPE);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
