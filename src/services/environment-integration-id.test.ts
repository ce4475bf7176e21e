import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog } from '../integrations/catalog.ts';
import { environmentIntegrationId, integrationForId } from './environment-integration-id.ts';

const ENV_A = '6f1c1e7e-2a4b-4c9d-8e0f-0123456789ab';
const ENV_B = '7f1c1e7e-2a4b-4c9d-8e0f-0123456789ab';

test('the id is a version-5 UUID, the same for the same pair and different for any other', () => {
  const id = environmentIntegrationId(ENV_A, 'alpha');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(environmentIntegrationId(ENV_A, 'alpha'), id);
  assert.notEqual(environmentIntegrationId(ENV_B, 'alpha'), id);
  assert.notEqual(environmentIntegrationId(ENV_A, 'beta'), id);
});

test('integrationForId finds the pair in this environment only, in any letter case', () => {
  const catalog = {
    integrations: new Map([
      ['alpha', {}],
      ['beta', {}],
    ]),
  } as unknown as Catalog;
  assert.equal(integrationForId(catalog, ENV_A, environmentIntegrationId(ENV_A, 'beta')), 'beta');
  assert.equal(integrationForId(catalog, ENV_A, environmentIntegrationId(ENV_A, 'beta').toUpperCase()), 'beta');
  assert.equal(integrationForId(catalog, ENV_A, environmentIntegrationId(ENV_B, 'beta')), undefined);
  assert.equal(integrationForId(catalog, ENV_A, 'not-an-id'), undefined);
});
