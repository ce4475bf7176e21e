import type { Context } from 'hono';
import { ZodError } from 'zod';
import { errors, isTesseraError, TesseraError } from '../errors/catalogue.ts';

import { JSON_TYPE } from '../media-types.ts';

export { JSON_TYPE };

export function sendJson(c: Context, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

/** Any thrown value becomes the contract's envelope; unexpected ones are logged and hidden. */
export function toTesseraError(e: unknown): TesseraError {
  if (isTesseraError(e)) return e;
  if (e instanceof ZodError) {
    const failures = e.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return errors.validation(`Invalid request: ${failures.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ')}`, failures);
  }
  return errors.internal();
}

export function errorResponse(c: Context, e: unknown): Response {
  const err = toTesseraError(e);
  return sendJson(c, err.status, err.toEnvelope(), err.headers);
}

/** Reads a JSON body; an unparseable one is the client's mistake, not a 500. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.invalidBody(`Request body is not valid JSON: ${(e as Error).message}`);
  }
}

export function rawQueryString(c: Context): string {
  const url = c.req.url;
  const i = url.indexOf('?');
  return i === -1 ? '' : url.slice(i + 1);
}
