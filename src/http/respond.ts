import type { Context } from 'hono';
import { ZodError } from 'zod';
import { HTTPException } from 'hono/http-exception';
import { errors, isTesseraError, reasonPhrase, TesseraError } from '../errors/catalogue.ts';

import { JSON_TYPE } from '../media-types.ts';
import type { Principal } from '../services/tokens.ts';
import { parseJsonBody } from './json-body.ts';

export { JSON_TYPE };

export function sendJson(c: Context, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

/** Any thrown value becomes the contract's envelope; unexpected ones are logged and hidden. */
export function toTesseraError(e: unknown): TesseraError {
  if (isTesseraError(e)) return e;
  // Hono's own middleware throws these for request problems; they are the client's, in the envelope.
  if (e instanceof HTTPException && e.status < 500) return new TesseraError(e.status, e.message || reasonPhrase(e.status));
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

/**
 * Reads a JSON body; an unparseable, too deep or prototype-reaching one is the client's mistake
 * (400, json-body.ts), not a 500. The size was already bounded by body-limit.ts.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  return parseJsonBody(await c.req.text());
}

/**
 * The request's query string. Under an integrated-account token the account is implied: its id
 * is added when the caller left it out (account-token-scope.ts refused any other account first).
 */
export function rawQueryString(c: Context): string {
  const url = c.req.url;
  const i = url.indexOf('?');
  const query = i === -1 ? '' : url.slice(i + 1);
  const implied = (c.get('principal') as Principal | undefined)?.integratedAccountId;
  if (!implied || hasAccountId(query)) return query;
  return query ? `${query}&integrated_account_id=${implied}` : `integrated_account_id=${implied}`;
}

function hasAccountId(query: string): boolean {
  return /(^|&)integrated_account_id(=|&|$)/.test(query);
}
