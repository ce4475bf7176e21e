import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** GET /integrated-account/{id}/tools: what an account can do, as tools with JSON Schemas (docs/tools.md). */
export function integratedAccountToolsRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
