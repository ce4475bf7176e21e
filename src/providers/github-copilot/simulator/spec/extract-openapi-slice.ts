/**
 * Cuts the operations the GitHub Copilot simulator serves out of GitHub's REST OpenAPI
 * description, with every component they reference (transitively), into a small JSON file that
 * the contract test reads. Why a slice: `@octokit/openapi` unpacks to ~400 MB (the 13 MB
 * `api.github.com.json` plus deref'd and GHES/GHEC copies), too heavy for a devDependency that
 * only one test reads. The slice is regenerated, never edited by hand:
 *
 *   npm pack @octokit/openapi@23.0.2 --pack-destination /tmp
 *   tar -xzf /tmp/octokit-openapi-23.0.2.tgz -C /tmp package/generated/api.github.com.json
 *   npx tsx src/providers/github-copilot/simulator/spec/extract-openapi-slice.ts /tmp/package/generated/api.github.com.json 23.0.2
 *
 * The output records the package version and the SHA-256 of the file it was cut from.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = Record<string, any>;

/** The GET operations the simulator serves, by path as GitHub's spec writes them. */
export const SLICED_PATHS = [
  '/user',
  '/orgs/{org}',
  '/orgs/{org}/copilot/billing',
  '/orgs/{org}/copilot/billing/seats',
  '/orgs/{org}/members/{username}/copilot',
  '/organizations/{org}/settings/billing/premium_request/usage',
  '/organizations/{org}/settings/billing/budgets',
  '/orgs/{org}/copilot/metrics/reports/users-1-day',
  '/orgs/{org}/copilot/metrics/reports/organization-1-day',
] as const;

export const SLICE_FILE = join(dirname(fileURLToPath(import.meta.url)), 'api.github.com.copilot.json');

/** Every local `#/…` $ref in a node. */
function refsIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.add(v);
      else refsIn(v, out);
    }
  }
  return out;
}

const pointer = (spec: Json, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((at, part) => (at === undefined ? undefined : at[part]), spec);

/**
 * The GET operations of `paths` with exactly the components they reach. Throws when a path, its
 * GET or a referenced component is missing, so a spec that dropped an endpoint is loud.
 */
export function sliceOpenApi(spec: Json, paths: readonly string[], source: Json): Json {
  const slicedPaths: Json = {};
  for (const path of paths) {
    const item = spec.paths?.[path];
    if (!item?.get) throw new Error(`GET ${path} is not in the spec`);
    slicedPaths[path] = { ...(item.parameters ? { parameters: item.parameters } : {}), get: item.get };
  }
  const components: Json = {};
  const seen = new Set<string>();
  const queue = [...refsIn(slicedPaths, new Set())];
  while (queue.length) {
    const ref = queue.shift()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    const parts = ref.slice(2).split('/');
    if (parts[0] !== 'components' || parts.length !== 3) throw new Error(`unexpected $ref ${ref}`);
    const target = pointer(spec, ref);
    if (target === undefined) throw new Error(`$ref ${ref} does not resolve`);
    ((components[parts[1]] ??= {}) as Json)[parts[2]] = target;
    queue.push(...refsIn(target, new Set()));
  }
  // Stable key order, so a regeneration from the same spec is byte-identical.
  const sorted: Json = {};
  for (const kind of Object.keys(components).sort()) {
    sorted[kind] = Object.fromEntries(
      Object.keys(components[kind])
        .sort()
        .map((k) => [k, components[kind][k]]),
    );
  }
  return {
    openapi: spec.openapi,
    info: { title: spec.info?.title, version: spec.info?.version },
    'x-tessera-source': source,
    paths: slicedPaths,
    components: sorted,
  };
}

function main(): void {
  const [file, version] = process.argv.slice(2);
  if (!file || !version) {
    process.stderr.write('usage: extract-openapi-slice.ts <path/to/api.github.com.json> <@octokit/openapi version>\n');
    process.exit(2);
  }
  const text = readFileSync(file);
  const spec = JSON.parse(text.toString('utf8')) as Json;
  const source = {
    package: `@octokit/openapi@${version}`,
    file: 'generated/api.github.com.json',
    sha256: createHash('sha256').update(text).digest('hex'),
    regenerate: 'see src/providers/github-copilot/simulator/spec/extract-openapi-slice.ts',
  };
  const slice = sliceOpenApi(spec, SLICED_PATHS, source);
  writeFileSync(SLICE_FILE, JSON.stringify(slice, null, 1) + '\n');
  process.stdout.write(
    `wrote ${SLICE_FILE}: ${Object.keys(slice.paths).length} paths, ${Object.values(slice.components as Json).reduce((n, c) => n + Object.keys(c).length, 0)} components\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
