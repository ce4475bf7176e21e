import { errors } from '../errors/catalogue.ts';
import type { WindowDefinition } from '../integrations/definition-schema.ts';

/**
 * Date windows of usage reports. A caller asks for [start, end) in ISO 8601; the mapping's
 * `window` says which query parameters carry it, the default and maximum span the source allows,
 * and the span one upstream request may cover (`chunk_days`). The engine validates the window
 * (a clear 400 naming the parameter and the limit), then splits it into chunks that are fetched
 * in order, each followed through the source's own pages; next_cursor records the chunk, so a
 * list resumes in the middle of a fan-out.
 */
export interface WindowChunk {
  /** ISO 8601 UTC, inclusive. */
  start: string;
  /** ISO 8601 UTC, exclusive. */
  end: string;
  /** The same bounds in epoch seconds and milliseconds, for sources that want those. */
  start_s: number;
  end_s: number;
  start_ms: number;
  end_ms: number;
  /** `YYYY-MM-DD` of start, and of the last day the chunk covers (end - 1 ms). */
  start_day: string;
  last_day: string;
}

export interface ResolvedWindow {
  start: string;
  end: string;
  chunks: WindowChunk[];
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// RFC 3339 / ISO 8601 date-times with a zone (Z or ±hh:mm); fractions allowed.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(name: string, value: unknown): number {
  if (typeof value !== 'string' || !(DATE_ONLY.test(value) || DATE_TIME.test(value))) {
    throw errors.invalidQuery(
      `${name} must be an ISO 8601 date (YYYY-MM-DD) or date-time with a zone (e.g. 2026-11-01T00:00:00Z), got ${JSON.stringify(value)?.slice(0, 60)}`,
    );
  }
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms)) throw errors.invalidQuery(`${name} is not a real date: ${JSON.stringify(value)}`);
  return ms;
}

const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function chunk(startMs: number, endMs: number): WindowChunk {
  return {
    start: iso(startMs),
    end: iso(endMs),
    start_s: Math.floor(startMs / 1000),
    end_s: Math.floor(endMs / 1000),
    start_ms: startMs,
    end_ms: endMs,
    start_day: iso(startMs).slice(0, 10),
    last_day: iso(endMs - 1).slice(0, 10),
  };
}

/**
 * The window a list call covers, checked against the definition. `now` is injectable so tests
 * and the sandbox's fixed-clock simulators agree on "today".
 */
export function resolveWindow(def: WindowDefinition, query: Record<string, unknown>, integration: string, now: number = Date.now()): ResolvedWindow {
  const startName = def.start_param;
  const endName = def.end_param;
  const day = def.date_param ? query[def.date_param] : undefined;
  if (day !== undefined && day !== '') {
    // A single day (`date=YYYY-MM-DD`, as some of Truto's integrations take it) is that day's window.
    if (query[startName] !== undefined || query[endName] !== undefined)
      throw errors.invalidQuery(`${def.date_param} cannot be combined with ${startName} or ${endName}`);
    if (typeof day !== 'string' || !DATE_ONLY.test(day))
      throw errors.invalidQuery(`${def.date_param} must be a day (YYYY-MM-DD), got ${JSON.stringify(day)?.slice(0, 60)}`);
    const ms = parseInstant(def.date_param!, day);
    return { start: iso(ms), end: iso(ms + DAY_MS), chunks: [chunk(ms, ms + DAY_MS)] };
  }
  const given = { start: query[startName], end: query[endName] };
  const aligned = def.align === 'day';
  let endMs = given.end !== undefined && given.end !== '' ? parseInstant(endName, given.end) : aligned ? ceilDay(now) : now;
  let startMs = given.start !== undefined && given.start !== '' ? parseInstant(startName, given.start) : endMs - def.default_days * DAY_MS;
  if (aligned) {
    startMs = floorDay(startMs);
    endMs = ceilDay(endMs);
  }
  if (endMs <= startMs) {
    throw errors.invalidQuery(`${endName} (${iso(endMs)}) must be after ${startName} (${iso(startMs)})`);
  }
  const spanDays = (endMs - startMs) / DAY_MS;
  if (def.max_days !== undefined && spanDays > def.max_days) {
    throw errors.invalidQuery(
      `The window from ${startName} to ${endName} spans ${Math.ceil(spanDays)} days; ${integration} allows at most ${def.max_days} days per request. Ask for a shorter window and page through time.`,
    );
  }
  if (def.max_age_days !== undefined && startMs < (aligned ? floorDay(now) : now) - def.max_age_days * DAY_MS) {
    throw errors.invalidQuery(`${startName} is more than ${def.max_age_days} days in the past; ${integration} keeps no older data`);
  }
  const chunks: WindowChunk[] = [];
  const step = (def.chunk_days ?? Math.ceil(spanDays)) * DAY_MS;
  for (let s = startMs; s < endMs; s += step) chunks.push(chunk(s, Math.min(s + step, endMs)));
  return { start: iso(startMs), end: iso(endMs), chunks };
}
