import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { PROVIDERS_DIR, loadCatalog } from './catalog.ts';

function catalogWith(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-catalog-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : YAML.stringify(content));
  }
  return dir;
}

const neon = () => YAML.parse(fs.readFileSync(path.join(PROVIDERS_DIR, 'neon', 'integration.yaml'), 'utf8'));

test('every bundled definition and mapping loads and passes the schema', () => {
  const catalog = loadCatalog();
  assert.ok(catalog.integrations.size >= 1);
  for (const [name, def] of catalog.integrations) {
    assert.equal(def.name, name);
    assert.ok(Object.keys(def.resources).length > 0, `${name} defines resources`);
    assert.ok(catalog.mappingsFor(name).length > 0, `${name} maps at least one unified resource`);
  }
});

test('a missing key is reported with the file and the path inside it', () => {
  const def = neon();
  delete def.resources.members.list.pagination.config.cursor_path;
  assert.throws(() => loadCatalog(catalogWith({ 'neon/integration.yaml': def })), {
    message: 'neon: resources.members.list.pagination.config.cursor_path: required',
  });
});

test('an invalid JSONata expression is reported with its path and position', () => {
  const def = neon();
  def.rate_limit.is_rate_limited = 'status = ';
  assert.throws(() => loadCatalog(catalogWith({ 'neon/integration.yaml': def })), /neon: rate_limit\.is_rate_limited: invalid JSONata: .*position/);
});

test('a mapping may only call resources its integration defines', () => {
  const dir = catalogWith({
    'neon/integration.yaml': neon(),
    'neon/mappings/usage-metering.users.yaml': {
      integration: 'neon',
      model: 'usage-metering',
      resource: 'users',
      methods: { list: { resource: 'projects', method: 'list' } },
    },
  });
  assert.throws(() => loadCatalog(dir), /neon\/mappings\/usage-metering\.users\.yaml: methods\.list\.resource: unknown resource "projects" of neon/);
});

test('a wrong pagination format names the allowed ones', () => {
  const def = neon();
  def.resources.members.list.pagination.format = 'pages';
  assert.throws(() => loadCatalog(catalogWith({ 'neon/integration.yaml': def })), /neon: resources\.members\.list\.pagination\.format: /);
});

test('every provider folder is a whole provider: a definition, and a discoverable simulator when it names one', async () => {
  const { loadSimulator } = await import('../simulator-kit/discover.ts');
  const catalog = loadCatalog();
  for (const entry of fs.readdirSync(PROVIDERS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    assert.ok(fs.existsSync(path.join(PROVIDERS_DIR, entry.name, 'integration.yaml')), `src/providers/${entry.name} has an integration.yaml`);
    const def = catalog.getIntegration(entry.name);
    assert.ok(def, `${entry.name} is in the catalog`);
    if (def.sandbox) {
      const simulator = await loadSimulator(PROVIDERS_DIR, def.sandbox.simulator);
      assert.equal(simulator.name, def.sandbox.simulator);
      assert.ok(Object.keys(simulator.sandbox.context).length > 0, `${entry.name}'s simulator names the sandbox credentials`);
    }
  }
});
