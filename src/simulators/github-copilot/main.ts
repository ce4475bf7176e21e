/**
 * Runs the GitHub Copilot REST simulator in the foreground:
 *
 *   npx tsx src/simulators/github-copilot/main.ts [options]
 *
 *   --port <n>          listen port (default $PORT, else 4020)
 *   --host <addr>       listen address (default 127.0.0.1)
 *   --seed <file>       seed file, .json or .yaml/.yml (see README.md)
 *   --seats <n>         generate a one-org seed with n seats instead (generateGithubCopilotSeed)
 *   --random-seed <n>   PRNG seed for --seats (default 1)
 *   --link-path <style> organization-id (default, as GitHub) or as-requested
 *   --reject-per-page   answer per_page > 100 with 422 instead of serving 100
 *   --rate-limit-429    refuse over-limit requests with 429 instead of 403
 *   --no-rate-limit     keep the x-ratelimit-* headers but never refuse
 *   --quiet             do not log each request
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { runSimulatorMain } from '../shared/run-main.ts';
import { defaultGithubCopilotSeed } from './default-seed.ts';
import { generateGithubCopilotSeed } from './generate-seed.ts';
import { parseGithubCopilotSeed, type GithubCopilotSeed } from './seed-schema.ts';
import { startGithubCopilotSimulator } from './server.ts';

const DEFAULT_PORT = 4020;

async function loadSeedFile(path: string): Promise<GithubCopilotSeed> {
  const text = await readFile(path, 'utf8');
  const ext = extname(path).toLowerCase();
  const data: unknown = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  return parseGithubCopilotSeed(data);
}

function parseNonNegativeInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Every live token with its user, org roles and scopes, so the banner works for any seed. */
function tokensToPrint(seed: GithubCopilotSeed): string[] {
  return seed.tokens
    .filter((t) => !t.revoked)
    .map((t) => {
      const roles = seed.memberships.filter((m) => m.user.toLowerCase() === t.user.toLowerCase()).map((m) => `${m.role === 'admin' ? 'owner' : 'member'} of ${m.org}`);
      const scopes = t.scopes === null ? 'fine-grained' : `scopes: ${t.scopes.join(', ') || '(none)'}`;
      return `  ${t.token}  (${t.user}; ${roles.join(', ') || 'no org'}; ${scopes})`;
    });
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      seats: { type: 'string' },
      'random-seed': { type: 'string' },
      'link-path': { type: 'string' },
      'reject-per-page': { type: 'boolean', default: false },
      'rate-limit-429': { type: 'boolean', default: false },
      'no-rate-limit': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: github-copilot simulator [--port n] [--host addr] [--seed file.json|.yaml] [--seats n [--random-seed n]]\n' +
        '                                [--link-path organization-id|as-requested] [--reject-per-page]\n' +
        '                                [--rate-limit-429] [--no-rate-limit] [--quiet]\n',
    );
    return;
  }
  if (values.seed && values.seats) throw new Error('use either --seed or --seats, not both');
  const linkPath = values['link-path'] ?? 'organization-id';
  if (linkPath !== 'organization-id' && linkPath !== 'as-requested') throw new Error(`--link-path must be organization-id or as-requested, got "${linkPath}"`);

  const port = parseNonNegativeInt('port', values.port ?? process.env.PORT) ?? DEFAULT_PORT;
  const seats = parseNonNegativeInt('seats', values.seats);
  const seed = values.seed
    ? await loadSeedFile(values.seed)
    : seats !== undefined
      ? generateGithubCopilotSeed({ seats, seed: parseNonNegativeInt('random-seed', values['random-seed']) ?? 1 })
      : defaultGithubCopilotSeed();

  const sim = await startGithubCopilotSimulator({
    port,
    host: values.host,
    seed,
    linkPathStyle: linkPath,
    perPageAboveMax: values['reject-per-page'] ? 'reject' : 'clamp',
    rateLimitStatus: values['rate-limit-429'] ? 429 : 403,
    rateLimit: values['no-rate-limit'] ? false : undefined,
    logRequests: !values.quiet,
  });

  process.stdout.write(
    [
      `GitHub Copilot API simulator listening: ${sim.baseUrl}`,
      `  test hooks under ${sim.origin}/__sim (faults, reset, seed, requests)`,
      ...seed.orgs.map((o) => `  org ${o.login} (id ${o.id}): ${seed.seats.filter((s) => s.org.toLowerCase() === o.login.toLowerCase()).length} seats`),
      'tokens:',
      ...tokensToPrint(seed),
      '',
    ].join('\n'),
  );

  return sim;
}

runSimulatorMain('github-copilot simulator', main);
