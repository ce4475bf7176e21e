import http from 'node:http';
import net from 'node:net';

/**
 * Two ways of talking to a server below fetch: `send` (node:http, the path sent byte for byte,
 * which fetch would normalise) and `rawExchange` (a bare socket, for requests no HTTP client
 * would produce: bad header characters, broken chunking, unknown methods).
 */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function send(
  base: string,
  agent: http.Agent,
  req: { method: string; path: string; body?: string | Buffer; headers?: Record<string, string> },
  timeoutMs = 30_000,
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timed out: ${req.method} ${req.path.slice(0, 120)}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/** Writes `bytes` on a fresh connection and reads until the server closes it (or the timeout). */
export function rawExchange(port: number, bytes: string | Buffer | (string | Buffer)[], timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    // A reset after the answer was read is fine: the server closes while we may still be writing.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      if (split === -1) return resolve({ status: 0, headers: {}, body: '', raw });
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let body = raw.slice(split + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8'), raw });
    });
    socket.on('connect', () => {
      for (const part of Array.isArray(bytes) ? bytes : [bytes]) if (!socket.destroyed) socket.write(part);
    });
    socket.setNoDelay(true);
    socket.on('timeout', () => reject(new Error('raw exchange timed out')));
  });
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const nl = rest.indexOf('\r\n');
    if (nl === -1) return out;
    const size = parseInt(rest.slice(0, nl), 16);
    if (!size) return out;
    out += rest.slice(nl + 2, nl + 2 + size);
    rest = rest.slice(nl + 2 + size + 2);
  }
}

/** The contract's error envelope: the status again, the reason phrase, a message and a code. */
export function envelopeProblem(status: number, text: string): string | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 120))}`;
  }
  if (!body || typeof body !== 'object') return 'not an object';
  if (body.statusCode !== status) return `statusCode ${String(body.statusCode)} is not ${status}`;
  for (const field of ['error', 'message', 'code']) if (typeof body[field] !== 'string' || !body[field]) return `no ${field}`;
  return undefined;
}
