import type { MappingConfig } from '../integrations/definition-schema.ts';
import type { UnifiedResource } from '../models/types.ts';
import { keyOf, shapeRecord, type ShapeOptions } from '../engine/shape-records.ts';
import type { Execution, MappedRecord, UnifiedCall } from '../engine/types.ts';
import type { ListAllOutcome, UnifiedEngine } from '../engine/unified-engine.ts';

/**
 * Lists that follow every page (`stream`, `truto_ignore_limit`) serialised as they arrive: one
 * chunk of text per upstream page, pulled by the HTTP layer only when the client has taken the
 * previous one, so memory holds about two pages whatever the length of the list (the body is
 * never one string). Each record is serialised once, in a plain loop.
 *
 * `end(envelope)` is the text that closes a body cut short by an error after its first chunk
 * (docs/contract.md §5.2): NDJSON ends with a `{"truto_stream_error": …}` line; the JSON document
 * closes its `result`, says `is_partial_response: true` with a `next_cursor` that fetches the
 * failed page again, and carries the error envelope as `truto_stream_error`.
 */
export interface StreamedList {
  contentType: string;
  headers?: Record<string, string>;
  chunks: AsyncIterable<string>;
  end: (envelope: unknown) => string;
}

type Lister = Pick<UnifiedEngine, 'listAllPages'>;

/**
 * Records per chunk of text. A chunk of a whole page (a few hundred KB) is allocated in V8's
 * large-object space, which only a full collection frees: a million-record stream then grew
 * the heap by a hundred MB or more. Chunks of about 30 KB die young.
 */
const CHUNK_RECORDS = 64;

const newOutcome = (): ListAllOutcome => ({ partial: false, resumeCursor: null, pages: 0, records: 0 });

export function ndjsonList(
  engine: Lister,
  exec: Execution,
  mapping: MappingConfig,
  call: UnifiedCall,
  info: UnifiedResource,
  shape: ShapeOptions,
): StreamedList {
  async function* chunks(): AsyncGenerator<string> {
    for await (const page of engine.listAllPages(exec, mapping, call, info, newOutcome())) {
      const records = page.records;
      for (let from = 0; from < records.length; from += CHUNK_RECORDS) {
        const to = Math.min(records.length, from + CHUNK_RECORDS);
        let text = '';
        for (let i = from; i < to; i++) text += JSON.stringify(shapeRecord(records[i].unified, shape)) + '\n';
        yield text;
      }
    }
  }
  return {
    contentType: 'application/x-ndjson; charset=utf-8',
    chunks: chunks(),
    end: (envelope) => JSON.stringify({ truto_stream_error: envelope }) + '\n',
  };
}

export interface JsonListOptions {
  /** `raw`: the upstream records, unmapped; `truto_key_by` does not apply. */
  raw: boolean;
  keyBy?: string;
  headers?: Record<string, string>;
}

/**
 * `truto_ignore_limit`: the list envelope (docs/contract.md §5.4), `result` written record by
 * record. With `truto_key_by` the result is an object written key by key: a key seen twice is
 * written twice, and JSON.parse keeps the later value at the first key's place, exactly what
 * keying the whole array in memory gives.
 */
export function jsonList(
  engine: Lister,
  exec: Execution,
  mapping: MappingConfig,
  call: UnifiedCall,
  info: UnifiedResource,
  shape: ShapeOptions,
  options: JsonListOptions,
): StreamedList {
  const outcome = newOutcome();
  const keyBy = options.raw ? undefined : options.keyBy;
  const [open, close] = keyBy ? ['{"result":{', '}'] : ['{"result":[', ']'];
  let count = 0;
  let written = 0;
  const serialise = (records: MappedRecord[], from: number, to: number): string => {
    if (!keyBy) {
      // One JSON.stringify of the slice's array, its brackets cut off: one native call, not one a record.
      const values = new Array<unknown>(to - from);
      for (let i = from; i < to; i++) values[i - from] = options.raw ? records[i].raw : shapeRecord(records[i].unified, shape);
      const text = JSON.stringify(values);
      if (text.length <= 2) return '';
      return (written++ ? ',' : '') + text.slice(1, -1);
    }
    let text = '';
    for (let i = from; i < to; i++) {
      const record = records[i];
      const value = JSON.stringify(shapeRecord(record.unified, shape));
      // Read before exclusions (§5.3): truto_key_by=id works with truto_exclude_fields=id.
      const key = keyOf(record.unified, keyBy);
      if (key === undefined || key === null || key === '') continue;
      text += (written++ ? ',' : '') + JSON.stringify(String(key)) + ':' + value;
    }
    return text;
  };
  const tail = (nextCursor: string | null, partial: boolean) =>
    `${close},"next_cursor":${JSON.stringify(nextCursor)},"prev_cursor":null,"result_count":${count}${partial ? ',"is_partial_response":true' : ''}`;
  async function* chunks(): AsyncGenerator<string> {
    let opened = false;
    for await (const page of engine.listAllPages(exec, mapping, call, info, outcome)) {
      const records = page.records;
      count += records.length;
      for (let from = 0; from < Math.max(1, records.length); from += CHUNK_RECORDS) {
        const text = serialise(records, from, Math.min(records.length, from + CHUNK_RECORDS));
        if (!opened) {
          opened = true;
          yield open + text;
        } else if (text) yield text;
      }
    }
    yield (opened ? '' : open) + tail(outcome.partial ? outcome.resumeCursor : null, outcome.partial) + '}';
  }
  return {
    contentType: 'application/json; charset=utf-8',
    headers: options.headers,
    chunks: chunks(),
    end: (envelope) => `${tail(outcome.resumeCursor, true)},"truto_stream_error":${JSON.stringify(envelope)}}`,
  };
}
