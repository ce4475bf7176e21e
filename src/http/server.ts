import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { errors } from '../errors/catalogue.ts';
import { JSON_TYPE } from '../media-types.ts';
import type { AppServices } from '../services/app-services.ts';
import { createHttpApp } from './app.ts';
import type { Tracing } from '../observability/tracing.ts';
import { answerClientErrors } from './client-error.ts';
import { createAdmissionGate } from './overload.ts';

export interface DrainResult {
  /** How long the drain took. */
  ms: number;
  /** Connections still open at the deadline, closed by force (their requests were cut off). */
  forced: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Closes every connection at once (tests, and the second signal). */
  close(): Promise<void>;
  /**
   * Stops accepting connections, lets the requests in flight (streams included) finish for up to
   * `graceMs`, then closes what is left. Answers given meanwhile carry `Connection: close`, so a
   * keep-alive client moves to another replica instead of reusing a socket that is about to go.
   */
  drain(graceMs: number): Promise<DrainResult>;
}

/** How often a drain closes the keep-alive sockets that have gone idle since it began. */
const IDLE_SWEEP_MS = 50;

export async function startHttpServer(services: AppServices, port: number, host: string, tracing?: Tracing): Promise<RunningServer> {
  const app = createHttpApp(services, tracing);
  const listener = getRequestListener(app.fetch, {
    hostname: host,
    // Requests that cannot become a fetch Request at all (`OPTIONS *`, a Host or an absolute URL
    // that does not parse): the adapter's own answer would be an empty 400.
    errorHandler: (e) => {
      const request = e instanceof RequestError;
      if (!request) services.logger.error({ err: { message: (e as Error)?.message, stack: (e as Error)?.stack } }, 'unhandled error outside the app');
      const err = request ? errors.badRequest(`Malformed HTTP request: ${e.message}`) : errors.internal();
      return new Response(JSON.stringify(err.toEnvelope()), { status: err.status, headers: { 'content-type': JSON_TYPE, connection: 'close' } });
    },
  });
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // A request that arrives on a kept-alive socket during the drain is still served; the socket is not kept.
    if (draining) res.setHeader('connection', 'close');
    // At most maxConcurrent at once, then a bounded queue, then 503 with Retry-After (overload.ts).
    gate.admit(req, res, () => void listener(req, res));
  };
  const settings = services.config.http;
  const gate = createAdmissionGate(settings, services.logger);
  // Without a Host header Node would answer a bare, empty 400 itself; the adapter falls back to
  // the listen address instead (the path is all routing needs).
  const server = createServer(
    {
      requireHostHeader: false,
      // A client that is slow to send its request gets 408 (client-error.ts), not a slot forever.
      // Node refuses a headers timeout above the request timeout, hence the min.
      headersTimeout: Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs),
      requestTimeout: settings.requestTimeoutMs,
      // Both are enforced by a sweep, every 30 s by default: a second keeps them near their values.
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
      // Longer than the usual load balancer idle timeout (60 s), so the balancer closes an idle
      // kept-alive connection first and never sends a request on one this server is closing.
      keepAliveTimeout: settings.keepAliveTimeoutMs,
    },
    handle,
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // The webhook outbox is worked while the server serves: from now until the drain or close.
  services.webhooks.worker.start();
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: async () => {
      await services.webhooks.worker.stop();
      server.closeAllConnections();
      if (server.listening) server.close();
      await closed;
    },
    drain: async (graceMs) => {
      const started = performance.now();
      draining = true;
      services.readiness.draining = true;
      // No new delivery starts; the ones in progress finish (within their timeout) during the grace.
      const workerStopped = services.webhooks.worker.stop();
      // Answers not yet started go out with Connection: close; Node then ends their socket after them.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      server.close(); // stop listening; 'close' fires once the last connection has ended
      // Sockets whose answers began before the drain stay keep-alive: close each once it goes idle.
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), graceMs);
      });
      const outcome = await Promise.race([closed.then(() => 'closed' as const), deadline]);
      clearInterval(sweep);
      clearTimeout(timer);
      let forced = 0;
      if (outcome === 'deadline') {
        forced = sockets.size;
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await closed;
      }
      await workerStopped;
      return { ms: Math.round(performance.now() - started), forced };
    },
  };
}
