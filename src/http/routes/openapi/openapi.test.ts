import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadCatalog } from '../../../integrations/catalog.ts';
import { UNIFIED_MODELS } from '../../../models/index.ts';
import { honoPathToTemplates, shapeOf } from '../../openapi/build-document.ts';
import { createHttpApp } from '../../app.ts';
import { RESPONSE_FORMATS } from '../../../query/unified-query.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

type Json = Record<string, any>;
const catalog = loadCatalog();
/** Integrations whose bundled mappings cover (model, resource[, method]). */
const mappedBy = (model: string, resource: string, method?: string) =>
  [...catalog.mappings.values()].filter((m) => m.model === model && m.resource === resource && (!method || m.methods[method])).map((m) => m.integration);
const VERBS = ['get', 'post', 'put', 'patch', 'delete'];

let stack: TestStack;
let doc: Json;
let served: Response;

/** Follows a local `#/components/...` reference. */
function deref(node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  const parts = (node.$ref as string).replace(/^#\//, '').split('/');
  return deref(parts.reduce<Json>((at, p) => at?.[p], doc));
}

function operations(): { path: string; verb: string; op: Json }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    VERBS.filter((v) => (item as Json)[v]).map((verb) => ({ path, verb, op: (item as Json)[verb] as Json })),
  );
}

/** Validates a live response body against a schema of the served document. */
function conforms(schemaName: string, value: unknown): string | null {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  ajv.addSchema({ $id: 'https://tessera.test/openapi.json', components: doc.components });
  const validate = ajv.compile({ $ref: `https://tessera.test/openapi.json#/components/schemas/${schemaName}` });
  return validate(value) ? null : ajv.errorsText(validate.errors);
}

before(async () => {
  stack = await startTestStack();
  // No Authorization header: the document is public, like /health.
  served = await fetch(`${stack.apiUrl}/openapi.json`);
  doc = (await served.json()) as Json;
});
after(async () => {
  await stack?.close();
});

