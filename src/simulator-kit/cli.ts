/**
 * `npm run simulator -- <name> [options]`: runs any provider's simulator in the foreground.
 *
 *   --port <n>        listen port (default $PORT, else the provider's own default)
 *   --host <addr>     listen address (default 127.0.0.1)
 *   --seed <file>     seed file, .json or .yaml/.yml (see the provider's simulator/README.md)
 *   --no-rate-limit   keep the provider's rate-limit headers but never refuse
 *   --quiet           do not log each request
 *   plus the provider's own switches (`npm run simulator -- <name> --help` lists them)
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { PROVIDERS_DIR } from '../integrations/catalog.ts';
import { parseNonNegativeInt } from './cli-args.ts';
import { startSimulator, type AnySimulatorDefinition } from './define-simulator.ts';
import { listSimulators, loadSimulator } from './discover.ts';
import { runSimulatorMain } from './run-main.ts';

const KIT_OPTIONS: ParseArgsConfig['options'] = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  'no-rate-limit': { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

async function loadSeedFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  const ext = extname(path).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
}

function usage(def: AnySimulatorDefinition): string {
  return [
    `usage: npm run simulator -- ${def.name} [--port n] [--host addr] [--seed file.json|.yaml] [--no-rate-limit] [--quiet]`,
    ...(def.cli?.usage ?? []).map((line) => `         ${line}`),
    '',
  ].join('\n');
}

async function main(argv: string[]) {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) {
    process.stdout.write(`usage: npm run simulator -- <name> [options]\nsimulators: ${listSimulators(PROVIDERS_DIR).join(', ')}\n`);
    if (name === '--help' || name === '-h') return undefined;
    throw new Error('name a simulator');
  }
  const def = await loadSimulator(PROVIDERS_DIR, name);
  const { values } = parseArgs({ args: rest, options: { ...KIT_OPTIONS, ...def.cli?.options }, strict: true });
  if (values.help) {
    process.stdout.write(usage(def));
    return undefined;
  }
  const fromCli = def.cli?.toOptions?.(values as Record<string, string | boolean | undefined>) ?? {};
  if (values.seed && fromCli.seed !== undefined) throw new Error('--seed cannot be combined with a switch that generates a seed');
  const seed = def.seed.parse(values.seed ? await loadSeedFile(values.seed as string) : (fromCli.seed ?? def.seed.default()));
  const port = parseNonNegativeInt('port', (values.port as string | undefined) ?? process.env.PORT) ?? def.cli?.defaultPort ?? 0;

  const sim = await startSimulator(def, {
    port,
    host: values.host as string | undefined,
    seed,
    options: fromCli.options,
    rateLimits: !values['no-rate-limit'],
    logRequests: !values.quiet,
  });
  process.stdout.write(
    [
      `${def.title} listening: ${sim.baseUrl}`,
      `  test hooks under ${sim.origin}/__sim (faults, reset, seed, requests)`,
      ...(def.cli?.banner?.(seed) ?? []),
      '',
    ].join('\n'),
  );
  return sim;
}

runSimulatorMain('simulator', () => main(process.argv.slice(2)));
