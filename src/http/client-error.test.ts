import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { answerClientErrors, clientErrorResponse } from './client-error.ts';

let server: Server;
let port: number;

before(async () => {
  server = createServer((req, res) => {
    // /slow starts its answer at once and then reads the body, so a body error arrives mid-response.
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      req.on('data', () => {});
      return;
    }
    res.end('ok');
  });
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function exchange(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    setTimeout(() => socket.destroy(), 3000).unref();
  });
}

function parse(raw: string) {
  const [head, body] = raw.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], head: head.toLowerCase(), envelope: JSON.parse(body) };
}

test('a header the parser refuses gets a 400 envelope naming the complaint, then the connection closes', async () => {
  const { statusLine, head, envelope } = parse(await exchange('GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n'));
  assert.equal(statusLine, 'HTTP/1.1 400 Bad Request');
  assert.match(head, /connection: close/);
  assert.match(head, /content-type: application\/json; charset=utf-8/);
  assert.deepEqual(envelope, {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Malformed HTTP request: Invalid header value char',
    code: 'TESSERA_BAD_REQUEST',
  });
});

test('headers over the size limit are a 431', async () => {
  const { statusLine, envelope } = parse(await exchange(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
  assert.equal(statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
  assert.equal(envelope.code, 'TESSERA_HEADERS_TOO_LARGE');
});

test('a parse error after the answer has started only closes: no second response on the wire', async () => {
  const raw = await exchange('POST /slow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n');
  assert.equal(raw.match(/HTTP\/1\.1 /g)?.length, 1, raw);
  assert.match(raw, /^HTTP\/1\.1 200 OK/);
});

test('the raw response is well-formed: its Content-Length is the body in bytes', () => {
  const raw = clientErrorResponse('HPE_INVALID_METHOD', 'Invalid method encountered');
  const [head, body] = raw.split('\r\n\r\n');
  assert.equal(Number(/content-length: (\d+)/.exec(head)![1]), Buffer.byteLength(body));
  assert.equal(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT').split('\r\n')[0], 'HTTP/1.1 408 Request Timeout');
});
