import { Hono, type Context } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { NAME_RULE, queryText } from '../../../query/safe-input.ts';
import { createEnvironmentMappingBody, environmentMappingView, patchEnvironmentMappingBody } from '../../../services/environment-mappings.ts';
import { parseQueryString } from '../../../query/unified-query.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import { uuidParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

/** /environment-unified-model-resource-method — environment-level mapping overrides. */
export function environmentMappingRoutes() {
  const app = new Hono<HttpEnv>();
  // Filters are compared with stored names: a list, U+0000 or an over-long value is a 400. Empty means absent.
  const str = (v: unknown, name: string) => queryText(v, name, NAME_RULE) || undefined;
  const id = (c: Context) => uuidParam(c, 'id', (shown) => errors.notFound(`Environment mapping ${shown} not found`));

  app.get('/', async (c) => {
    const q = parseQueryString(rawQueryString(c));
    const rows = await c.get('services').store.listEnvironmentMappings({
      environment_id: c.get('principal').environmentId,
      model: str(q.unified_model, 'unified_model') ?? str(q.unified_model_id, 'unified_model_id'),
      resource: str(q.resource_name, 'resource_name'),
      integration: str(q.integration_name, 'integration_name'),
      method: str(q.method_name, 'method_name'),
    });
    return sendJson(c, 200, { result: rows.map(environmentMappingView), next_cursor: null, limit: 5000 });
  });
  app.post('/', async (c) => {
    const body = createEnvironmentMappingBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, environmentMappingView(await c.get('services').environmentMappings.create(c.get('principal').environmentId, body)));
  });
  app.get('/:id', async (c) =>
    sendJson(c, 200, environmentMappingView(await c.get('services').environmentMappings.get(c.get('principal').environmentId, id(c)))),
  );
  app.patch('/:id', async (c) => {
    const body = patchEnvironmentMappingBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, environmentMappingView(await c.get('services').environmentMappings.update(c.get('principal').environmentId, id(c), body.config)));
  });
  app.delete('/:id', async (c) => sendJson(c, 200, await c.get('services').environmentMappings.delete(c.get('principal').environmentId, id(c))));
  return app;
}
