import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { errors } from '../errors/catalogue.ts';
import { JSON_TYPE } from '../media-types.ts';
import type { AppServices } from '../services/app-services.ts';
import { createHttpApp } from './app.ts';
import { answerClientErrors } from './client-error.ts';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(services: AppServices, port: number, host: string): Promise<RunningServer> {
  const app = createHttpApp(services);
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
  // Without a Host header Node would answer a bare, empty 400 itself; the adapter falls back to
  // the listen address instead (the path is all routing needs).
  const server = createServer({ requireHostHeader: false }, listener);
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
