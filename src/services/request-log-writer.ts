import type { Logger } from '../logger.ts';
import type { RequestLogRecord, RequestLogRows } from '../store/request-log-rows.ts';

export interface RequestLogWriterOptions {
  /** False when TESSERA_LOG_RETENTION_DAYS=0: rows are neither kept nor written. */
  enabled: boolean;
  /** A partial batch waits at most this long. */
  flushMs?: number;
  /** A batch this full is written at once. */
  batchSize?: number;
  /** Rows held while the store is slow or down; beyond it new rows are dropped and counted. */
  maxBuffered?: number;
}

/** How often a run of dropped rows is reported, so an outage makes a few lines, not one per request. */
const DROP_WARN_INTERVAL_MS = 10_000;

/**
 * Persisted request logs off the request path (docs/logs.md): `add` only appends to memory; rows
 * go to the store in batches through one insertMany every `flushMs` or `batchSize` rows, one
 * batch at a time. A store that fails costs the batch (dropped, counted, warned about), never
 * the request, and the buffer is capped so an outage cannot grow the process without bound.
 */
export class RequestLogWriter {
  /** Rows lost: refused by the store, or past the cap. */
  dropped = 0;
  private buffer: RequestLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastWarn = 0;
  private unreported = 0;
  private closed = false;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly rows: RequestLogRows,
    private readonly logger: Logger,
    private readonly options: RequestLogWriterOptions,
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.batchSize = options.batchSize ?? 200;
    this.maxBuffered = options.maxBuffered ?? 10_000;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  add(record: RequestLogRecord): void {
    if (!this.options.enabled) return;
    if (this.closed || this.buffer.length >= this.maxBuffered) {
      this.drop(1, this.closed ? 'the writer is closed' : `the buffer holds ${this.maxBuffered} rows`);
      return;
    }
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize) this.kick(0);
    else this.kick(this.flushMs);
  }

  /** Writes everything buffered now; resolves when the buffer is empty (or what was in it is dropped). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || this.buffer.length > 0) {
      if (!this.flushing) this.flushing = this.writeBatches().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  /** On shutdown, after the requests have drained: the last rows, then no more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.unreported > 0) this.report();
  }

  private kick(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A write in progress picks the rest up when it loops; its failures are handled inside.
      if (!this.flushing) this.flushing = this.writeBatches().finally(() => (this.flushing = undefined));
    }, delayMs);
    // A pending flush never keeps a process (a CLI command, a test) alive: close() flushes.
    this.timer.unref();
  }

  private async writeBatches(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        await this.rows.insertMany(batch);
      } catch (e) {
        this.drop(batch.length, `the store refused them: ${(e as Error).message}`);
      }
    }
  }

  private drop(count: number, reason: string): void {
    this.dropped += count;
    this.unreported += count;
    if (Date.now() - this.lastWarn >= DROP_WARN_INTERVAL_MS) this.report(reason);
  }

  private report(reason?: string): void {
    this.lastWarn = Date.now();
    this.logger.warn({ dropped: this.unreported, dropped_total: this.dropped, ...(reason ? { reason } : {}) }, 'request log rows dropped');
    this.unreported = 0;
  }
}
