/**
 * `npm run simulator:neon` — runs the Neon API simulator in the foreground.
 *
 *   --port <n>        listen port (default $PORT, else 4010)
 *   --host <addr>     listen address (default 127.0.0.1)
 *   --seed <file>     seed file, .json or .yaml/.yml (see README.md)
 *   --members <n>     generate a one-org seed with n members instead (generateNeonSeed)
 *   --random-seed <n> PRNG seed for --members (default 1)
 *   --realistic       /users/me returns the recorded 2024 body shape
 *   --legacy-org-key  /users/me/organizations with an org key returns the older 403
 *   --no-rate-limit   disable Neon's rate limits
 *   --quiet           do not log each request
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { runSimulatorMain } from '../shared/run-main.ts';
import { generateNeonSeed } from './generate-seed.ts';
import { defaultNeonSeed } from './default-seed.ts';
import { parseNeonSeed, type NeonSeed } from './seed-schema.ts';
import { startNeonSimulator } from './server.ts';

const DEFAULT_PORT = 4010;

async function loadSeedFile(path: string): Promise<NeonSeed> {
  const text = await readFile(path, 'utf8');
  const ext = extname(path).toLowerCase();
  const data: unknown = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  return parseNeonSeed(data);
}

function parsePositiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** The first live key of each kind, so the banner works for any seed, not just the default. */
function keysToPrint(seed: NeonSeed): string[] {
  const lines: string[] = [];
  for (const kind of ['user', 'org', 'project'] as const) {
    const key = seed.keys.find((k) => k.kind === kind && !k.revoked);
    if (!key) continue;
    const label = { user: 'personal', org: 'org     ', project: 'project ' }[kind];
    const scope = kind === 'user' ? `user ${key.user_id}` : kind === 'org' ? `org ${key.org_id}` : `project ${key.project_id} in ${key.org_id}`;
    lines.push(`  ${label}  ${key.token}  (${scope})`);
  }
  return lines;
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      members: { type: 'string' },
      'random-seed': { type: 'string' },
      realistic: { type: 'boolean', default: false },
      'legacy-org-key': { type: 'boolean', default: false },
      'no-rate-limit': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: simulator:neon [--port n] [--host addr] [--seed file.json|.yaml] [--members n [--random-seed n]]\n' +
        '                      [--realistic] [--legacy-org-key] [--no-rate-limit] [--quiet]\n',
    );
    return;
  }
  if (values.seed && values.members) throw new Error('use either --seed or --members, not both');

  const port = parsePositiveInt('port', values.port ?? process.env.PORT) ?? DEFAULT_PORT;
  const members = parsePositiveInt('members', values.members);
  const seed = values.seed
    ? await loadSeedFile(values.seed)
    : members !== undefined
      ? generateNeonSeed({ members, seed: parsePositiveInt('random-seed', values['random-seed']) ?? 1 })
      : defaultNeonSeed();

  const sim = await startNeonSimulator({
    port,
    host: values.host,
    seed,
    realisticUserMe: values.realistic,
    orgKeyUsersMeOrganizations: values['legacy-org-key'] ? 'legacy-403' : '2.7.3',
    rateLimit: values['no-rate-limit'] ? false : undefined,
    logRequests: !values.quiet,
  });

  process.stdout.write(
    [
      `Neon API simulator listening: ${sim.baseUrl}`,
      `  test hooks under ${sim.origin}/__sim (faults, reset, seed, requests)`,
      'keys:',
      ...keysToPrint(seed),
      '',
    ].join('\n'),
  );

  return sim;
}

runSimulatorMain('simulator:neon', main);
