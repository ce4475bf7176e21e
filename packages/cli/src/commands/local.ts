import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, parseJson, printList, printValue, readFileArg, readStdin, stderr } from '../io.ts';
import { loadLocalTools, type LocalToolsLoader } from '../local-tools.ts';
import { collect, parseQueryArgs } from '../query-args.ts';

/**
 * Local tools, no server and no provider call: `tessera jsonata eval` and
 * `tessera unified test-mapping`. The engine (JSONata, the catalog) comes from a Tessera server
 * through `localTools` (local-tools.ts) and is loaded only when one of them runs, so the other
 * verbs start fast; without it they explain where to run them.
 */

interface InputOptions {
  input?: string;
  stdin?: boolean;
}

/** --input <file> or --stdin, parsed as JSON; undefined when neither is given. */
async function readInput(opts: InputOptions): Promise<unknown> {
  if (opts.input !== undefined && opts.stdin) throw new UsageError('give the input with --input or --stdin, not both');
  if (opts.input !== undefined) return parseJson(readFileArg(opts.input, '--input'), `--input ${opts.input}`);
  if (opts.stdin) return parseJson(await readStdin(), 'the input on standard input');
  return undefined;
}

function jsonObject(text: string | undefined, what: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const source = text.startsWith('@') ? readFileArg(text.slice(1), what) : text;
  const value = parseJson(source, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

interface EvalOptions extends InputOptions {
  expression?: string;
  expressionFile?: string;
  output: string;
}

interface TestMappingOptions extends InputOptions {
  model?: string;
  resource?: string;
  integration?: string;
  mappingFile?: string;
  mapping?: string;
  method: string;
  query?: string[];
  context?: string;
  sideLoad?: string;
  id?: string;
  step?: string;
  showMapping?: boolean;
  output: string;
}

export function registerLocal(program: Command, unified: Command, localTools: LocalToolsLoader | undefined): void {
  const jsonata = program.command('jsonata').description('JSONata tools (run locally)').helpCommand(false);

  jsonata
    .command('eval')
    .description("evaluate a JSONata expression locally, with Tessera's function set (as mappings see it)")
    .option('-e, --expression <expr>', 'the expression')
    .option('--expression-file <file>', 'read the expression from a file')
    .option('--input <file>', 'JSON input (its top-level fields are also bound as $variables)')
    .option('--stdin', 'read the JSON input from standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .addHelpText(
      'after',
      `
Examples:
  tessera jsonata eval --expression 'members.member.id' --input members.json
  echo '{"a":[1,2,3]}' | tessera jsonata eval -e '$sum(a)' --stdin
  tessera jsonata eval --expression-file mapping.jsonata --input record.json -o yaml`,
    )
    .action(async (opts: EvalOptions) => {
      const tools = await loadLocalTools(localTools, 'jsonata eval');
      const format = checkFormat(opts.output);
      if ((opts.expression === undefined) === (opts.expressionFile === undefined)) {
        throw new UsageError('give the expression with --expression <expr> or --expression-file <file> (one of them)');
      }
      const source = opts.expression ?? readFileArg(opts.expressionFile!, '--expression-file');
      if (!source.trim()) throw new UsageError('the expression is empty');
      const input = await readInput(opts);
      const result = await tools.evaluateJsonata(source, (input ?? {}) as Record<string, unknown>);
      if (result === undefined) {
        stderr('(no result: the expression matched nothing)');
        return;
      }
      await printValue(result, format);
    });

  unified
    .command('test-mapping')
    .description("run a mapping's response_mapping locally on a recorded upstream response (no server, no provider call)")
    .configureHelp({ showGlobalOptions: false })
    .option('--model <model>', 'unified model of the bundled mapping, e.g. usage-metering')
    .option('--resource <resource>', 'unified resource of the bundled mapping, e.g. users')
    .option('--integration <name>', 'integration of the bundled mapping, e.g. neon (with --mapping/--mapping-file: only for response_path)')
    .option(
      '--mapping-file <file>',
      "run this mapping instead of a bundled one: a YAML or JSON mapping file (integration, model, resource, methods) or one method's mapping config",
    )
    .option('--mapping <expr>', 'run this response_mapping JSONata expression (per record) instead of a bundled mapping')
    .option('-m, --method <method>', 'list, get, create, update, delete or a custom method', 'list')
    .option('--input <file>', 'the recorded response (the provider body, or {"response": …, "context": …, "side_load": …})')
    .option('--stdin', 'read the recorded response from standard input')
    .option('-q, --query <k=v>', 'the unified query the mapping sees: k=v or k=v,k2=v2; repeatable; bracket keys allowed', collect)
    .option('--context <json>', "the account's context as a JSON object (or @file)")
    .option('--side-load <json>', 'side-load results by name, as a JSON object (or @file)')
    .option('--id <id>', 'the record id (get, update, delete; a get with lookup matches it)')
    .option('--step <n>', 'which list phase, or which get lookup attempt, the response belongs to', '0')
    .option('--show-mapping', 'print the mapping that ran (as YAML) to stderr before the result')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .addHelpText(
      'after',
      `
The input is the provider's response body as recorded, or a recording object:
  {"response": <body>, "context": {…}, "side_load": {"organization": {…}}, "query": {…}, "id": "…"}
The method's response_path is applied to the body; the output is what the server would return.
The mapping is the bundled one (--model, --resource, --integration), a file (--mapping-file), or
a bare response_mapping expression (--mapping; give the records as a JSON array).

Examples:
  tessera unified test-mapping --model usage-metering --resource users --integration neon --input members.json
  tessera unified test-mapping --mapping-file my-users.yaml --input members.json --show-mapping
  jq '.members' members.json | tessera unified test-mapping --mapping '{"id": record.member.id, "email": record.user.email}' --stdin
  tessera unified test-mapping --model usage-metering --resource users --integration neon -m get \\
      --id <member id> --input members.json --side-load '{"organization":{"name":"Acme"}}'`,
    )
    .action(async (own: TestMappingOptions, cmd: Command) => {
      const tools = await loadLocalTools(localTools, 'unified test-mapping');
      const opts = withParentOptions(own, cmd);
      const format = checkFormat(opts.output);
      if (opts.input === undefined && !opts.stdin) throw new UsageError('give the recorded response with --input <file> or --stdin');
      if (!/^\d+$/.test(opts.step ?? '0')) throw new UsageError(`--step must be a whole number, got "${opts.step}"`);
      if (opts.mapping !== undefined && opts.mappingFile !== undefined) throw new UsageError('give the mapping with --mapping or --mapping-file, not both');
      const source = await mappingSource(opts);
      const input = await readInput(opts);
      const result = await tools.runMappingTest({
        source,
        integration: opts.integration,
        model: opts.model,
        resource: opts.resource,
        method: opts.method,
        input,
        query: parseQueryArgs(opts.query),
        context: jsonObject(opts.context, '--context'),
        sideLoad: jsonObject(opts.sideLoad, '--side-load'),
        id: opts.id,
        step: Number(opts.step ?? 0),
      });
      for (const warning of result.warnings) stderr(`note: ${warning}`);
      if (opts.showMapping) {
        const { default: YAML } = await import('yaml');
        stderr(`# mapping: ${result.origin}\n${YAML.stringify(result.mapping, { lineWidth: 0 }).trimEnd()}`);
      }
      if (result.kind === 'list') printList(result.records, null, format);
      else await printValue(result.records[0], format);
    });
}

/** --mapping-file (YAML or JSON, parsed) or --mapping; undefined means the bundled mapping. */
async function mappingSource(opts: TestMappingOptions) {
  if (opts.mapping !== undefined) return { kind: 'expression' as const, expression: opts.mapping };
  if (opts.mappingFile === undefined) return undefined;
  const text = readFileArg(opts.mappingFile, '--mapping-file');
  if (!text.trim()) throw new UsageError(`--mapping-file ${opts.mappingFile} is empty`);
  const { default: YAML } = await import('yaml');
  let data: unknown;
  try {
    data = YAML.parse(text, { merge: true, maxAliasCount: -1 });
  } catch (e) {
    throw new UsageError(`--mapping-file ${opts.mappingFile}: not valid YAML or JSON: ${(e as Error).message}`);
  }
  return { kind: 'file' as const, data, label: opts.mappingFile };
}

/**
 * Commander hands the arguments after `tessera unified` to `unified` first, and it keeps the
 * options it knows itself (-m, -q, -o, --stdin) even when they follow `test-mapping`; those given
 * on the command line are taken from there.
 */
function withParentOptions(own: TestMappingOptions, cmd: Command): TestMappingOptions {
  const parent = cmd.parent;
  if (!parent) return own;
  const given = (name: string) => parent.getOptionValueSource(name) === 'cli';
  const p = parent.opts() as { method?: string; query?: string[]; output?: string; stdin?: boolean };
  return {
    ...own,
    ...(given('method') ? { method: p.method! } : {}),
    ...(given('output') ? { output: p.output! } : {}),
    ...(given('stdin') ? { stdin: true } : {}),
    ...(given('query') ? { query: [...(p.query ?? []), ...(own.query ?? [])] } : {}),
  };
}
