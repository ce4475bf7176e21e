import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { GENERATED_FILE, generateSdkTypes } from '../../../scripts/generate-sdk-types.ts';
import { UNIFIED_MODELS } from '../../../src/models/index.ts';
import type { UnifiedModels } from '../src/models.gen.ts';

test('models.gen.ts is what scripts/generate-sdk-types.ts makes of the published schemas today', async () => {
  const fresh = await generateSdkTypes();
  const onDisk = fs.readFileSync(GENERATED_FILE, 'utf8');
  assert.ok(fresh === onDisk, 'packages/sdk/src/models.gen.ts is stale: run `npm run generate:sdk-types` and commit the result');
});

test('every model resource the server publishes has a generated type', async () => {
  const text = fs.readFileSync(GENERATED_FILE, 'utf8');
  const block = text.slice(text.indexOf('export interface UnifiedModels'));
  for (const model of Object.values(UNIFIED_MODELS)) {
    assert.ok(block.includes(`'${model.name}': {`) || block.includes(`${model.name}: {`), model.name);
    for (const resource of Object.keys(model.resources)) assert.match(block, new RegExp(`\\b${resource}: \\w+;`), `${model.name}/${resource}`);
  }
  // Checked by tsc: the generated user type has the contract's nested organization.
  const org: UnifiedModels['usage-metering']['users']['organization'] = { id: 'o', name: 'n' };
  assert.equal(org?.name, 'n');
});
