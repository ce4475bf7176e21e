import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** The hosted connect page, /connect-account?link_token=…; public: the link token is its credential (docs/connect.md). */
export function connectAccountRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