describe('GET /openapi.json', () => {
  test('is served without authentication and is a valid OpenAPI 3.1 document', async () => {
    assert.equal(served.status, 200);
    assert.match(served.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(doc.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(doc.servers, [{ url: stack.apiUrl }]);
  });

  test('the validator is not vacuous: a broken copy fails', async () => {
    const broken = structuredClone(doc);
    broken.paths['/health'].get.responses = { '200': { content: {} } }; // a response without its required description
    const result = await new Validator().validate(broken);
    assert.equal(result.valid, false);
  });

  test('publishes the unified users schema from src/models', () => {
    const users = doc.components.schemas.UsageMeteringUser;
    assert.ok(users, Object.keys(doc.components.schemas).join());
    assert.deepEqual(users.required, ['id', 'name']);
    const { $id: _id, ...expected } = UNIFIED_MODELS['usage-metering'].resources.users.schema;
    assert.deepEqual(users, expected);
    assert.deepEqual(doc.components.schemas.UsageMeteringUserList.properties.result.oneOf[0].items, { $ref: '#/components/schemas/UsageMeteringUser' });
  });

  test('lists the unified methods bundled mappings provide, and only those', () => {
    const users = doc.paths['/unified/usage-metering/users'];
    const user = doc.paths['/unified/usage-metering/users/{id}'];
    assert.deepEqual(
      Object.keys(users)
        .filter((k) => VERBS.includes(k))
        .sort(),
      ['get', 'post'],
    );
    assert.deepEqual(
      Object.keys(user)
        .filter((k) => VERBS.includes(k))
        .sort(),
      ['delete', 'get', 'patch', 'put'],
    );
    assert.ok(users.get['x-tessera-integrations'].includes('neon'));
    assert.deepEqual(user.patch['x-tessera-integrations'], mappedBy('usage-metering', 'users', 'update'));
    assert.deepEqual(deref(users.get.responses['200'].content['application/json'].schema).title, 'UsageMeteringUserList');
    assert.deepEqual(user.get.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/UsageMeteringUser' });
    // A resource no bundled integration maps is not published; one that some integration maps is.
    for (const resource of Object.keys(UNIFIED_MODELS['usage-metering'].resources)) {
      const mapped = mappedBy('usage-metering', resource).length > 0;
      assert.equal(
        Object.keys(doc.paths).some((p) => p.startsWith(`/unified/usage-metering/${resource}`)),
        mapped,
        resource,
      );
    }
    // Middleware (app.use('/unified/*', …)) is not mistaken for an endpoint.
    assert.deepEqual(
      Object.keys(doc.paths).filter((p) => p.includes('{path}')),
      ['/custom/{path}'],
    );
  });

  test('list operations take the contract’s query parameters', () => {
    const params = (doc.paths['/unified/usage-metering/users'].get.parameters as Json[]).map(deref);
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    for (const name of [
      'integrated_account_id',
      'truto_response_format',
      'truto_exclude_fields',
      'truto_ignore_remote_data',
      'truto_key_by',
      'truto_ignore_limit',
      'truto_skip_api_call',
      'remote_query',
      'limit',
      'next_cursor',
    ]) {
      assert.ok(byName[name], `missing ${name}`);
      assert.equal(byName[name].in, 'query');
    }
    assert.equal(byName.integrated_account_id.required, true);
    assert.deepEqual(byName.truto_response_format.schema.enum, [...RESPONSE_FORMATS]);
    assert.deepEqual(byName.truto_response_format.schema.enum, ['unified', 'raw', 'normalized', 'stream', 'debug']);
    assert.equal(byName.remote_query.style, 'deepObject');
    assert.equal(byName.truto_exclude_fields.schema.type, 'array');
    const getParams = (doc.paths['/unified/usage-metering/users/{id}'].get.parameters as Json[]).map(deref).map((p) => p.name);
    assert.ok(getParams.includes('id'));
    assert.equal(getParams.includes('truto_key_by'), false, 'truto_key_by is list-only');
  });

  test('every 4xx/5xx response is the error envelope, and every operation has one', () => {
    const envelope = doc.components.schemas.ErrorEnvelope;
    assert.deepEqual(envelope.required, ['statusCode', 'error', 'message']);
    let checked = 0;
    for (const { path, verb, op } of operations()) {
      const codes = Object.keys(op.responses).filter((c) => /^[45]/.test(c));
      assert.ok(codes.length > 0, `${verb} ${path} documents no error`);
      for (const code of codes) {
        const response = deref(op.responses[code]);
        // The hosted connect page's errors are pages for a person (docs/connect.md), not the envelope.
        if (path.startsWith('/connect-account') && response.content?.['text/html']) continue;
        assert.deepEqual(response.content['application/json'].schema, { $ref: '#/components/schemas/ErrorEnvelope' }, `${verb} ${path} ${code}`);
        checked++;
      }
    }
    assert.ok(checked > 50);
    assert.ok(deref(doc.paths['/unified/usage-metering/users'].get.responses['429']).headers['Retry-After']);
  });

  test('bearer security everywhere except /health, /ready, /openapi.json and the OAuth callback', () => {
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: doc.components.securitySchemes.bearerAuth.description,
    });
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    assert.deepEqual(doc.paths['/health'].get.security, []);
    assert.deepEqual(doc.paths['/ready'].get.security, []);
    assert.deepEqual(doc.paths['/openapi.json'].get.security, []);
    // A browser arrives at the callback from the provider, without a token; its sealed state is the credential.
    assert.deepEqual(doc.paths['/oauth2/callback'].get.security, []);
    const publicPaths = ['/health', '/ready', '/metrics', '/openapi.json', '/oauth2/callback'];
    // The hosted connect page: a browser's, whose credential is the link token (docs/connect.md).
    publicPaths.push('/connect-account', '/connect-account/oauth', '/connect-account/oauth-return');
    // The web console's static files: the page is public, its API calls carry the token (docs/console.md).
    publicPaths.push('/console', '/console/{rest}');
    for (const { path, verb, op } of operations()) {
      if (!publicPaths.includes(path)) assert.equal(op.security, undefined, `${verb} ${path}`);
    }
  });

  test('every route registered on the app is published, with unique operationIds', () => {
    const published = new Set(operations().map(({ path, verb }) => `${verb} ${shapeOf(path)}`));
    const missing: string[] = [];
    for (const route of createHttpApp(stack.services).routes) {
      if (route.path === '/*' || (route.method === 'ALL' && route.handler.length >= 2)) continue; // middleware
      const verbs = route.method === 'ALL' ? VERBS : [route.method.toLowerCase()];
      for (const template of honoPathToTemplates(route.path)) {
        for (const verb of verbs) {
          const shape = shapeOf(template);
          // The unified data plane is published per (model, resource): /unified/{}/{} becomes /unified/usage-metering/users.
          const found =
            shape.startsWith('/unified/{}/{}') && !shape.includes('meta')
              ? [...published].some((k) => k.startsWith(`${verb} /unified/`))
              : published.has(`${verb} ${shape}`);
          if (!found) missing.push(`${verb} ${template}`);
        }
      }
    }
    assert.deepEqual(missing, []);
    const ids = operations().map(({ op }) => op.operationId);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of [
      '/unified/{model}/{resource}/meta/{method}',
      '/unified/{model}/{resource}/{integration}/meta/{method}',
      '/integrated-account/{id}/capabilities',
      '/integration/{name}/capabilities',
      '/proxy/{resource}',
      '/proxy/{resource}/{id}',
    ]) {
      assert.ok(doc.paths[p], `missing ${p}`);
    }
  });

  test('live responses conform to the published schemas', async () => {
    const account = stack.accounts.neon;
    const checks: [string, string][] = [
      ['CapabilitiesResponse', `/integrated-account/${account}/capabilities?has_description=false`],
      ['CapabilitiesResponse', '/integration/neon/capabilities'],
      ['UnifiedMethodMeta', `/unified/usage-metering/users/meta/list?integrated_account_id=${account}`],
      ['UnifiedMethodMeta', '/unified/usage-metering/users/neon/meta/get'],
      ['UsageMeteringUserList', `/unified/usage-metering/users?integrated_account_id=${account}&limit=2`],
      ['IntegratedAccount', `/integrated-account/${account}`],
      ['IntegratedAccountList', '/integrated-account'],
      ['Integration', '/integration/neon'],
      ['ErrorEnvelope', `/unified/usage-metering/users/meta/nope?integrated_account_id=${account}`],
    ];
    for (const [schema, path] of checks) {
      const body = await (await stack.api(path)).json();
      assert.equal(conforms(schema, body), null, `${path} vs ${schema}`);
    }
    // And the check can fail.
    assert.notEqual(conforms('CapabilitiesResponse', { integration: { id: 'neon' } }), null);
  });
});
