import path from 'node:path';
import { z } from 'zod';

/** Runtime configuration, read once from the environment. Every knob has a safe embedded default. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  TESSERA_HOST: z.string().default('127.0.0.1'),
  TESSERA_PUBLIC_URL: z.string().url().optional(),
  TESSERA_DATA_DIR: z.string().default('./data'),
  TESSERA_DATABASE_URL: z.string().optional(),
  /** Shared counters for the rate limits across replicas; in-process counters without it. */
  TESSERA_REDIS_URL: z.string().optional(),
  TESSERA_ENCRYPTION_KEY: z.string().optional(),
  TESSERA_CURSOR_SECRET: z.string().optional(),
  TESSERA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TESSERA_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  TESSERA_UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  TESSERA_UPSTREAM_MAX_RETRY_WAIT_S: z.coerce.number().positive().default(30),
  TESSERA_UPSTREAM_RETRY_BASE_MS: z.coerce.number().int().min(0).default(1000),
  TESSERA_IGNORE_LIMIT_MAX_RECORDS: z.coerce.number().int().positive().default(10_000),
  TESSERA_IGNORE_LIMIT_MAX_PAGES: z.coerce.number().int().positive().default(200),
  /** 0 turns a limit off. */
  TESSERA_RATE_LIMIT_TOKEN: z.coerce.number().int().min(0).default(500),
  TESSERA_RATE_LIMIT_ACCOUNT: z.coerce.number().int().min(0).default(50),
  TESSERA_RATE_LIMIT_WINDOW_S: z.coerce.number().int().positive().default(10),
});

export interface TesseraConfig {
  port: number;
  host: string;
  publicUrl?: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  encryptionKey?: string;
  cursorSecret?: string;
  logLevel: z.infer<typeof envSchema>['TESSERA_LOG_LEVEL'];
  upstream: { timeoutMs: number; maxRetries: number; maxRetryWaitSeconds: number; retryBaseMs: number };
  rateLimits: { perToken: number; perAccount: number; windowSeconds: number };
  /** The safety cap of `truto_ignore_limit` and `stream` (docs/contract.md §5.4). */
  pageLimits: { maxRecords: number; maxPages: number };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TesseraConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.TESSERA_HOST,
    publicUrl: e.TESSERA_PUBLIC_URL,
    dataDir: path.resolve(e.TESSERA_DATA_DIR),
    databaseUrl: e.TESSERA_DATABASE_URL,
    redisUrl: e.TESSERA_REDIS_URL,
    encryptionKey: e.TESSERA_ENCRYPTION_KEY,
    cursorSecret: e.TESSERA_CURSOR_SECRET,
    logLevel: e.TESSERA_LOG_LEVEL,
    upstream: {
      timeoutMs: e.TESSERA_UPSTREAM_TIMEOUT_MS,
      maxRetries: e.TESSERA_UPSTREAM_MAX_RETRIES,
      maxRetryWaitSeconds: e.TESSERA_UPSTREAM_MAX_RETRY_WAIT_S,
      retryBaseMs: e.TESSERA_UPSTREAM_RETRY_BASE_MS,
    },
    pageLimits: { maxRecords: e.TESSERA_IGNORE_LIMIT_MAX_RECORDS, maxPages: e.TESSERA_IGNORE_LIMIT_MAX_PAGES },
    rateLimits: {
      perToken: e.TESSERA_RATE_LIMIT_TOKEN,
      perAccount: e.TESSERA_RATE_LIMIT_ACCOUNT,
      windowSeconds: e.TESSERA_RATE_LIMIT_WINDOW_S,
    },
  };
}
