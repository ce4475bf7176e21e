import { Option, type Command } from 'commander';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../format.ts';
import { checkFormat, printList, printValue, readBody } from '../io.ts';
import { collect, parseQueryArgs } from '../query-args.ts';

/**
 * `tessera unified <model> <resource> [id]` and `tessera proxy <resource> [id]`
 * (docs/contract.md §15): -m picks the method (default list), the id is positional.
 */
export interface DataOptions {
  method: string;
  account?: string;
  query?: string[];
  body?: string;
  stdin?: boolean;
  output?: string;
}

export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('-m, --method <method>', 'list, get, create, update, delete, or a custom method name', 'list')
    .option('-a, --account <id>', 'integrated account id (sent as integrated_account_id)')
    .option(
      '-q, --query <k=v>',
      'query parameters: k=v or k=v,k2=v2; repeatable; bracket keys allowed (remote_query[foo]=bar, truto_exclude_fields[]=roles)',
      collect,
    )
    .option('-b, --body <json>', 'request body as JSON (create, update, custom methods)')
    .option('--stdin', 'read the JSON body from standard input')
    .addOption(new Option('-o, --output <format>', 'output format (default: table; json for custom methods)').choices(OUTPUT_FORMATS));
}

const STANDARD = ['list', 'get', 'create', 'update', 'delete'];
const NEEDS_ID = ['get', 'update', 'delete'];
const NEEDS_BODY = ['create', 'update'];
const NO_BODY = ['list', 'get', 'delete'];

interface Plan {
  method: string;
  custom: boolean;
  format: OutputFormat;
  query: Record<string, unknown>;
  body: unknown;
}

async function plan(usage: string, id: string | undefined, opts: DataOptions): Promise<Plan> {
  const method = STANDARD.includes(opts.method.toLowerCase()) ? opts.method.toLowerCase() : opts.method;
  const custom = !STANDARD.includes(method);
  if (!/^[A-Za-z0-9_.-]+$/.test(method)) throw new UsageError(`-m "${method}" is not a method name`);
  if (NEEDS_ID.includes(method) && !id) throw new UsageError(`-m ${method} needs an id: ${usage} <id> -m ${method}`);
  if ((method === 'list' || method === 'create' || custom) && id) {
    throw new UsageError(`-m ${method} takes no id (got "${id}")${custom ? '; a custom method is called as POST …/{resource}/{method}' : ''}`);
  }
  const body = await readBody(opts);
  if (NEEDS_BODY.includes(method) && body === undefined) throw new UsageError(`-m ${method} needs a body: -b '<json>' or --stdin`);
  if (NO_BODY.includes(method) && body !== undefined) throw new UsageError(`-m ${method} takes no body`);
  const query = parseQueryArgs(opts.query);
  if (opts.account) query.integrated_account_id = opts.account;
  const format = checkFormat(opts.output ?? (custom ? 'json' : 'table'));
  return { method, custom, format, query, body };
}

export function registerDataPlane(program: Command): { unified: Command; proxy: Command } {
  const unified = addDataOptions(
    program
      .command('unified')
      .description('call the unified API: /unified/{model}/{resource}[/{id}] (and test-mapping, locally)')
      .enablePositionalOptions()
      .helpCommand(false)
      .argument('<model>', 'unified model, e.g. usage-metering')
      .argument('<resource>', 'resource, e.g. users')
      .argument('[id]', 'record id (get, update, delete)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  tessera unified usage-metering users -a <integrated_account_id>
  tessera unified usage-metering users <id> -m get -a <integrated_account_id> -o json
  tessera unified usage-metering users -a <ia> -q limit=10 -q truto_exclude_fields=remote_data,roles
  tessera unified usage-metering users -a <ia> -q next_cursor=<cursor from stderr>`,
    )
    .action(async (model: string, resource: string, id: string | undefined, opts: DataOptions, cmd: Command) => {
      const p = await plan(`tessera unified ${model} ${resource}`, id, opts);
      const api = clientFor(cmd).unifiedApi;
      switch (p.method) {
        case 'list': {
          const page = await api.list(model, resource, p.query).next();
          return printList(page.items, page.nextCursor, p.format);
        }
        case 'get':
          return printValue(await api.get(model, resource, id!, p.query), p.format);
        case 'create':
          return printValue(await api.create(model, resource, p.body, p.query), p.format);
        case 'update':
          return printValue(await api.update(model, resource, id!, p.body, p.query), p.format);
        case 'delete':
          return printValue(await api.delete(model, resource, id!, p.query), p.format);
        default:
          return printValue(await api.customMethod(model, resource, p.method, p.body ?? {}, p.query), p.format);
      }
    });

  const proxy = addDataOptions(
    program
      .command('proxy')
      .description("call an integration's native resource: /proxy/{resource}[/{id}]")
      .argument('<resource>', "the integration's resource name, e.g. members")
      .argument('[id]', 'record id (get, update, delete)'),
  ).action(async (resource: string, id: string | undefined, opts: DataOptions, cmd: Command) => {
    const p = await plan(`tessera proxy ${resource}`, id, opts);
    const api = clientFor(cmd).proxyApi;
    switch (p.method) {
      case 'list': {
        const page = await api.list(resource, p.query).next();
        return printList(page.items, page.nextCursor, p.format);
      }
      case 'get':
        return printValue(await api.get(resource, id!, p.query), p.format);
      case 'create':
        return printValue(await api.create(resource, p.body, p.query), p.format);
      case 'update':
        return printValue(await api.update(resource, id!, p.body, p.query), p.format);
      case 'delete':
        return printValue(await api.delete(resource, id!, p.query), p.format);
      default:
        return printValue(await api.customMethod(resource, p.method, p.body ?? {}, p.query), p.format);
    }
  });
  return { unified, proxy };
}
