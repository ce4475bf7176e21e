import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** GET/POST/DELETE /api-token: the environment's API tokens (docs/platform.md). */
export function apiTokenRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
