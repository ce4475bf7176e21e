import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';

export interface ListeningServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a loopback HTTP server for a fetch handler and resolves once it accepts connections. */
export function listen(fetch: (request: Request) => Response | Promise<Response>, opts: { host: string; port: number }): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: opts.port, hostname: opts.host }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      let closing: Promise<void> | undefined;
      resolve({
        origin: `http://${hostForUrl}:${port}`,
        port,
        close: () => {
          // Keep-alive sockets from fetch clients would otherwise hold close() open indefinitely.
          closing ??= new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
