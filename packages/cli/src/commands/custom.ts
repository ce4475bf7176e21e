import { Option, type Command } from 'commander';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, printValue, readBody, stdout } from '../io.ts';
import { collect, parseQueryArgs } from '../query-args.ts';

/**
 * `tessera custom <path> -m GET|POST|PUT|PATCH|DELETE` (docs/contract.md §13, §15): any path
 * under the integration's base URL, sent through the server's `/custom/{path}` route with the
 * account's authorization applied. The provider's body is printed as it comes (json by default).
 */
interface CustomOptions {
  account?: string;
  method: string;
  header?: string[];
  query?: string[];
  body?: string;
  stdin?: boolean;
  output: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NO_BODY = ['GET', 'DELETE'];
/** Set by the client itself; a -H for them would be ignored or would break the call. */
const RESERVED_HEADERS = ['authorization', 'host', 'content-length'];

/** -H k=v (or "k: v"), repeatable → a header object; a header given twice keeps the last value. */
export function parseHeaders(values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values ?? []) {
    const match = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*[=:]\s?(.*)$/.exec(value);
    if (!match) throw new UsageError(`-H "${value}": expected name=value (e.g. -H Idempotency-Key=abc)`);
    const name = match[1].toLowerCase();
    if (RESERVED_HEADERS.includes(name)) {
      throw new UsageError(
        `-H ${match[1]}: set by the CLI itself${name === 'authorization' ? '; pass the token with --token, TESSERA_TOKEN or a profile' : ''}`,
      );
    }
    headers[name] = match[2];
  }
  return headers;
}

export function registerCustom(program: Command): Command {
  return program
    .command('custom')
    .description("call any path of the integration's API through /custom/{path}, with the account's authorization applied")
    .argument('<path>', "the path under the integration's base URL, e.g. /organizations/<org id>/members")
    .option('-a, --account <id>', 'integrated account id (sent as integrated_account_id)')
    .option('-m, --method <method>', `HTTP method: ${METHODS.join(', ')}`, 'GET')
    .option('-H, --header <k=v>', 'request header for the call, e.g. Content-Type=application/json or Idempotency-Key=…; repeatable', collect)
    .option('-q, --query <k=v>', 'query parameters forwarded upstream: k=v or k=v,k2=v2; repeatable; bracket keys allowed', collect)
    .option('-b, --body <json>', 'request body as JSON (POST, PUT, PATCH)')
    .option('--stdin', 'read the JSON body from standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .addHelpText(
      'after',
      `
The provider's response passes through: its body is printed (binary bodies as bytes); a
non-2xx upstream answer is an error (exit 1) with the provider's message.

Examples:
  tessera custom /organizations/<org id>/members -a <integrated_account_id>
  tessera custom /users/me -a <integrated_account_id> -o yaml
  tessera custom /organizations/<org id>/invitations -a <ia> -m POST -b '{"invitations":[{"email":"a@b.c","role":"member"}]}'
  tessera custom /projects -a <ia> -q limit=5 -q search=prod`,
    )
    .action(async (pathArg: string, opts: CustomOptions, cmd: Command) => {
      const method = opts.method.toUpperCase();
      if (!METHODS.includes(method)) throw new UsageError(`-m "${opts.method}" is not supported on /custom; use one of ${METHODS.join(', ')}`);
      const format = checkFormat(opts.output);
      const path = pathArg.trim();
      if (!path || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
        throw new UsageError(`<path> must be a path under the integration's base URL (e.g. /users/me), got "${pathArg}"`);
      }
      if (path.includes('?')) throw new UsageError('put query parameters in -q k=v, not in the path');
      const headers = parseHeaders(opts.header);
      const body = await readBody(opts);
      if (NO_BODY.includes(method) && body !== undefined) throw new UsageError(`-m ${method} takes no body`);
      const query = parseQueryArgs(opts.query);
      if (opts.account) query.integrated_account_id = opts.account;
      const result = await clientFor(cmd).customApi.request(method, path, query, body, { headers });
      // A text body (not JSON) is printed as it came, not as a JSON string.
      if (typeof result === 'string') return stdout(result.endsWith('\n') || !result ? result : result + '\n');
      return printValue(result, format);
    });
}
