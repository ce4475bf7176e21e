import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { closeSandbox } from './engine/expressions/evaluate.ts';
import { CONSOLE_DIST } from './http/routes/console/console.ts';
import { startHttpServer } from './http/server.ts';
import { createLogger } from './logger.ts';
import { loadTracing } from './observability/tracing.ts';
import { prepareSandbox } from './sandbox/sandbox.ts';
import { createAppServices } from './services/app-services.ts';
import { runKeysCommand } from './services/keys-command.ts';
import { ensureEnvironment, issueApiToken } from './services/tokens.ts';

/**
 * The server's entry point:
 *   serve                       run Tessera
 *   sandbox                     run Tessera with simulators and a seeded environment
 *   bootstrap [--environment]   create an environment (if needed) and print a new API token once
 *   keys rotate [--dry-run]     re-seal stored secrets with the current encryption key (services/keys-command.ts)
 */
const USAGE = `Usage: tsx src/main.ts <serve|sandbox|bootstrap> [--environment <name>] [--token-name <name>]
       tsx src/main.ts keys rotate [--batch-size <n>] [--dry-run]`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      environment: { type: 'string', default: 'default' },
      'token-name': { type: 'string', default: 'bootstrap' },
      'batch-size': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help || !['serve', 'sandbox', 'bootstrap', 'keys'].includes(command)) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stderr);
  if (command === 'keys') {
    // Before the app's services: a rotation needs the store only (no Redis, no catalog).
    process.exitCode = await runKeysCommand(positionals.slice(1), values, config, logger);
    return;
  }
  const services = await createAppServices(config, logger);

  if (command === 'bootstrap') {
    const env = await ensureEnvironment(services.store, values.environment!);
    const { token } = await issueApiToken(services.store, env.id, values['token-name']!);
    process.stdout.write(`environment: ${env.name} (${env.id})\ntoken: ${token}\nThis token is shown once; store it now.\n`);
    await services.close();
    return;
  }

  // OpenTelemetry is imported only when an OTLP endpoint is set (docs/deploy.md "OpenTelemetry").
  const tracing = await loadTracing(process.env, logger);
  const server = await startHttpServer(services, config.port, config.host, tracing).catch(async (e: Error) => {
    await services.close().catch(() => {});
    throw new Error(`PORT / TESSERA_HOST (${config.host}:${config.port}): ${e.message}`, { cause: e });
  });
  const apiUrl = config.publicUrl ?? server.url;
  let stopSandbox: (() => Promise<void>) | undefined;

  // Graceful drain: a deploy's SIGTERM lets requests in flight finish (up to
  // TESSERA_SHUTDOWN_GRACE_MS) instead of cutting them off; a second signal stops at once.
  // Registered before anything announces the server: a supervisor may signal as soon as it reads
  // "listening", and a signal that arrives before the handler exists kills the process outright.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    stopping = true;
    // drain() closes the listening socket before its first await, so the log line is true when read.
    const drained = server.drain(config.shutdownGraceMs);
    logger.info({ signal, grace_ms: config.shutdownGraceMs }, 'draining: no new connections; finishing requests in flight');
    const { ms, forced } = await drained;
    if (forced > 0) logger.error({ forced_connections: forced, grace_ms: config.shutdownGraceMs }, 'drain deadline reached: connections closed by force');
    // Then what the requests used: simulators, the expression sandbox's children, Redis and the store;
    // and the spans still buffered, exported now that every request has ended.
    await Promise.allSettled([stopSandbox?.(), closeSandbox(), services.close(), tracing.close()]);
    logger.info({ drain_ms: ms }, 'stopped');
    process.exit(forced > 0 ? 1 : 0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  if (command === 'sandbox') {
    const sandbox = await prepareSandbox(services, apiUrl, {
      simulatorPort: process.env.TESSERA_SIMULATOR_PORT ? Number(process.env.TESSERA_SIMULATOR_PORT) : 0,
    });
    stopSandbox = sandbox.close;
    const rows: [string, string][] = [
      // The web console signs in with the API token below (docs/console.md).
      [
        'Console',
        `${apiUrl.replace(/\/+$/, '')}/console/${fs.existsSync(path.join(CONSOLE_DIST, 'index.html')) ? '' : '  (not built: run npm run build:console)'}`,
      ],
      ['API token', sandbox.file.token],
      ...Object.entries(sandbox.file.integrated_accounts).map(([name, id]): [string, string] => [`${name} account`, id]),
      ['Simulators', sandbox.simulators.map((s) => s.baseUrl).join(', ')],
      ['Written to', path.join(config.dataDir, 'sandbox.json')],
    ];
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    process.stdout.write(
      [
        `Tessera sandbox listening on ${apiUrl}`,
        ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
        '',
        'Try it:',
        ...sandbox.exampleCurls.map((curl) => `  ${curl}`),
        '',
        'To connect another account (console → Accounts → Connect an account), the simulators accept:',
        ...Object.entries(sandbox.connectValues).map(
          ([name, values]) =>
            `  ${name}: ${Object.entries(values)
              .map(([key, value]) => `${key}=${value}`)
              .join('  ')}`,
        ),
        '',
        '',
      ].join('\n'),
    );
  } else {
    logger.info({ url: apiUrl }, 'Tessera listening');
  }
}

main().catch((e) => {
  console.error(`tessera: ${(e as Error).message}`);
  process.exit(1);
});
