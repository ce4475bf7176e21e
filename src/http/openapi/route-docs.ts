import { apiTokenDocs } from '../routes/api-token/api-token.ts';
import { capabilitiesDocs } from '../routes/capabilities/capabilities.ts';
import { environmentIntegrationDocs } from '../routes/environment-integration/environment-integration.ts';
import { environmentDocs } from '../routes/environment/environment.ts';
import { unifiedModelDocs } from '../routes/unified-model/unified-model.ts';
import { customDocs } from '../routes/custom/custom.ts';
import { accountTokenDocs } from '../routes/integrated-account/account-token.ts';
import { integratedAccountDocs } from '../routes/integrated-account/integrated-account.ts';
import { integrationDocs } from '../routes/integration/integration.ts';
import { logDocs } from '../routes/log/log.ts';
import { metricsDocs } from '../metrics.ts';
import { oauth2Docs } from '../routes/oauth2/oauth2.ts';
import { openapiDocs } from '../routes/openapi/openapi.ts';
import { proxyDocs } from '../routes/proxy/proxy.ts';
import { readyDocs } from '../routes/ready/ready.ts';
import { unifiedMetaDocs } from '../routes/unified/meta.ts';
import { batchRequestDocs } from '../routes/batch-request/batch-request.ts';
import { integratedAccountToolsDocs } from '../routes/integrated-account/tools.ts';
import { mcpDocs } from '../routes/mcp/mcp.ts';
import { webhookDocs } from '../routes/webhook/webhook.ts';
import { connectAccountDocs } from '../routes/connect-account/connect-account.ts';
import { linkTokenDocs } from '../routes/link-token/link-token.ts';
import { consoleDocs } from '../routes/console/console.ts';
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
  consoleDocs,
  proxyDocs,
  unifiedMetaDocs,
  capabilitiesDocs,
  integratedAccountDocs,
  accountTokenDocs,
  oauth2Docs,
  integrationDocs,
  environmentDocs,
  apiTokenDocs,
  environmentIntegrationDocs,
  unifiedModelDocs,
  customDocs,
  logDocs,
  webhookDocs,
  batchRequestDocs,
  integratedAccountToolsDocs,
  mcpDocs,
  linkTokenDocs,
  connectAccountDocs,
];
