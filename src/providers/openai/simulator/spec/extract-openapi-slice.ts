/**
 * Cuts the admin operations the OpenAI simulator serves out of OpenAI's OpenAPI description
 * (GitHub `openai/openai-openapi`, `openapi.yaml`, pinned at commit f85dbe2 as
 * docs/providers/sources.md §0 decides), with every component they reference
 * (transitively), into the small JSON file the contract test validates responses with. Why a
 * slice: the spec is a 3 MB YAML file that no npm package ships. Regenerated, never hand-edited:
 *
 *   git -C <openai-openapi clone> show f85dbe2:openapi.yaml > /tmp/openapi.yaml
 *   npx tsx src/providers/openai/simulator/spec/extract-openapi-slice.ts /tmp/openapi.yaml f85dbe2
 *
 * The output records the commit and the SHA-256 of the file it was cut from. `x-oaiMeta`
 * (documentation examples) is dropped; everything else is verbatim.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

type Json = Record<string, any>;

/** The GET operations the simulator serves, as OpenAI's spec writes their paths. */
export const SLICED_PATHS = [
  '/organization/users',
  '/organization/users/{user_id}',
  '/organization/invites',
  '/organization/invites/{invite_id}',
  '/organization/projects',
  '/organization/projects/{project_id}',
  '/organization/usage/completions',
  '/organization/usage/embeddings',
  '/organization/usage/moderations',
  '/organization/usage/images',
  '/organization/usage/audio_speeches',
  '/organization/usage/audio_transcriptions',
  '/organization/usage/vector_stores',
  '/organization/usage/code_interpreter_sessions',
  '/organization/costs',
] as const;

/** Components the test needs that no sliced operation references (OpenAI documents no error responses here). */
const EXTRA_REFS = ['#/components/schemas/ErrorResponse'];

export const SLICE_FILE = join(dirname(fileURLToPath(import.meta.url)), 'openai-admin.slice.json');

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

/** The GET operations of `paths` with exactly the components they reach; loud when one is missing. */
export function sliceOpenApi(spec: Json, paths: readonly string[], source: Json): Json {
  const slicedPaths: Json = {};
  for (const path of paths) {
    const get = spec.paths?.[path]?.get;
    if (!get) throw new Error(`GET ${path} is not in the spec`);
    const { 'x-oaiMeta': _docs, ...op } = get as Json;
    slicedPaths[path] = { get: op };
  }
  const components: Json = {};
  const seen = new Set<string>();
  const queue = [...refsIn(slicedPaths, new Set()), ...EXTRA_REFS];
  while (queue.length) {
    const ref = queue.shift()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    const parts = ref.slice(2).split('/');
    if (parts[0] !== 'components' || parts.length !== 3) throw new Error(`unexpected $ref ${ref}`);
    const target = pointer(spec, ref) as Json | undefined;
    if (target === undefined) throw new Error(`$ref ${ref} does not resolve`);
    const { 'x-oaiMeta': _meta, ...kept } = target;
    ((components[parts[1]] ??= {}) as Json)[parts[2]] = kept;
    queue.push(...refsIn(kept, new Set()));
  }
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

/** One line per path and per component: reviewable diffs, and a file of a few dozen lines. */
function formatSlice(slice: Json): string {
  const block = (obj: Json, indent: string) =>
    `{\n${Object.entries(obj)
      .map(([k, v]) => `${indent}${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(',\n')}\n${indent.slice(2)}}`;
  const { paths, components, ...head } = slice;
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  lines.push(`  "paths": ${block(paths, '    ')}`);
  lines.push(
    `  "components": {\n${Object.entries(components as Json)
      .map(([kind, items]) => `    ${JSON.stringify(kind)}: ${block(items, '      ')}`)
      .join(',\n')}\n  }`,
  );
  return `{\n${lines.join(',\n')}\n}\n`;
}

function main(): void {
  const [file, commit] = process.argv.slice(2);
  if (!file || !commit) {
    process.stderr.write('usage: extract-openapi-slice.ts <path/to/openapi.yaml> <openai-openapi commit>\n');
    process.exit(2);
  }
  const text = readFileSync(file);
  const spec = parseYaml(text.toString('utf8'), { maxAliasCount: -1 }) as Json;
  const source = {
    repository: 'github.com/openai/openai-openapi',
    commit,
    file: 'openapi.yaml',
    sha256: createHash('sha256').update(text).digest('hex'),
    regenerate: 'see src/providers/openai/simulator/spec/extract-openapi-slice.ts',
  };
  const slice = sliceOpenApi(spec, SLICED_PATHS, source);
  writeFileSync(SLICE_FILE, formatSlice(slice));
  const count = Object.values(slice.components as Json).reduce((n, c) => n + Object.keys(c).length, 0);
  process.stdout.write(`wrote ${SLICE_FILE}: ${Object.keys(slice.paths).length} paths, ${count} components\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
