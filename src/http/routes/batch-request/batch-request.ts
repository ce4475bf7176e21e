import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** POST /batch-request: several data-plane calls, with dependencies, in one request (docs/batch.md). */
export function batchRequestRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
