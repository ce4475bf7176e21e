import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** GET /log: request logs and webhook deliveries (docs/logs.md). */
export function logRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
