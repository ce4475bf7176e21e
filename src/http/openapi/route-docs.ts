import { capabilitiesDocs } from '../routes/capabilities/capabilities.ts';
import { customDocs } from '../routes/custom/custom.ts';
import { integratedAccountDocs } from '../routes/integrated-account/integrated-account.ts';
import { integrationDocs } from '../routes/integration/integration.ts';
import { metricsDocs } from '../metrics.ts';
import { oauth2Docs } from '../routes/oauth2/oauth2.ts';
import { openapiDocs } from '../routes/openapi/openapi.ts';
import { proxyDocs } from '../routes/proxy/proxy.ts';
import { readyDocs } from '../routes/ready/ready.ts';
import { unifiedMetaDocs } from '../routes/unified/meta.ts';
import { ok, type RouteDocs } from './route-doc.ts';

/** GET /health is registered inline in app.ts, so its description lives here. */
const healthDocs: RouteDocs = {
  operations: [
    {
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness check',
      tags: ['System'],
      public: true,
      success: ok('The server is up', { type: 'object', properties: { status: { type: 'string', const: 'ok' } }, required: ['status'] }),
      errors: [500],
    },
  ],
};

/**
 * The descriptions the route modules declare, handed to the OpenAPI route by app.ts. A module
 * missing here still has its registered routes published, with a generic operation. The order
 * is the order of their component schemas in the document. The data plane (unified.ts) is
 * generated per model by unified-paths.ts.
 */
export const ROUTE_DOCS: RouteDocs[] = [
  healthDocs,
  metricsDocs,
  readyDocs,
  openapiDocs,
  proxyDocs,
  unifiedMetaDocs,
  capabilitiesDocs,
  integratedAccountDocs,
  oauth2Docs,
  integrationDocs,
  customDocs,
];
