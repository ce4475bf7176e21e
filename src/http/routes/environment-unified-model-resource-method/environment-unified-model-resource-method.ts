import { Hono, type Context } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { NAME_RULE } from '../../../query/safe-input.ts';
import { createEnvironmentMappingBody, environmentMappingView, patchEnvironmentMappingBody } from '../../../services/environment-mappings.ts';
import { parseQueryString } from '../../../query/unified-query.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import { uuidParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';
import { bothText, parseListFilters, type FilterSpec } from '../../list-filters.ts';
import type { TextMatch } from '../../../store/types.ts';

const name = { kind: 'text', rule: NAME_RULE } as const;
/** The list's filters, in every form list-filters.ts reads; `unified_model_id` is another name for `unified_model`. */
export const ENVIRONMENT_MAPPING_FILTERS: Record<string, FilterSpec> = {
  unified_model: name,
  unified_model_id: name,
  resource_name: name,
  integration_name: name,
  method_name: name,
};

/** /environment-unified-model-resource-method — environment-level mapping overrides. */
export function environmentMappingRoutes() {
  const app = new Hono<HttpEnv>();
  const id = (c: Context) => uuidParam(c, 'id', (shown) => errors.notFound(`Environment mapping ${shown} not found`));

  app.get('/', async (c) => {
    const f = parseListFilters(parseQueryString(rawQueryString(c)), ENVIRONMENT_MAPPING_FILTERS, '/environment-unified-model-resource-method');
    const rows = await c.get('services').store.listEnvironmentMappings({
      environment_id: c.get('principal').environmentId,
      model: bothText(f.unified_model, f.unified_model_id),
      resource: f.resource_name as TextMatch | undefined,
      integration: f.integration_name as TextMatch | undefined,
      method: f.method_name as TextMatch | undefined,
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
