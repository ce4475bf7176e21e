import { Command, CommanderError } from 'commander';
import { TesseraConnectionError, TesseraError } from '@tessera-api/sdk';
import { registerAdmin } from './commands/admin.ts';
import { registerAuth } from './commands/auth.ts';
import { registerBatch } from './commands/batch.ts';
import { registerCapabilities } from './commands/capabilities.ts';
import { registerCustom } from './commands/custom.ts';
import { registerDataPlane } from './commands/data-plane.ts';
import { registerExport } from './commands/export.ts';
import { registerLocal } from './commands/local.ts';
import { registerLinkToken } from './commands/link-token.ts';
import { registerLogs } from './commands/logs.ts';
import { registerTokens } from './commands/tokens.ts';
import { registerWebhooks } from './commands/webhooks.ts';
import { CommandFailure, EXIT_API, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { stderr } from './io.ts';
import type { LocalToolsLoader } from './local-tools.ts';
import { CLI_VERSION } from './version.ts';

export interface ProgramOptions {
  /**
   * Tessera's mapping engine, for `tessera jsonata eval` and `tessera unified test-mapping`.
   * Given by a Tessera server's own entry (src/cli/main.ts there); the standalone bin has none.
   */
  localTools?: LocalToolsLoader;
}

/**
 * The `tessera` program (docs/contract.md §15): the same verbs, flags and output behaviour as
 * Truto's `truto` CLI, against a Tessera server. Global flags (-p, --api-url, --token, -v) are
 * accepted before or after the verb.
 */
export function buildProgram(options: ProgramOptions = {}): Command {
  const program = new Command('tessera')
    .description("Tessera's command line: call the unified and proxy APIs, manage accounts and profiles, export lists, and test mappings offline")
    .version(CLI_VERSION, '-V, --version')
    .option('-p, --profile <name>', 'config profile to use (default: the current profile, else "default")')
    .option('--api-url <url>', 'API base URL (else TESSERA_API_URL, else the profile, else http://localhost:8080)')
    .option('--token <token>', 'API token (else TESSERA_TOKEN, else the profile)')
    .option('-v, --verbose', 'print each request and the response status and headers to stderr (token redacted)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
Examples:
  tessera login --token <token> --api-url http://localhost:8080
  tessera unified usage-metering users -a <integrated_account_id>
  tessera unified usage-metering users <id> -m get -a <integrated_account_id> -o json
  tessera export usage-metering/users -a <integrated_account_id> -o ndjson --out users.ndjson
  tessera custom /users/me -a <integrated_account_id>
  tessera capabilities neon --type unified

Exit codes: 0 success, 1 API error (message on stderr), 2 usage error.
Docs: docs/cli.md in the Tessera repository`,
    );

  const { unified } = registerDataPlane(program);
  registerCustom(program);
  registerBatch(program);
  registerExport(program);
  registerCapabilities(program);
  registerAdmin(program);
  registerLogs(program);
  registerTokens(program);
  registerLinkToken(program);
  registerWebhooks(program);
  registerAuth(program);
  registerLocal(program, unified, options.localTools);
  return program;
}

/** Runs the CLI on `argv` (process.argv form) and returns the exit code; never throws. */
export async function run(argv: string[], options: ProgramOptions = {}): Promise<number> {
  const program = buildProgram(options);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_OK;
    }
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (e) {
    return report(e);
  }
}

/**
 * The whole command: runs `process.argv` and sets the exit code (0 success, 1 an API error,
 * 2 a usage error). The package's bin (main.ts) and a server's own entry both call it.
 */
export async function main(options: ProgramOptions = {}): Promise<void> {
  // `tessera … | head`: the reader went away; stop quietly instead of printing EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = await run(process.argv, options);
}

/** One line (or a few) on stderr and the exit code: no stack traces for anything a user can cause. */
export function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message (and the hint) to stderr.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT_OK;
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    stderr(`error: ${e.message}`);
    return EXIT_USAGE;
  }
  if (e instanceof TesseraConnectionError) {
    stderr(`error: cannot reach ${originOf(e.url) ?? 'the server'}: ${rootCause(e)}`);
    stderr('Is the Tessera server running there? Start one with `npm start` (or `npm run sandbox`), or point --api-url / TESSERA_API_URL at it.');
    return EXIT_API;
  }
  if (e instanceof TesseraError) {
    const env = e.envelope;
    stderr(`error: ${env.statusCode} ${env.error}: ${env.message}`);
    for (const [name, insight] of Object.entries(env.truto_error_insight ?? {})) {
      stderr(`  ${name}: ${insight.value !== undefined ? JSON.stringify(insight.value) : insight.description}`);
    }
    if (env.details !== undefined) stderr(`  details: ${JSON.stringify(env.details)}`);
    if (env.statusCode === 401) stderr('Check the token: --token, TESSERA_TOKEN, or `tessera login --token <token>`.');
    return EXIT_API;
  }
  if (e instanceof CommandFailure) {
    stderr(`error: ${e.message}`);
    return EXIT_API;
  }
  if (isBrokenPipe(e)) return EXIT_OK;
  const err = e as Error;
  stderr(`error: ${err?.message ?? String(e)}`);
  if (process.env.TESSERA_DEBUG && err?.stack) stderr(err.stack);
  return EXIT_API;
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

/** The innermost reason of a failed fetch ("connect ECONNREFUSED 127.0.0.1:8080", "bad port"). */
function rootCause(e: unknown): string {
  let cur = e as { cause?: unknown; errors?: unknown[]; code?: string; message?: string } | undefined;
  let best = cur?.message ?? String(e);
  for (let depth = 0; cur && depth < 6; depth++) {
    if (cur.message && cur.message !== 'fetch failed') best = cur.code && !cur.message.includes(cur.code) ? `${cur.code} (${cur.message})` : cur.message;
    const next = cur.cause ?? (Array.isArray(cur.errors) ? cur.errors[0] : undefined);
    cur = next as typeof cur;
  }
  return best;
}

function isBrokenPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'EPIPE';
}
