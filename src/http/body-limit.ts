import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { TesseraError } from '../errors/catalogue.ts';
import type { HttpEnv } from './types.ts';

/**
 * TESSERA_MAX_BODY_BYTES for every route, before anything reads, parses or stores a body. A
 * declared Content-Length over the limit is refused from the headers alone, whatever the method
 * (Node would otherwise read and discard a GET's body too); a chunked body is counted as it
 * streams in by hono's bodyLimit, which stops reading at the limit. The answer closes the
 * connection: the rest of the body is never read, so the socket cannot carry another request.
 */
export function requestBodyLimit(maxBytes: number): MiddlewareHandler<HttpEnv> {
  const tooLarge = () =>
    new TesseraError(413, `Request body is larger than the limit of ${maxBytes} bytes (TESSERA_MAX_BODY_BYTES)`, {
      code: 'TESSERA_PAYLOAD_TOO_LARGE',
      headers: { connection: 'close' },
    });
  const streaming = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
    return streaming(c, next);
  };
}
