import type { MiddlewareHandler } from 'hono';
import { errors } from '../errors/catalogue.ts';
import type { HttpEnv } from './types.ts';

/**
 * A path whose segments decode to control characters (`%00`, `%0A`, `%7F`…) names nothing Tessera
 * has: ids are UUIDs, names are identifiers, and upstream record ids never need them. Refused
 * here once, so no route hands U+0000 to the store (Postgres rejects it: a 500) or a CR/LF to an
 * upstream URL. Node's parser already refuses raw control characters in the request line.
 */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

export function refuseControlCharactersInPath(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    if (ENCODED_CONTROL.test(path)) throw errors.badRequest('The path must not contain control characters (%00 to %1F, %7F)');
    await next();
  };
}

/** `//unified/…` (an SDK whose base URL ends in `/`) is `/unified/…`: only the leading run collapses. */
export function collapseLeadingSlashes(path: string): string {
  return path.startsWith('//') ? path.replace(/^\/+/, '/') : path;
}
