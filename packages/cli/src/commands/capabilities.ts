import { Option, type Command } from 'commander';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, printValue } from '../io.ts';

/**
 * `tessera capabilities <integrated_account_id | integration name>` (docs/contract.md §3.2, §15):
 * what an account (or an integration) can do, from `GET /integrated-account/{id}/capabilities`
 * when the argument is a uuid, else `GET /integration/{name}/capabilities`.
 */
interface CapabilitiesOptions {
  type?: string;
  resource?: string[];
  methods?: string;
  output: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPES = ['proxy', 'unified', 'all'];

/** The route for the argument: a uuid is an integrated account, anything else an integration. */
export function capabilitiesPath(target: string): string {
  return UUID.test(target) ? `/integrated-account/${encodeURIComponent(target)}/capabilities` : `/integration/${encodeURIComponent(target)}/capabilities`;
}

export function registerCapabilities(program: Command): Command {
  return program
    .command('capabilities')
    .description('show what an integrated account (by uuid) or an integration (by name) supports: proxy resources, unified models, auth')
    .argument('<target>', 'an integrated account id (uuid) or an integration name, e.g. neon')
    .addOption(new Option('--type <type>', 'which capabilities').choices(TYPES))
    .option('--resource <name>', 'only this resource (proxy resource or unified resource); repeatable', (v: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      v,
    ])
    .option('--methods <list>', 'only these methods, comma-separated, e.g. list,get')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .addHelpText(
      'after',
      `
Examples:
  tessera capabilities <integrated_account_id>
  tessera capabilities neon --type unified
  tessera capabilities neon --type proxy --resource members --methods list,get -o yaml`,
    )
    .action(async (target: string, opts: CapabilitiesOptions, cmd: Command) => {
      const format = checkFormat(opts.output);
      if (!target.trim()) throw new UsageError('<target> is empty: give an integrated account id or an integration name');
      const methods = opts.methods
        ?.split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      if (opts.methods !== undefined && !methods?.length) throw new UsageError('--methods needs at least one method, e.g. --methods list,get');
      const query: Record<string, unknown> = {};
      if (opts.type) query.type = opts.type;
      if (opts.resource?.length) query.resource = opts.resource.join(',');
      if (methods?.length) query.methods = methods.join(',');
      const result = await clientFor(cmd).request('GET', capabilitiesPath(target.trim()), { query });
      await printValue(result, format);
    });
}
