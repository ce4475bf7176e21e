/**
 * A short-lived, per-process index of the raw records lists, streams and lookup scans have just
 * seen, keyed by account, unified target and unified id: a get right after a list (the usual
 * "list, then open one") answers from it instead of scanning the provider's list again.
 *
 * Raw records, not mapped ones: the get maps the entry with its own mapping, so a get answers
 * what a scanning get would have answered at the moment the record was listed. Bounded twice: a
 * TTL (a record another client changed is at most that stale, on every replica, since each
 * replica holds its own index and nothing is shared), and a total number of entries (the oldest
 * go first), so a stream of a million records holds only the last few thousand. A write through
 * this server to the target drops the account's entries for it at once.
 */
export interface IndexedRecord {
  raw: unknown;
  /** The integration resource the record was read from: a get uses it only through the lookup attempt that reads that resource. */
  resource: string;
}

/** One page as listed: its ids and raw records side by side, and what they share. */
interface IndexedPage {
  scope: string;
  resource: string;
  expires: number;
  generation: number;
  ids: unknown[];
  raws: unknown[];
}

export interface RecordIndexOptions {
  ttlMs: number;
  /** How many records are held in all; the oldest pages go first. */
  maxEntries: number;
  now?: () => number;
}

export const DEFAULT_RECORD_INDEX: RecordIndexOptions = { ttlMs: 30_000, maxEntries: 10_000 };

/**
 * Pages, not records: adding a page costs two arrays however many records it has (a stream of a
 * million records adds two thousand pages), and a get looks through at most `maxEntries` ids,
 * newest page first, which is microseconds against a scan's round trips. A Map of every record
 * cost more than the rest of a stream's work put together.
 */
export class RecordIndex {
  private pages: IndexedPage[] = [];
  private held = 0;
  private readonly generations = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: RecordIndexOptions = DEFAULT_RECORD_INDEX) {
    this.now = options.now ?? Date.now;
  }

  /** A page of mapped records: each is found by its unified `id` (a non-empty string or a number). */
  addPage(account: string, target: string, resource: string, records: readonly { unified: Record<string, unknown>; raw: unknown }[]): void {
    if (!records.length || this.options.ttlMs <= 0) return; // TESSERA_RECORD_INDEX_TTL_S=0: off
    const scope = `${account}\u0000${target}`;
    const ids = new Array<unknown>(records.length);
    const raws = new Array<unknown>(records.length);
    for (let i = 0; i < records.length; i++) {
      ids[i] = records[i].unified.id;
      raws[i] = records[i].raw;
    }
    this.pages.push({ scope, resource, expires: this.now() + this.options.ttlMs, generation: this.generations.get(scope) ?? 0, ids, raws });
    this.held += records.length;
    let drop = 0;
    while (this.held > this.options.maxEntries && drop < this.pages.length - 1) this.held -= this.pages[drop++].ids.length;
    if (drop) this.pages = this.pages.slice(drop);
  }

  get(account: string, target: string, id: string): IndexedRecord | undefined {
    if (id === '') return undefined;
    const scope = `${account}\u0000${target}`;
    const generation = this.generations.get(scope) ?? 0;
    const now = this.now();
    const asNumber = /^-?\d+(\.\d+)?$/.test(id) ? Number(id) : undefined;
    for (let p = this.pages.length - 1; p >= 0; p--) {
      const page = this.pages[p];
      if (page.scope !== scope || page.generation !== generation || page.expires <= now) continue;
      let at = page.ids.indexOf(id);
      if (at < 0 && asNumber !== undefined) at = page.ids.indexOf(asNumber);
      if (at >= 0) return { raw: page.raws[at], resource: page.resource };
    }
    return undefined;
  }

  /** A write to the target: every entry of the account for it is stale from now on. */
  invalidate(account: string, target: string): void {
    const scope = `${account}\u0000${target}`;
    this.generations.set(scope, (this.generations.get(scope) ?? 0) + 1);
  }

  /** How many records the index holds at most. */
  get capacity(): number {
    return this.options.maxEntries;
  }

  /** Records held (stale ones included until their page goes). */
  get size(): number {
    return this.held;
  }
}
