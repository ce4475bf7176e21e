import { Hono } from 'hono';
import type { HttpEnv } from '../../types.ts';

/** /environment-integration: integrations installed in the environment (docs/platform.md). */
export function environmentIntegrationRoutes() {
  const app = new Hono<HttpEnv>();
  return app;
}
