/**
 * A list as a cursor (docs/contract.md §7): each page is `{result, next_cursor, ...}`; the cursor
 * passes `next_cursor` back unchanged until the server answers `null`.
 *
 *   for await (const user of cursor) { … }   every record, page after page
 *   await cursor.toArray()                    every remaining record
 *   await cursor.next()                       the next page: { items, nextCursor }
 *   await cursor.first()                      the first record of the list (does not move the cursor)
 *   for await (const page of cursor.pages())  page by page
 */

/** Unified and proxy lists carry prev_cursor and result_count; admin lists carry limit. */
export interface ListEnvelope<T> {
  result: T[];
  next_cursor: string | null;
  prev_cursor?: string | null;
  result_count?: number;
  limit?: number;
  is_partial_response?: boolean;
  [key: string]: unknown;
}

export interface Page<T> {
  items: T[];
  /** Where the following page starts; null after the last page. */
  nextCursor: string | null;
  /** The page's envelope as the server sent it. */
  envelope: ListEnvelope<T>;
}

export type PageFetcher<T> = (cursor: string | undefined) => Promise<ListEnvelope<T>>;

export class Cursor<T> implements AsyncIterable<T> {
  readonly #fetchPage: PageFetcher<T>;
  readonly #start: string | undefined;
  /** undefined: not started; null: exhausted. */
  #position: string | null | undefined;
  #started = false;

  constructor(fetchPage: PageFetcher<T>, startCursor?: string) {
    this.#fetchPage = fetchPage;
    this.#start = startCursor || undefined;
    this.#position = this.#start;
  }

  /** The cursor the next call to next() sends; null once the list is exhausted. */
  get nextCursor(): string | null | undefined {
    return this.#position;
  }

  /** True once the last page has been read. */
  get done(): boolean {
    return this.#started && this.#position === null;
  }

  /** Fetches the next page; after the last one it resolves `{ items: [], nextCursor: null }` without a request. */
  async next(): Promise<Page<T>> {
    if (this.#started && this.#position === null) return { items: [], nextCursor: null, envelope: { result: [], next_cursor: null } };
    const sent = this.#position ?? undefined;
    const envelope = await this.#fetchPage(sent);
    this.#started = true;
    if (!envelope || typeof envelope !== 'object' || !Array.isArray(envelope.result)) {
      throw new TypeError('Tessera: expected a list envelope { result: [...], next_cursor }');
    }
    const next = typeof envelope.next_cursor === 'string' && envelope.next_cursor !== '' ? envelope.next_cursor : null;
    if (next !== null && next === sent) throw new Error('Tessera: the server returned the same next_cursor again; stopping to avoid an endless loop');
    this.#position = next;
    return { items: envelope.result, nextCursor: next, envelope };
  }

  /** Pages from the current position to the end. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    do {
      yield await this.next();
    } while (this.#position !== null);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Every record from the current position to the end. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages()) out.push(...page.items);
    return out;
  }

  /** The first record of the list (following empty pages if need be), or undefined; the cursor does not move. */
  async first(): Promise<T | undefined> {
    const probe = new Cursor(this.#fetchPage, this.#start);
    for await (const page of probe.pages()) if (page.items.length) return page.items[0];
    return undefined;
  }
}
