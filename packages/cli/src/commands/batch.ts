import { Option, type Command } from 'commander';
import type { BatchRequestBody } from '@tessera-api/sdk';
import { clientFor } from '../client.ts';
import { CommandFailure, UsageError } from '../errors.ts';
import { checkFormat, parseJson, printValue, readBody, readFileArg } from '../io.ts';

/**
 * `tessera batch --file <json> | --stdin | -b <json>` (docs/batch.md): sends one POST /batch-request
 * and prints its answer, `{result, errors}`. A batch with failed resources still prints everything
 * it got, then exits 1 naming each failure, so a script notices without parsing the output.
 */
interface BatchOptions {
  file?: string;
  body?: string;
  stdin?: boolean;
  account?: string;
  output: string;
}

/** The request's body from exactly one source, with -a setting (or replacing) integrated_account_id. */
export async function batchBody(opts: BatchOptions): Promise<BatchRequestBody> {
  const sources = [opts.file !== undefined, opts.body !== undefined, opts.stdin === true].filter(Boolean).length;
  if (sources === 0) throw new UsageError('batch needs the request: --file <json file>, -b <json> or --stdin');
  if (sources > 1) throw new UsageError('give the batch with one of --file, -b or --stdin');
  const given = opts.file !== undefined ? parseJson(readFileArg(opts.file, '--file'), `--file ${opts.file}`) : await readBody(opts);
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new UsageError('the batch must be a JSON object: {"integrated_account_id": …, "resources": [ … ]}');
  const body = { ...(given as Record<string, unknown>) };
  if (opts.account !== undefined) body.integrated_account_id = opts.account;
  if (typeof body.integrated_account_id !== 'string') throw new UsageError('the batch names no account: set integrated_account_id in it, or pass -a <id>');
  if (!Array.isArray(body.resources)) throw new UsageError('the batch needs "resources": an array of {resource, method, …}');
  return body as unknown as BatchRequestBody;
}

export function registerBatch(program: Command): Command {
  return program
    .command('batch')
    .description('run several unified and proxy calls of one account in one request (POST /batch-request)')
    .option('-f, --file <path>', 'the batch request as a JSON file')
    .option('-b, --body <json>', 'the batch request as JSON')
    .option('--stdin', 'read the batch request from standard input')
    .option('-a, --account <id>', 'integrated account id (sets integrated_account_id)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'yaml']).default('json'))
    .addHelpText(
      'after',
      `
The answer is {"result": {<key>: …}, "errors": {<key>: <error>}}; a resource's key is its
"name", else its "resource". Exit 1 when any resource failed (the answer is printed first).

Examples:
  tessera batch --file batch.json
  echo '{"resources":[{"resource":"usage-metering/users","method":"list"}]}' | tessera batch --stdin -a <integrated_account_id>
  tessera batch -a <ia> -b '{"resources":[{"resource":"organizations","method":"list"},
    {"name":"org","resource":"organizations","method":"get","depends_on":"organizations","id":"{{resources.organizations.id}}"}]}'`,
    )
    .action(async (opts: BatchOptions, cmd: Command) => {
      const format = checkFormat(opts.output, ['json', 'yaml']);
      const answer = await clientFor(cmd).batchRequest.create(await batchBody(opts));
      await printValue(answer, format);
      const failed = Object.entries(answer.errors ?? {});
      if (failed.length)
        throw new CommandFailure(`${failed.length} resource(s) failed: ${failed.map(([key, e]) => `${key} (${e.statusCode} ${e.message})`).join('; ')}`);
    });
}
