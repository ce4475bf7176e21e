import { run } from './program.ts';

/**
 * The `tessera` command: bin/tessera.js loads this file through tsx (`npx tsx src/cli/main.ts`
 * works too). Everything lives in program.ts; this only runs it and sets the exit code:
 * 0 success, 1 an API error, 2 a usage error.
 */

// `tessera … | head`: the reader went away; stop quietly instead of printing EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await run(process.argv);
