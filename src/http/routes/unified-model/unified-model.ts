import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** GET /unified-model[/{id}]: the unified models this server serves (docs/platform.md). */
export function unifiedModelRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
