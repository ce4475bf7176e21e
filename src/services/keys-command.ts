import type { TesseraConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_BATCH_SIZE, formatRotationReport, openRotationDatabase, rotateSealedValues } from '../store/key-rotation.ts';
import { openStore } from '../store/open-store.ts';

export const KEYS_USAGE = `Usage: tsx src/main.ts keys rotate [--batch-size <n>] [--dry-run]
  Re-seals every stored secret with TESSERA_ENCRYPTION_KEY, opening old values with
  TESSERA_ENCRYPTION_KEY_PREVIOUS (docs/security.md, "Key management"). Safe to re-run and to run
  while replicas serve. Exit code 0 when every value is under the current key, 1 otherwise.`;

/**
 * `keys <subcommand>` (src/main.ts): returns the exit code. The store is opened as the server
 * opens it first (the keys are checked, the migrations run, the canary must open with a
 * configured key), so a rotation never starts with keys that cannot read the data.
 */
export async function runKeysCommand(
  args: string[],
  options: { 'batch-size'?: string; 'dry-run'?: boolean },
  config: TesseraConfig,
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (args[0] !== 'rotate' || args.length > 1) {
    process.stderr.write(KEYS_USAGE + '\n');
    return 2;
  }
  const batchSize = options['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : Number(options['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a positive integer (got ${options['batch-size']})`);
  const { store, box } = await openStore(config, logger);
  await store.close();
  const db = await openRotationDatabase(config);
  try {
    const report = await rotateSealedValues(db, box, {
      batchSize,
      dryRun: options['dry-run'] ?? false,
      onBatch: (table, c) => logger.info({ table, ...c }, 'keys rotate: batch done'),
    });
    out.write(formatRotationReport(report));
    return report.failures.length ? 1 : 0;
  } finally {
    await db.destroy();
  }
}
