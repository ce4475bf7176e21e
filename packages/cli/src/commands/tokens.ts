import { Option, type Command } from 'commander';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, parseJson, printList, printValue, stderr } from '../io.ts';

/**
 * The platform resources (docs/platform.md): `tessera tokens list|create|delete`,
 * `tessera environment [get|rename <name>]` and
 * `tessera env-integrations list|install|update|uninstall`.
 */
interface Options {
  output?: string;
  expiresAt?: string;
  role?: string;
  override?: string;
  enable?: boolean;
  disable?: boolean;
}

const outputOption = (fallback = 'table') => new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default(fallback);

function objectArg(text: string, what: string): Record<string, unknown> {
  const value = parseJson(text, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** The token's own environment: the only one it sees. */
async function ownEnvironment(cmd: Command) {
  const env = await clientFor(cmd).environment.list().first();
  if (!env) throw new UsageError('the server listed no environment for this token');
  return env;
}

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').alias('api-tokens').description('API tokens: list, create, delete').helpCommand(false);

  tokens
    .command('list')
    .description('list the API tokens of the environment (GET /api-token)')
    .addOption(outputOption())
    .action(async (opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      printList(await clientFor(cmd).apiToken.list().toArray(), null, format);
    });

  tokens
    .command('create')
    .description('create an API token (POST /api-token; needs an admin token); the secret is printed once')
    .argument('<name>', 'a name to recognise the token by')
    .option('--expires-at <iso>', 'when the token stops working, ISO 8601 (default: never)')
    .addOption(new Option('--role <role>', 'admin tokens may manage tokens').choices(['admin', 'standard']).default('standard'))
    .addOption(outputOption('json'))
    .addHelpText(
      'after',
      `
The secret (field "token") is shown in this output only: store it now.

Examples:
  tessera tokens create ci --expires-at 2027-01-01T00:00:00Z
  tessera tokens create ops --role admin`,
    )
    .action(async (name: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      if (opts.expiresAt !== undefined && Number.isNaN(Date.parse(opts.expiresAt)))
        throw new UsageError(`--expires-at must be an ISO 8601 date-time, got ${opts.expiresAt}`);
      const created = await clientFor(cmd).apiToken.create({ name, expires_at: opts.expiresAt, role: opts.role as 'admin' | 'standard' });
      await printValue(created, format);
      stderr('The token is shown once; store it now.');
    });

  tokens
    .command('delete')
    .description('delete an API token (DELETE /api-token/{id}; needs an admin token)')
    .argument('<id>', 'API token id')
    .addOption(outputOption('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      await printValue(await clientFor(cmd).apiToken.delete(id), checkFormat(opts.output));
    });

  const environment = program.command('environment').description("the token's environment: get (default), rename").helpCommand(false);
  environment
    .command('get', { isDefault: true })
    .description('show the environment (GET /environment)')
    .addOption(outputOption('json'))
    .action(async (opts: Options, cmd: Command) => {
      await printValue(await ownEnvironment(cmd), checkFormat(opts.output));
    });
  environment
    .command('rename')
    .description('rename the environment (PATCH /environment/{id})')
    .argument('<name>', 'the new name')
    .addOption(outputOption('json'))
    .action(async (name: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      const env = await ownEnvironment(cmd);
      await printValue(await clientFor(cmd).environment.update(env.id, { name }), format);
    });

  const ei = program
    .command('env-integrations')
    .alias('environment-integrations')
    .description('integrations installed in the environment: list, install, update, uninstall')
    .helpCommand(false);
  ei.command('list')
    .description('list the installed integrations (GET /environment-integration)')
    .addOption(outputOption())
    .action(async (opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      printList(await clientFor(cmd).environmentIntegration.list().toArray(), null, format);
    });
  ei.command('install')
    .description('install an integration (POST /environment-integration; idempotent)')
    .argument('<integration>', 'integration name, e.g. neon')
    .addOption(outputOption('json'))
    .action(async (integration: string, opts: Options, cmd: Command) => {
      await printValue(await clientFor(cmd).environmentIntegration.create({ integration_id: integration }), checkFormat(opts.output));
    });
  ei.command('update')
    .description('change an environment-integration (PATCH /environment-integration/{id}); --override replaces the whole override')
    .argument('<id>', 'environment-integration id (see env-integrations list)')
    .option('--override <json>', 'the override as a JSON object, e.g. \'{"base_url":"https://eu.example.com"}\'')
    .option('--enable', 'set is_enabled: true')
    .option('--disable', 'set is_enabled: false (calls for its accounts are refused)')
    .addOption(outputOption('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      if (opts.enable && opts.disable) throw new UsageError('give --enable or --disable, not both');
      const body = {
        ...(opts.override !== undefined ? { override: objectArg(opts.override, '--override') } : {}),
        ...(opts.enable ? { is_enabled: true } : opts.disable ? { is_enabled: false } : {}),
      };
      if (!Object.keys(body).length) throw new UsageError('env-integrations update needs --override <json>, --enable or --disable');
      await printValue(await clientFor(cmd).environmentIntegration.update(id, body), format);
    });
  ei.command('uninstall')
    .description('uninstall (DELETE /environment-integration/{id}): deletes every account of the integration in the environment')
    .argument('<id>', 'environment-integration id')
    .addOption(outputOption('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      await printValue(await clientFor(cmd).environmentIntegration.delete(id), checkFormat(opts.output));
    });
}
