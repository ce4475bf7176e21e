import { Option, type Command } from 'commander';
import type { WebhookEventType } from '@tessera-api/sdk';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, printList, printValue } from '../io.ts';
import { collect, parseQueryArgs } from '../query-args.ts';

/**
 * `tessera webhooks list|get|create|update|delete|test` (docs/webhooks.md): where account events
 * are delivered. `create` prints the signing secret, which the server never shows again.
 */
interface Options {
  query?: string[];
  output?: string;
  url?: string;
  events?: string;
  active?: boolean;
  inactive?: boolean;
}

const outputOption = () => new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table');

/** `--events a,b`: the event names, checked by the server (it lists the known ones on a mistake). */
function events(value: string | undefined): WebhookEventType[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!list.length)
    throw new UsageError('--events needs at least one event name, e.g. --events integrated_account:created,integrated_account:deleted (or "*")');
  return list as WebhookEventType[];
}

function activeFlag(opts: Options): boolean | undefined {
  if (opts.active && opts.inactive) throw new UsageError('give --active or --inactive, not both');
  return opts.active ? true : opts.inactive ? false : undefined;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('webhooks: list, get, create, update, delete, test').helpCommand(false);

  webhooks
    .command('list')
    .description('list webhooks (GET /webhook)')
    .option('-q, --query <k=v>', 'filters: id, is_active, target_url; k=v or k=v,k2=v2; repeatable', collect)
    .addOption(outputOption())
    .action(async (opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      const page = await clientFor(cmd).webhook.list(parseQueryArgs(opts.query)).next();
      printList(page.items, page.nextCursor, format);
    });

  webhooks
    .command('get')
    .description('show one webhook (GET /webhook/{id})')
    .argument('<id>', 'webhook id')
    .addOption(outputOption().default('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      await printValue(await clientFor(cmd).webhook.get(id), format);
    });

  webhooks
    .command('create')
    .description('create a webhook (POST /webhook); prints its signing secret, shown this once')
    .requiredOption('--url <url>', 'where events are POSTed: https, public (loopback in the sandbox)')
    .requiredOption('--events <list>', 'event names, comma-separated, or "*" for all')
    .option('--inactive', 'create it switched off')
    .addOption(outputOption().default('json'))
    .addHelpText(
      'after',
      `
Examples:
  tessera webhooks create --url https://example.com/hooks/tessera --events integrated_account:created,integrated_account:deleted
  tessera webhooks create --url http://localhost:4000/hooks --events '*'      (sandbox)`,
    )
    .action(async (opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      const created = await clientFor(cmd).webhook.create({ target_url: opts.url!, event_types: events(opts.events)!, is_active: !opts.inactive });
      await printValue(created, format);
    });

  webhooks
    .command('update')
    .description('change a webhook (PATCH /webhook/{id})')
    .argument('<id>', 'webhook id')
    .option('--url <url>', 'a new target URL')
    .option('--events <list>', 'the new event names, comma-separated (replaces the list)')
    .option('--active', 'switch it on')
    .option('--inactive', 'switch it off')
    .addOption(outputOption().default('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      const is_active = activeFlag(opts);
      const body = {
        ...(opts.url !== undefined ? { target_url: opts.url } : {}),
        ...(opts.events !== undefined ? { event_types: events(opts.events) } : {}),
        ...(is_active !== undefined ? { is_active } : {}),
      };
      if (!Object.keys(body).length) throw new UsageError('webhooks update needs a change: --url, --events, --active or --inactive');
      await printValue(await clientFor(cmd).webhook.update(id, body), format);
    });

  webhooks
    .command('delete')
    .description('delete a webhook and its pending deliveries (DELETE /webhook/{id})')
    .argument('<id>', 'webhook id')
    .addOption(outputOption().default('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      await printValue(await clientFor(cmd).webhook.delete(id), format);
    });

  webhooks
    .command('test')
    .description('send a signed webhook:test event now and show the outcome (POST /webhook/test)')
    .argument('<id>', 'webhook id')
    .addOption(outputOption().default('json'))
    .action(async (id: string, opts: Options, cmd: Command) => {
      const format = checkFormat(opts.output);
      await printValue(await clientFor(cmd).webhook.test(id), format);
    });
}
