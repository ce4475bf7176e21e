import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { PROVIDERS_DIR, loadCatalog, loadCatalogWithSnapshots } from './catalog.ts';

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

/** The bundled definitions' YAML, copied to a temp folder (loadCatalog parses any folder but the bundled one afresh). */
function copyOfBundledSources(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-catalog-copy-'));
  for (const name of fs.readdirSync(PROVIDERS_DIR)) {
    const from = path.join(PROVIDERS_DIR, name);
    if (!fs.existsSync(path.join(from, 'integration.yaml'))) continue;
    fs.mkdirSync(path.join(dir, name, 'mappings'), { recursive: true });
    fs.copyFileSync(path.join(from, 'integration.yaml'), path.join(dir, name, 'integration.yaml'));
    for (const file of fs.readdirSync(path.join(from, 'mappings')).filter((f) => f.endsWith('.yaml'))) {
      fs.copyFileSync(path.join(from, 'mappings', file), path.join(dir, name, 'mappings', file));
    }
  }
  return dir;
}

test('the bundled catalog read from its snapshot equals the catalog parsed from the YAML', () => {
  const parsed = loadCatalog(copyOfBundledSources());
  const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-snap-')), 'catalog.snapshot.json');
  loadCatalogWithSnapshots(PROVIDERS_DIR, [], cache); // parses, writes the cache
  assert.ok(fs.existsSync(cache), 'the first load wrote the cache');
  const fromSnapshot = loadCatalogWithSnapshots(PROVIDERS_DIR, [], cache);
  // Strict: a value JSON cannot carry (undefined, a RegExp, a Map) would differ here.
  assert.deepStrictEqual([...fromSnapshot.integrations], [...parsed.integrations]);
  assert.deepStrictEqual([...fromSnapshot.mappings], [...parsed.mappings]);
  assert.deepStrictEqual(loadCatalog().getMapping('neon', 'usage-metering', 'users', 'list'), parsed.getMapping('neon', 'usage-metering', 'users', 'list'));
});

test('a snapshot is used only while it describes the sources: an edited definition is parsed again', () => {
  const dir = copyOfBundledSources();
  const cache = path.join(dir, 'cache', 'catalog.snapshot.json');
  loadCatalogWithSnapshots(dir, [], cache);
  // Tamper with the cached value: a matching snapshot is trusted (this is what proves it is read)…
  const snapshot = JSON.parse(fs.readFileSync(cache, 'utf8'));
  snapshot.integrations.find((d: { name: string }) => d.name === 'neon').label = 'From the snapshot';
  fs.writeFileSync(cache, JSON.stringify(snapshot));
  assert.equal(loadCatalogWithSnapshots(dir, [], cache).getIntegration('neon')!.label, 'From the snapshot');
  // …and an edit to any source makes it stale: the YAML wins and the cache is rewritten.
  const file = path.join(dir, 'neon', 'integration.yaml');
  const def = YAML.parse(fs.readFileSync(file, 'utf8'));
  def.label = 'Edited YAML';
  fs.writeFileSync(file, YAML.stringify(def));
  assert.equal(loadCatalogWithSnapshots(dir, [], cache).getIntegration('neon')!.label, 'Edited YAML');
  assert.equal(loadCatalogWithSnapshots(dir, [], cache).getIntegration('neon')!.label, 'Edited YAML');
  // A broken edit is never hidden by a snapshot.
  delete def.resources.members.list.pagination.config.cursor_path;
  fs.writeFileSync(file, YAML.stringify(def));
  assert.throws(() => loadCatalogWithSnapshots(dir, [], cache), /cursor_path: required/);
});

test('a cache folder that cannot be written costs the cache, not the load', () => {
  const dir = copyOfBundledSources();
  const blocker = path.join(dir, 'not-a-folder');
  fs.writeFileSync(blocker, '');
  const catalog = loadCatalogWithSnapshots(dir, [path.join(dir, 'missing.json')], path.join(blocker, 'catalog.snapshot.json'));
  assert.ok(catalog.getIntegration('neon'));
});
