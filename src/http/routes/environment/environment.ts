import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** GET/PATCH /environment[/{id}]: the caller's environment (docs/platform.md). */
export function environmentRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
