import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** /webhook CRUD and POST /webhook/test (docs/webhooks.md). */
export function webhookRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
