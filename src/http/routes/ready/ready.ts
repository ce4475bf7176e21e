import { Hono } from 'hono';
import { TesseraError } from '../../../errors/catalogue.ts';
import { ok, type RouteDocs } from '../../openapi/route-doc.ts';
import { errorResponse, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/** Seconds a balancer should wait before asking again when not ready. */
const RETRY_AFTER_S = 5;

const checksSchema = {
  type: 'object',
  description:
    'Each check, "ok" or why not: database, migrations, encryption_key, redis (when configured), draining (while shutting down), key_rotation (while TESSERA_ENCRYPTION_KEY_PREVIOUS is set: pending or done, never failing).',
  additionalProperties: { type: 'string' },
};

export const readyDocs: RouteDocs = {
  operations: [
    {
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness check',
      description:
        'Whether this replica can serve: the database answers, migrations are current, the encryption key opens the data, and the replica is not draining. ' +
        'A Redis outage is reported (`redis: "unavailable (limits in memory)…"`) but does not make the replica unready. 503 `TESSERA_NOT_READY` names the failing check in `details.checks`.',
      tags: ['System'],
      public: true,
      success: ok('Ready to serve', {
        type: 'object',
        properties: { status: { type: 'string', const: 'ready' }, checks: checksSchema },
        required: ['status', 'checks'],
      }),
      errors: [503],
    },
  ],
};

/**
 * GET /ready, public like /health. /health says the process is alive (restart it if not); /ready
 * says whether to send it traffic, so it does the real checks (services/readiness.ts).
 */
export function readyRoutes() {
  const app = new Hono<HttpEnv>();
  app.get('/ready', async (c) => {
    const { ready, checks } = await c.get('services').readiness.check();
    if (ready) return sendJson(c, 200, { status: 'ready', checks });
    const failing = Object.entries(checks)
      .filter(([name, value]) => value !== 'ok' && name !== 'redis')
      .map(([name, value]) => `${name}: ${value}`);
    return errorResponse(
      c,
      new TesseraError(503, `Not ready: ${failing.join('; ')}`, {
        code: 'TESSERA_NOT_READY',
        details: { checks },
        headers: { 'retry-after': String(RETRY_AFTER_S) },
      }),
    );
  });
  return app;
}
