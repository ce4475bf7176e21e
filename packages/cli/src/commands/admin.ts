import { Option, type Command } from 'commander';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, parseJson, printList, printValue, readBody } from '../io.ts';
import { collect, parseQueryArgs } from '../query-args.ts';

/**
 * The admin plane (docs/contract.md §10): `tessera accounts list|get|create|update|delete|tools` and
 * `tessera integrations list|get`.
 */
interface ListOptions {
  query?: string[];
  output?: string;
}

interface WriteOptions {
  body?: string;
  stdin?: boolean;
  output?: string;
  tenantId?: string;
  integration?: string;
  context?: string;
  keepOnValidationError?: boolean;
}

const outputOption = () => new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table');
const queryOption = (cmd: Command) =>
  cmd.option('-q, --query <k=v>', 'filters: k=v or k=v,k2=v2; repeatable; bracket keys allowed (created_at[gt]=2024-01-01T00:00:00Z)', collect);

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** -b / --stdin, with the convenience flags merged over it. */
async function accountBody(opts: WriteOptions): Promise<Record<string, unknown> | undefined> {
  const given = await readBody(opts);
  const body = given === undefined ? undefined : { ...asObject(given, 'the body') };
  const extra: Record<string, unknown> = {};
  if (opts.tenantId !== undefined) extra.tenant_id = opts.tenantId;
  if (opts.integration !== undefined) extra.integration = opts.integration;
  if (opts.context !== undefined) extra.context = asObject(parseJson(opts.context, '--context'), '--context');
  if (body === undefined && !Object.keys(extra).length) return undefined;
  return { ...body, ...extra };
}

export function registerAdmin(program: Command): void {
  const accounts = program
    .command('accounts')
    .alias('integrated-accounts')
    .description('integrated accounts: list, get, create, update, delete, tools')
    .helpCommand(false);

  queryOption(accounts.command('list').description('list integrated accounts (GET /integrated-account)'))
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  tessera accounts list
  tessera accounts list -q integration.name=neon -o json
  tessera accounts list -q tenant_id=acme,status=active`,
    )
    .action(async (opts: ListOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      const page = await clientFor(cmd).integratedAccounts.list(parseQueryArgs(opts.query)).next();
      printList(page.items, page.nextCursor, format);
    });

  accounts
    .command('get')
    .description('show one integrated account (GET /integrated-account/{id})')
    .argument('<id>', 'integrated account id')
    .addOption(outputOption())
    .action(async (id: string, opts: ListOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      await printValue(await clientFor(cmd).integratedAccounts.get(id), format);
    });

  accounts
    .command('create')
    .description('connect an integrated account (POST /integrated-account)')
    .option('-b, --body <json>', 'the account as JSON')
    .option('--stdin', 'read the JSON body from standard input')
    .option('--integration <name>', 'integration name (sets body.integration)')
    .option('--tenant-id <id>', 'your customer id (sets body.tenant_id)')
    .option('--context <json>', 'credentials and settings as a JSON object (sets body.context)')
    .option('--keep-on-validation-error', 'keep the account as validation_error when the provider refuses the credentials (default: fail, keep nothing)')
    .addOption(outputOption().default('json'))
    .addHelpText(
      'after',
      `
Credentials the provider refuses are an error (exit 1, the provider's reason on stderr) and no
account is kept, unless --keep-on-validation-error.

Examples:
  tessera accounts create --integration neon --tenant-id acme --context '{"api_key":"napi_…"}'
  tessera accounts create -b '{"integration":"neon","tenant_id":"acme","context":{"api_key":"napi_…"}}'`,
    )
    .action(async (opts: WriteOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      const body = await accountBody(opts);
      if (!body) throw new UsageError("accounts create needs the account: --integration, --tenant-id and --context, or -b '<json>' / --stdin");
      const keep = { keepOnValidationError: opts.keepOnValidationError === true };
      await printValue(await clientFor(cmd).integratedAccounts.create(body as never, keep), format);
    });

  accounts
    .command('update')
    .description('change an integrated account (PATCH /integrated-account/{id}; context is merged)')
    .argument('<id>', 'integrated account id')
    .option('-b, --body <json>', 'the fields to change, as JSON')
    .option('--stdin', 'read the JSON body from standard input')
    .option('--tenant-id <id>', 'sets body.tenant_id')
    .option('--context <json>', 'context keys to merge, as a JSON object (sets body.context)')
    .option('--keep-on-validation-error', 'save new credentials even when the provider refuses them (the account becomes validation_error)')
    .addOption(outputOption().default('json'))
    .addHelpText(
      'after',
      `
Examples:
  tessera accounts update <id> --context '{"org_id":"org-123"}'
  tessera accounts update <id> -b '{"is_blocked":false}'`,
    )
    .action(async (id: string, opts: WriteOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      const body = await accountBody(opts);
      if (!body) throw new UsageError("accounts update needs the changes: -b '<json>', --stdin, --context or --tenant-id");
      const keep = { keepOnValidationError: opts.keepOnValidationError === true };
      await printValue(await clientFor(cmd).integratedAccounts.update(id, body, keep), format);
    });

  accounts
    .command('delete')
    .description('delete an integrated account (DELETE /integrated-account/{id})')
    .argument('<id>', 'integrated account id')
    .addOption(outputOption().default('json'))
    .action(async (id: string, opts: ListOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      await printValue(await clientFor(cmd).integratedAccounts.delete(id), format);
    });

  accounts
    .command('tools')
    .description("the account's methods as tools with JSON Schemas (GET /integrated-account/{id}/tools)")
    .argument('<id>', 'integrated account id')
    .option('--methods <list>', 'only these methods, comma-separated: list,get')
    .option('--tags <list>', 'only tools with one of these tags, comma-separated: unified, proxy, read, write, or a model')
    .addOption(outputOption())
    .action(async (id: string, opts: ListOptions & { methods?: string; tags?: string }, cmd: Command) => {
      const format = checkFormat(opts.output);
      const split = (v: string | undefined) =>
        v
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      const tools = await clientFor(cmd).integratedAccounts.tools(id, split(opts.methods), split(opts.tags));
      // The table shows what a person picks a tool by; json and yaml carry the schemas.
      const rows = format === 'table' ? tools.map(({ name, kind, method, resource, description }) => ({ name, kind, method, resource, description })) : tools;
      printList(rows, null, format);
    });

  const integrations = program.command('integrations').description('integrations installed on the server: list, get').helpCommand(false);

  integrations
    .command('list')
    .description('list integrations (GET /integration)')
    .addOption(outputOption())
    .action(async (opts: ListOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      const page = await clientFor(cmd).integrations.list().next();
      printList(page.items.map(summarizeIntegration(format)), page.nextCursor, format);
    });

  integrations
    .command('get')
    .description('show one integration (GET /integration/{name})')
    .argument('<name>', 'integration name, e.g. neon')
    .addOption(outputOption())
    .action(async (name: string, opts: ListOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      await printValue(await clientFor(cmd).integrations.get(name), format);
    });
}

/** In a table, the resources map becomes one readable cell instead of a column per resource. */
function summarizeIntegration(format: string) {
  return (integration: Record<string, unknown>) => {
    if (format !== 'table' && format !== 'csv') return integration;
    const { resources, credentials, ...rest } = integration;
    return {
      ...rest,
      credentials: (credentials as { format?: string } | undefined)?.format,
      resources: resources && typeof resources === 'object' ? Object.keys(resources).join(', ') : resources,
    };
  };
}
