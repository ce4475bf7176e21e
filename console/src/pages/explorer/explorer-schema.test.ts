import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paramsFor, supportedBy, toQuery, type OpenApiDoc } from './explorer-schema.ts';

/** The shape GET /openapi.json publishes for a unified list and get (src/http/openapi): shared parameters by $ref, the resource's own inline. */
const doc: OpenApiDoc = {
  components: {
    parameters: {
      IntegratedAccountId: { name: 'integrated_account_id', in: 'query', required: true, schema: { type: 'string' } },
      Format: {
        name: 'truto_response_format',
        in: 'query',
        description: 'How to answer.',
        schema: { type: 'string', enum: ['unified', 'raw'], default: 'unified' },
      },
      Limit: { name: 'limit', in: 'query', description: 'Page size.', schema: { type: 'integer' } },
      Exclude: { name: 'truto_exclude_fields', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
      RemoteQuery: { name: 'remote_query', in: 'query', schema: { type: 'object' } },
    },
  },
  paths: {
    '/unified/m/usage': {
      get: {
        parameters: [
          { $ref: '#/components/parameters/IntegratedAccountId' },
          { $ref: '#/components/parameters/Format' },
          { $ref: '#/components/parameters/Limit' },
          { $ref: '#/components/parameters/Exclude' },
          { $ref: '#/components/parameters/RemoteQuery' },
          { name: 'start_date', in: 'query', description: 'Inclusive start (supported by: neon, openai)', schema: { type: 'string' } },
          { name: 'report_type', in: 'query', description: 'Rows (supported by: datadog)', schema: { type: 'string', enum: ['usage', 'cost'] } },
          { name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } },
        ],
      },
    },
    '/unified/m/usage/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, description: 'Record id', schema: { type: 'string' } }] } },
  },
};

test('paramsFor: refs resolved, the account and headers left out, integration-only parameters kept for their integrations', () => {
  const neon = paramsFor(doc, 'm', 'usage', 'list', 'neon');
  assert.deepEqual(
    neon.map((p) => [p.name, p.kind]),
    [
      ['truto_response_format', 'enum'],
      ['limit', 'integer'],
      ['truto_exclude_fields', 'array'],
      ['remote_query', 'object'],
      ['start_date', 'string'],
    ],
  );
  assert.equal(neon[0].defaultValue, 'unified');
  assert.deepEqual(neon[0].options, ['unified', 'raw']);
  assert.equal(neon[4].description, 'Inclusive start', 'the "supported by" note is not repeated to the person');
  assert.deepEqual(
    paramsFor(doc, 'm', 'usage', 'list', 'datadog').map((p) => p.name),
    ['truto_response_format', 'limit', 'truto_exclude_fields', 'remote_query', 'report_type'],
  );
  assert.deepEqual(paramsFor(doc, 'm', 'usage', 'get', 'neon'), [
    { name: 'id', in: 'path', description: 'Record id', kind: 'string', required: true, defaultValue: undefined },
  ]);
  assert.deepEqual(paramsFor(doc, 'm', 'usage', 'delete', 'neon'), [], 'an operation the document lacks has no parameters');
  assert.equal(supportedBy('no note'), undefined);
});

test('toQuery: typed values, arrays from commas, remote_query from lines, empty fields and the path id left out', () => {
  const params = paramsFor(doc, 'm', 'usage', 'list', 'neon');
  const query = toQuery(params, {
    limit: '2',
    truto_exclude_fields: 'roles, organization.name,',
    remote_query: 'search=a=b c\n\nq = ünï',
    truto_response_format: '',
    start_date: ' 2026-12-01 ',
    id: 'ignored',
  });
  assert.deepEqual(query, {
    limit: 2,
    truto_exclude_fields: ['roles', 'organization.name'],
    remote_query: { search: 'a=b c', q: ' ünï' },
    start_date: '2026-12-01',
  });
});
