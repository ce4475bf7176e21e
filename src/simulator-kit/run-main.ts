/**
 * The process plumbing every simulator command shares: run `main`, report a failure in one line
 * (no stack trace) with exit code 1, and close the simulator cleanly on SIGINT or SIGTERM. `main`
 * resolves to the running simulator, or to undefined when it started nothing (`--help`).
 */
export function runSimulatorMain(name: string, main: () => Promise<{ close(): Promise<void> } | undefined>): void {
  main().then(
    (sim) => {
      if (!sim) return; // --help and the like: nothing was started
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`\n${signal}: shutting down\n`);
        sim.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`error while closing: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
