import { errors } from '../errors/catalogue.ts';
import type { DownloadDefinition } from '../integrations/definition-schema.ts';
import type { UpstreamRequest } from '../upstream/types.ts';
import { getPath } from './pagination.ts';
import type { Execution } from './types.ts';

/**
 * A resource method whose response only names files (`download`: signed URLs of a report, e.g.
 * `{download_links: [...]}`): the records are in those files. Each link is fetched through the
 * execution's sender, so retries, tracing, budgets, the deadline, the response-size cap and the
 * egress policy apply to it as to any provider call, but with **no credentials**: a signed URL
 * authorizes itself, and the file host (a CDN or blob store, not the provider's API) must never
 * see the account's token. So the request carries none of the definition's headers, no
 * authorization, and no query of ours: exactly the URL the provider signed.
 */

/** More links than this is an answer we refuse rather than fan out over (each link is a call). */
export const MAX_DOWNLOAD_LINKS = 50;

export interface DownloadScope {
  /** `<integration label> <resource>.<method>`, for messages. */
  label: string;
  role: UpstreamRequest['role'];
}

/** The records the files behind the response's links hold, in link order then file order. */
export async function downloadRecords(exec: Execution, def: DownloadDefinition, body: unknown, scope: DownloadScope): Promise<unknown[]> {
  const links = linksOf(getPath(body, def.links_path), def.links_path, scope.label);
  const records: unknown[] = [];
  for (const [index, url] of links.entries()) {
    const where = `${scope.label}: download link ${index + 1} of ${links.length}`;
    const response = await exec.send({
      method: 'get',
      url,
      headers: { accept: def.format === 'ndjson' ? 'application/x-ndjson, application/json;q=0.9, */*;q=0.8' : 'application/json, */*;q=0.8' },
      retryable: true,
      role: scope.role,
      signal: exec.signal,
    });
    if (response.status < 200 || response.status >= 300) {
      // Never the provider's own error handling: a 401 from a file host says nothing about the
      // account's credentials (an expired signature), and the status is the file host's, not the API's.
      throw errors.upstreamInvalidResponse(`${where} answered ${response.status}`, truncate(response.body));
    }
    records.push(...(def.format === 'ndjson' ? ndjsonRecords(response.body, where) : jsonRecords(response.body, def.records_path, where)));
  }
  return records;
}

function linksOf(value: unknown, path: string, label: string): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((l) => typeof l === 'string' && /^https?:\/\//i.test(l) && URL.canParse(l))) {
    throw errors.upstreamInvalidResponse(`${label}: ${path} is not a list of http(s) download links`, truncate(value));
  }
  if (list.length > MAX_DOWNLOAD_LINKS) {
    throw errors.upstreamTooLarge(`${label}: the response names ${list.length} download links; Tessera follows at most ${MAX_DOWNLOAD_LINKS} per call`);
  }
  return list as string[];
}

/**
 * One JSON value per line; blank lines (a trailing newline) are not records. A file served with
 * a JSON content type was already parsed by the sender: an array is its records, anything else one record.
 */
function ndjsonRecords(body: unknown, where: string): unknown[] {
  if (body === null || body === undefined) return [];
  if (typeof body !== 'string') return Array.isArray(body) ? body : [body];
  const out: unknown[] = [];
  const lines = body.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      throw errors.upstreamInvalidResponse(`${where}: line ${i + 1} is not JSON (${(e as Error).message})`, line.slice(0, 500));
    }
  }
  return out;
}

/** One JSON document per file: its array at `records_path` (or the document itself), or one record. */
function jsonRecords(body: unknown, recordsPath: string | undefined, where: string): unknown[] {
  let doc = body;
  if (typeof body === 'string') {
    try {
      doc = JSON.parse(body);
    } catch (e) {
      throw errors.upstreamInvalidResponse(`${where}: the file is not JSON (${(e as Error).message})`, body.slice(0, 500));
    }
  }
  const at = getPath(doc, recordsPath);
  return Array.isArray(at) ? at : at === undefined || at === null ? [] : [at];
}

function truncate(value: unknown): unknown {
  return typeof value === 'string' ? value.slice(0, 1000) : value;
}
