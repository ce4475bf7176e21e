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
  /** Keys that open values but never seal: one, or a comma-separated list (key rotation, docs/security.md). */
  TESSERA_ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
  TESSERA_CURSOR_SECRET: z.string().optional(),
  TESSERA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TESSERA_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  TESSERA_UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  TESSERA_UPSTREAM_MAX_RETRY_WAIT_S: z.coerce.number().positive().default(30),
  TESSERA_UPSTREAM_RETRY_BASE_MS: z.coerce.number().int().min(0).default(1000),
  /** Hosts beyond the integrations' own that upstream calls may reach (egress policy): host, host:port, *.domain, IP, CIDR. */
  TESSERA_UPSTREAM_ALLOW: z.string().default(''),
  /** 50 MiB: past it the body is abandoned mid-read (502). */
  TESSERA_UPSTREAM_MAX_RESPONSE_BYTES: z.coerce.number().int().positive().default(52_428_800),
  /** The total time one request may spend on upstream work, retries and waits included. */
  TESSERA_UPSTREAM_REQUEST_BUDGET_MS: z.coerce.number().int().positive().default(30_000),
  TESSERA_IGNORE_LIMIT_MAX_RECORDS: z.coerce.number().int().positive().default(10_000),
  TESSERA_IGNORE_LIMIT_MAX_PAGES: z.coerce.number().int().positive().default(200),
  /** How long a listed record answers a get without a scan (engine/record-index.ts); 0 turns the index off. */
  TESSERA_RECORD_INDEX_TTL_S: z.coerce.number().min(0).default(30),
  TESSERA_RECORD_INDEX_MAX_RECORDS: z.coerce.number().int().positive().default(10_000),
  /** 0 turns a limit off. */
  TESSERA_RATE_LIMIT_TOKEN: z.coerce.number().int().min(0).default(500),
  TESSERA_RATE_LIMIT_ACCOUNT: z.coerce.number().int().min(0).default(50),
  TESSERA_RATE_LIMIT_WINDOW_S: z.coerce.number().int().positive().default(10),
  /** GET /metrics: `on` public, `token` behind an API token, `off` not served (src/http/metrics.ts). */
  TESSERA_METRICS: z.enum(['on', 'off', 'token']).default('on'),
  /** The largest request body accepted (413 past it), counted as it streams in. */
  TESSERA_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** How long a repeat of an Idempotency-Key waits for the first request to finish. */
  TESSERA_IDEMPOTENCY_WAIT_S: z.coerce.number().positive().default(30),
  /** A claim whose owner has not renewed it for this long was interrupted (replica gone). */
  TESSERA_IDEMPOTENCY_LEASE_S: z.coerce.number().positive().default(30),
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before they are cut off (exit 1). */
  TESSERA_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  /** Requests handled at once; past it they queue, past the queue 503 (src/http/overload.ts). 0 turns the limit off. */
  TESSERA_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(0).default(64),
  TESSERA_MAX_QUEUED_REQUESTS: z.coerce.number().int().min(0).default(500),
  TESSERA_QUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Node's HTTP server timeouts (src/http/server.ts, docs/deploy.md). */
  TESSERA_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  TESSERA_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  TESSERA_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(65_000),
  /** Days persisted request logs are kept (GET /log, docs/logs.md); 0 persists none. */
  TESSERA_LOG_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** Webhook delivery (docs/webhooks.md): loopback targets allowed (the sandbox turns it on), per-attempt timeout, retry waits in seconds (one per retry), outbox poll and claim lease. */
  TESSERA_WEBHOOK_ALLOW_LOCALHOST: z.enum(['true', 'false', '1', '0']).default('false'),
  TESSERA_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  TESSERA_WEBHOOK_RETRY_SCHEDULE_S: z.string().default('30,120,600,3600,21600,21600,21600'),
  TESSERA_WEBHOOK_POLL_MS: z.coerce.number().int().positive().default(1_000),
  TESSERA_WEBHOOK_LEASE_S: z.coerce.number().positive().default(60),
  /** Origins allowed to show the hosted connect page in an iframe (the link SDK's iframe mode), comma-separated; none by default (docs/connect.md). */
  TESSERA_CONNECT_FRAME_ANCESTORS: z
    .string()
    .default('')
    .refine(
      (v) => v.split(',').every((o) => !o.trim() || /^https?:\/\/[^/\s;,'"]+$/.test(o.trim())),
      'must be comma-separated origins such as https://app.example.com (scheme and host, no path)',
    ),
});

