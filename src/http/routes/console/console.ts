import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { errors, TesseraError } from '../../../errors/catalogue.ts';
import type { RouteDocs } from '../../openapi/route-doc.ts';
import { errorResponse } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * The web console (docs/console.md): the single-page app Vite builds into console/dist, served at
 * /console. The page itself is public (mounted before the token middleware): it holds no data and
 * every API call it makes carries the token the person signs in with.
 *
 * src/http/routes/console/ sits four levels below the repository root, and so does its compiled
 * twin under dist/ (scripts/build.ts keeps the layout), so one relative URL finds console/dist
 * under tsx and in the build.
 */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../../console/dist/', import.meta.url));

/**
 * Scripts, styles and API calls from this origin only; nothing may frame the console (it holds an
 * API token). style-src has no 'unsafe-inline': Observable Plot adds a <style> element to each
 * chart, which the console's PlotFigure removes before insertion (plot-figure.css carries the same
 * rules), and Preact sets `style` props through the CSSOM, which CSP does not restrict. img-src
 * allows data: for the inline favicon (no request to /favicon.ico, which would answer 401).
 * frame-src 'self' lets a page embed the hosted connect page (/connect-account) of this server.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
};

/** Vite's hashed file names: a file's content never changes under its name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleOptions {
  /** Where the built console is; console/dist by default (a test points it at an empty folder). */
  distDir?: string;
}

export const consoleDocs: RouteDocs = {
  operations: [
    {
      method: 'get',
      path: '/console',
      operationId: 'consolePage',
      summary: 'The web console (HTML)',
      description:
        'The single-page web console (docs/console.md). Public: the page holds no data; it signs in with an API token kept in the browser tab. 503 when the console was not built (npm run build:console).',
      tags: ['System'],
      public: true,
      success: { '200': { description: 'index.html', content: { 'text/html': { schema: { type: 'string' } } } } },
      errors: [503],
    },
    {
      method: 'get',
      path: '/console/{rest}',
      operationId: 'consoleFile',
      summary: "The web console's assets and routes",
      description:
        'A built asset under /console/assets/ (cached for a year: its name carries its hash), or index.html for any route of the console (deep links).',
      tags: ['System'],
      public: true,
      params: { rest: { description: 'An asset path, or a route of the console' } },
      success: { '200': { description: 'The file, or index.html', content: { '*/*': { schema: { type: 'string' } } } } },
      errors: [404, 503],
    },
  ],
};

/** GET (and so HEAD) /console and /console/*: files from the build, index.html for the app's routes. */
export function consoleRoutes(options: ConsoleOptions = {}) {
  const distDir = path.resolve(options.distDir ?? CONSOLE_DIST);
  const app = new Hono<HttpEnv>();
  const handler = (c: Context<HttpEnv>) => serveConsole(c, distDir);
  app.get('/', handler);
  // A named parameter rather than `*`: the OpenAPI document publishes it as /console/{rest}, and
  // `{path}` there means a proxied path (/custom/{path}).
  app.get('/:rest{.*}', handler);
  return app;
}

async function serveConsole(c: Context<HttpEnv>, distDir: string): Promise<Response> {
  const index = path.join(distDir, 'index.html');
  const indexStat = await fileStat(index);
  if (!indexStat) {
    return refuse(
      c,
      new TesseraError(503, 'The web console is not built: run `npm run build:console` (npm run build does it too), then reload', {
        code: 'TESSERA_NOT_READY',
      }),
    );
  }
  const segments = consoleSegments(c.req.url);
  if (segments === undefined) return refuse(c, errors.notFound(`No console file at ${c.req.path}`));
  if (segments.length === 0) return sendFile(c, index, indexStat, 'no-cache');

  const file = path.join(distDir, ...segments);
  // Belt and braces: no segment can be `..` or hold a separator, but the answer must never
  // come from outside the build whatever consoleSegments lets through.
  const relative = path.relative(distDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return refuse(c, errors.notFound(`No console file at ${c.req.path}`));
  const stat = await fileStat(file);
  if (stat) return sendFile(c, file, stat, segments[0] === 'assets' ? IMMUTABLE : 'no-cache');
  // A file that is not there (an old hashed asset after a rebuild) must not answer HTML the
  // browser would try to run as a script: only the app's routes fall back to index.html.
  if (segments[0] === 'assets' || /\.[A-Za-z0-9]+$/.test(segments[segments.length - 1])) {
    return refuse(c, errors.notFound(`No console file at ${c.req.path}`));
  }
  return sendFile(c, index, indexStat, 'no-cache');
}

/**
 * The path under /console as decoded segments, from the raw request URL (Hono's decoded path
 * keeps `%2F` encoded, so it is not split on): undefined when a segment cannot name a file in the
 * build (`.`, `..`, a dotfile, a separator or control character once decoded, bad percent-encoding).
 * WHATWG URL parsing already resolved literal and `%2e%2e` dot segments before the route matched.
 */
export function consoleSegments(url: string): string[] | undefined {
  let pathname = new URL(url).pathname.replace(/^\/+/, '/');
  if (!/^\/console(\/|$)/.test(pathname)) return undefined;
  pathname = pathname.slice('/console'.length);
  const out: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // eslint-disable-next-line no-control-regex
    if (segment.startsWith('.') || /[/\\\u0000-\u001f\u007f:]/.test(segment)) return undefined;
    out.push(segment);
  }
  return out;
}

async function fileStat(file: string) {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}

async function sendFile(c: Context<HttpEnv>, file: string, stat: { size: number; mtimeMs: number; mtime: Date }, cacheControl: string): Promise<Response> {
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    etag,
    'last-modified': stat.mtime.toUTCString(),
  };
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const body = await fs.readFile(file);
  headers['content-length'] = String(body.byteLength);
  return new Response(c.req.method === 'HEAD' ? null : body, { status: 200, headers });
}

/** The contract's error envelope, with the console's headers (an error page is never cached). */
function refuse(c: Context<HttpEnv>, error: TesseraError): Response {
  const res = errorResponse(c, error);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.headers.set(name, value);
  res.headers.set('cache-control', 'no-store');
  return res;
}
