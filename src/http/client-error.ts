import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { TesseraError } from '../errors/catalogue.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { JSON_TYPE } from '../media-types.ts';

/**
 * Requests Node's HTTP parser refuses (a control character in a header, headers over
 * --max-http-header-size, an unknown method, broken chunked encoding…) never reach Hono: Node
 * emits `clientError` and, left alone, answers a bare `400 Bad Request` with no body. This
 * answers in the contract's envelope instead, written straight to the socket since there is no
 * response object, and closes the connection: after a parse error the byte stream cannot be
 * trusted to hold another request.
 */
const BY_PARSER_CODE: Record<string, { status: number; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'TESSERA_HEADERS_TOO_LARGE',
    message: 'Request line and headers are larger than the server accepts (16 KB by default)',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: 'TESSERA_PAYLOAD_TOO_LARGE', message: 'Chunk extensions are larger than the server accepts' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'TESSERA_REQUEST_TIMEOUT', message: 'The request was not received in time' },
};

/** The raw HTTP/1.1 response for a parser error `code` (e.g. HPE_INVALID_HEADER_TOKEN). */
export function clientErrorResponse(parserCode: string | undefined, reason?: string): string {
  const known = parserCode ? BY_PARSER_CODE[parserCode] : undefined;
  return rawErrorResponse(
    known
      ? new TesseraError(known.status, known.message, { code: known.code })
      : new TesseraError(400, `Malformed HTTP request${reason ? `: ${reason}` : ''}`, { code: 'TESSERA_BAD_REQUEST' }),
  );
}

/** An error as a complete HTTP/1.1 response that closes the connection. */
export function rawErrorResponse(error: TesseraError, headers: Record<string, string> = {}): string {
  const envelope = error.toEnvelope();
  const body = JSON.stringify(envelope);
  return [
    `HTTP/1.1 ${error.status} ${envelope.error}`,
    `content-type: ${JSON_TYPE}`,
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Node's own messages name the parser's complaint ("Invalid header value char"); nothing of the request. */
function reasonOf(err: Error & { reason?: unknown }): string | undefined {
  return typeof err.reason === 'string' && /^[\w .,'-]{1,80}$/.test(err.reason) ? err.reason : undefined;
}

export function answerClientErrors(server: Server): void {
  // CONNECT (a proxy tunnel) is parsed by Node but handed to this event, not to the app; without
  // a listener the connection is dropped with no answer at all.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    const error = new TesseraError(405, 'CONNECT is not supported: Tessera is not a proxy', { code: 'TESSERA_METHOD_NOT_ALLOWED' });
    socket.end(rawErrorResponse(error, { allow: 'GET, POST, PUT, PATCH, DELETE' }));
    setTimeout(() => socket.destroy(), 2000).unref();
  });
  server.on('clientError', (err: Error & { code?: string; reason?: unknown }, socket: Duplex) => {
    // A reset or a closed socket has no one to answer.
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    // A response already started on this socket (a parse error in a request body being read
    // while the answer streams) cannot be followed by another: only close.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (inFlight?.headersSent) return void socket.destroy();
    socket.end(clientErrorResponse(err.code, reasonOf(err)));
    // A client that never reads its answer must not hold the socket open.
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}
