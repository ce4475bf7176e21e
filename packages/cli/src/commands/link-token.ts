import { Option, type Command } from 'commander';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, parseJson, printValue, stderr, stdout } from '../io.ts';

/** `tessera link-token create`: a single-use, 7-day link to the hosted connect page (docs/connect.md). */
interface Options {
  tenant?: string;
  integration?: string;
  redirectUri?: string;
  account?: string;
  persistPreviousContext?: boolean;
  context?: string;
  output?: string;
}

export function registerLinkToken(program: Command): void {
  const linkToken = program.command('link-token').alias('link-tokens').description('link tokens for the hosted connect page').helpCommand(false);

  linkToken
    .command('create')
    .description('create a link token (POST /link-token) and print it with the connect page URL to give your user')
    .option('--tenant <id>', 'the tenant (your customer) the account will belong to')
    .option('--integration <name>', 'offer only this integration (default: every integration of the environment)')
    .option('--redirect-uri <url>', 'where the page sends the person afterwards (absolute http(s) URL)')
    .option('--account <id>', 'reconnect this integrated account instead (its tenant and integration apply)')
    .option('--persist-previous-context', "with --account: keep the account's other context")
    .option('--context <json>', "a JSON object merged into the new account's context")
    .addOption(new Option('-o, --output <format>', 'output format (default: the token and URL as two lines)').choices(OUTPUT_FORMATS))
    .addHelpText(
      'after',
      `
The token is shown in this output only, and connects one account within 7 days.

Examples:
  tessera link-token create --tenant acme --integration neon
  tessera link-token create --tenant acme --redirect-uri https://app.example.com/connected
  tessera link-token create --account <integrated_account_id> --persist-previous-context`,
    )
    .action(async (opts: Options, cmd: Command) => {
      const format = opts.output === undefined ? undefined : checkFormat(opts.output);
      if (!opts.tenant && !opts.account) throw new UsageError('give --tenant <id> (a new account) or --account <id> (a reconnect)');
      if (opts.persistPreviousContext && !opts.account) throw new UsageError('--persist-previous-context applies only with --account');
      let context: Record<string, unknown> | undefined;
      if (opts.context !== undefined) {
        const value = parseJson(opts.context, '--context');
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('--context must be a JSON object');
        context = value as Record<string, unknown>;
      }
      const created = await clientFor(cmd).linkToken.create({
        ...(opts.tenant ? { tenant_id: opts.tenant } : {}),
        ...(opts.integration ? { integration: opts.integration } : {}),
        ...(opts.redirectUri ? { redirect_uri: opts.redirectUri } : {}),
        ...(opts.account ? { integrated_account_id: opts.account } : {}),
        ...(opts.persistPreviousContext ? { persist_previous_context: true } : {}),
        ...(context ? { context } : {}),
      });
      if (format) await printValue(created, format);
      else stdout(`link_token: ${created.link_token}\nconnect_url: ${created.connect_url}\n`);
      stderr(`Single use; expires at ${created.expires_at}. The token is shown once.`);
    });
}
