import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import type { IntegrationDefinition } from '../../../integrations/definition-schema.ts';
import { sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/** The integration as the API shows it: `config` is never returned (truto-contract.md §2). */
export function integrationView(def: IntegrationDefinition) {
  return {
    id: def.name,
    name: def.name,
    label: def.label,
    category: def.category,
    is_beta: def.is_beta,
    sharing: 'allow',
    can_install: true,
    logo: def.logo ?? null,
    credentials: def.credentials.format === 'api_key'
      ? { format: 'api_key', fields: def.credentials.config.fields, documentation_link: def.credentials.config.documentation_link }
      : { format: def.credentials.format },
    resources: Object.fromEntries(Object.entries(def.resources).map(([r, methods]) => [r, Object.keys(methods)])),
    version: 1,
  };
}

export function integrationRoutes() {
  const app = new Hono<HttpEnv>();
  app.get('/', (c) => {
    const { catalog } = c.get('services');
    return sendJson(c, 200, { result: [...catalog.integrations.values()].map(integrationView), next_cursor: null, limit: 5000 });
  });
  app.get('/:name', (c) => {
    const def = c.get('services').catalog.getIntegration(c.req.param('name'));
    if (!def) throw errors.notFound(`Integration ${c.req.param('name')} not found`);
    return sendJson(c, 200, integrationView(def));
  });
  return app;
}
