import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { loadCatalog } from '../integrations/catalog.ts';
import { UNIFIED_MODELS } from '../models/index.ts';
import { integrationCoverage, mappedFields, renderCoverageMarkdown } from './coverage.ts';

const model = UNIFIED_MODELS['usage-metering'];

test('docs/coverage.md is what the bundled mappings say (run npm run generate:coverage after changing a mapping)', () => {
  const onDisk = fs.readFileSync(new URL('../../docs/coverage.md', import.meta.url), 'utf8');
  assert.equal(onDisk, renderCoverageMarkdown(loadCatalog(), model));
});

test('fields are the keys a mapping builds at the record level, not those of nested objects', () => {
  const fields = mappedFields(
    {
      response_mapping:
        '( $org := { "id": "o", "name": "n" }; { "id": "1", "organization": $org, "roles": [{ "id": "r", "name": "r" }], "status": "active" } )',
    },
    Object.keys(model.resources.users.schema.properties as object),
  );
  assert.deepEqual(
    fields,
    ['id', 'name', 'organization', 'remote_data', 'roles', 'status'].filter((f) => fields.includes(f)),
  );
  assert.ok(!fields.includes('emails') && !fields.includes('spend_limit'));
  // `name` is produced by the bound organization object only: an honest over-count the doc states.
  assert.ok(fields.includes('id') && fields.includes('organization') && fields.includes('roles'));
});

test('Neon maps users with writes; GitHub Copilot maps users read-only', () => {
  const catalog = loadCatalog();
  const neon = integrationCoverage(catalog, model, 'neon').find((c) => c.resource === 'users')!;
  assert.deepEqual(neon.methods, ['list', 'get', 'create', 'update', 'delete']);
  assert.ok(neon.fields.includes('emails') && neon.fields.includes('organization'));
  const copilot = integrationCoverage(catalog, model, 'github-copilot').find((c) => c.resource === 'users')!;
  assert.deepEqual(copilot.methods, ['list', 'get']);
  assert.ok(copilot.fields.includes('last_active_at'));
});