export interface TesseraConfig {
  port: number;
  host: string;
  publicUrl?: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  encryptionKey?: string;
  /** TESSERA_ENCRYPTION_KEY_PREVIOUS, split on commas; checked (32 bytes each) when the store opens, like the key. */
  previousEncryptionKeys: string[];
  cursorSecret?: string;
  logLevel: z.infer<typeof envSchema>['TESSERA_LOG_LEVEL'];
  upstream: {
    timeoutMs: number;
    maxRetries: number;
    maxRetryWaitSeconds: number;
    retryBaseMs: number;
    /** TESSERA_UPSTREAM_ALLOW, split on commas (parsed by upstream/egress-rules.ts). */
    allow: string[];
    maxResponseBytes: number;
    requestBudgetMs: number;
  };
  rateLimits: { perToken: number; perAccount: number; windowSeconds: number };
  /** TESSERA_METRICS: whether and how GET /metrics is served. */
  metrics: 'on' | 'off' | 'token';
  /** TESSERA_MAX_BODY_BYTES: request bodies over it are refused with 413 (src/http/body-limit.ts). */
  maxBodyBytes: number;
  /** Idempotency-Key claims shared by replicas (src/http/idempotency.ts); the owner renews every leaseMs / 6. */
  idempotency: { waitMs: number; leaseMs: number };
  /** TESSERA_SHUTDOWN_GRACE_MS: the drain's deadline (src/main.ts). */
  shutdownGraceMs: number;
  /** The HTTP server's admission limits and timeouts (src/http/server.ts, src/http/overload.ts). */
  http: { maxConcurrent: number; maxQueued: number; queueTimeoutMs: number; headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  /** The safety cap of `truto_ignore_limit` and `stream` (docs/contract.md §5.4). */
  pageLimits: { maxRecords: number; maxPages: number };
  /** The record index a get answers from after a list (engine/record-index.ts); ttlMs 0: off. */
  recordIndex: { ttlMs: number; maxEntries: number };
  /** TESSERA_LOG_RETENTION_DAYS: how long GET /log's rows are kept; 0 turns persistence off (docs/logs.md). */
  logRetentionDays: number;
  /** Webhook delivery (docs/webhooks.md); attempts = retryScheduleMs.length + 1. */
  webhooks: { allowLocalhost: boolean; timeoutMs: number; retryScheduleMs: number[]; pollMs: number; leaseMs: number };
  /** TESSERA_CONNECT_FRAME_ANCESTORS: origins that may frame /connect-account (docs/connect.md). */
  connectFrameAncestors: string[];
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
    connectFrameAncestors: e.TESSERA_CONNECT_FRAME_ANCESTORS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    dataDir: path.resolve(e.TESSERA_DATA_DIR),
    databaseUrl: e.TESSERA_DATABASE_URL,
    redisUrl: e.TESSERA_REDIS_URL,
    encryptionKey: e.TESSERA_ENCRYPTION_KEY,
    previousEncryptionKeys: (e.TESSERA_ENCRYPTION_KEY_PREVIOUS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    cursorSecret: e.TESSERA_CURSOR_SECRET,
    logLevel: e.TESSERA_LOG_LEVEL,
    upstream: {
      timeoutMs: e.TESSERA_UPSTREAM_TIMEOUT_MS,
      maxRetries: e.TESSERA_UPSTREAM_MAX_RETRIES,
      maxRetryWaitSeconds: e.TESSERA_UPSTREAM_MAX_RETRY_WAIT_S,
      retryBaseMs: e.TESSERA_UPSTREAM_RETRY_BASE_MS,
      allow: e.TESSERA_UPSTREAM_ALLOW.split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      maxResponseBytes: e.TESSERA_UPSTREAM_MAX_RESPONSE_BYTES,
      requestBudgetMs: e.TESSERA_UPSTREAM_REQUEST_BUDGET_MS,
    },
    pageLimits: { maxRecords: e.TESSERA_IGNORE_LIMIT_MAX_RECORDS, maxPages: e.TESSERA_IGNORE_LIMIT_MAX_PAGES },
    recordIndex: { ttlMs: Math.round(e.TESSERA_RECORD_INDEX_TTL_S * 1000), maxEntries: e.TESSERA_RECORD_INDEX_MAX_RECORDS },
    logRetentionDays: e.TESSERA_LOG_RETENTION_DAYS,
    maxBodyBytes: e.TESSERA_MAX_BODY_BYTES,
    shutdownGraceMs: e.TESSERA_SHUTDOWN_GRACE_MS,
    http: {
      maxConcurrent: e.TESSERA_MAX_CONCURRENT_REQUESTS,
      maxQueued: e.TESSERA_MAX_QUEUED_REQUESTS,
      queueTimeoutMs: e.TESSERA_QUEUE_TIMEOUT_MS,
      headersTimeoutMs: e.TESSERA_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.TESSERA_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.TESSERA_KEEP_ALIVE_TIMEOUT_MS,
    },
    idempotency: { waitMs: e.TESSERA_IDEMPOTENCY_WAIT_S * 1000, leaseMs: e.TESSERA_IDEMPOTENCY_LEASE_S * 1000 },
    rateLimits: {
      perToken: e.TESSERA_RATE_LIMIT_TOKEN,
      perAccount: e.TESSERA_RATE_LIMIT_ACCOUNT,
      windowSeconds: e.TESSERA_RATE_LIMIT_WINDOW_S,
    },
    metrics: e.TESSERA_METRICS,
    webhooks: {
      allowLocalhost: e.TESSERA_WEBHOOK_ALLOW_LOCALHOST === 'true' || e.TESSERA_WEBHOOK_ALLOW_LOCALHOST === '1',
      timeoutMs: e.TESSERA_WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: retrySchedule(e.TESSERA_WEBHOOK_RETRY_SCHEDULE_S),
      pollMs: e.TESSERA_WEBHOOK_POLL_MS,
      leaseMs: e.TESSERA_WEBHOOK_LEASE_S * 1000,
    },
  };
}

/** `30,120,600`: the wait before each retry, in seconds; an empty list means one attempt only. */
function retrySchedule(text: string): number[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.map((p) => {
    const seconds = Number(p);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new Error(`Invalid configuration: TESSERA_WEBHOOK_RETRY_SCHEDULE_S: "${p}" is not a number of seconds (e.g. 30,120,600)`);
    return Math.round(seconds * 1000);
  });
}
