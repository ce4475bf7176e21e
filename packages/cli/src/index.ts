/**
 * @tessera-api/cli as a library: the `tessera` program, for a Tessera server to run with its own
 * mapping engine plugged in (`run(argv, { localTools })`), and for tests. The command is main.ts.
 */
export { buildProgram, main, report, run, type ProgramOptions } from './program.ts';
export { CommandFailure, EXIT_API, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
export type { LocalTools, LocalToolsLoader, MappingSource, MappingTestOutcome, MappingTestRequest } from './local-tools.ts';
export { CLI_VERSION } from './version.ts';
