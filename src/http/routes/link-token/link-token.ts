import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** POST /link-token: a single-use token for the hosted connect page (docs/connect.md). */
export function linkTokenRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
