import type { RouterRoute } from 'hono/types';

/**
 * 405 rather than 404 when the path exists under another method (`PUT /integrated-account`):
 * the methods registered for a path, read from the app's own route table so it never drifts.
 * Middleware (`app.use`, method ALL) is not a route and is left out.
 */
export function methodsForPath(routes: readonly RouterRoute[]): (path: string) => string[] {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    table ??= routes.filter((r) => r.method !== 'ALL').map((r) => ({ pattern: patternOf(r.path), method: r.method }));
    const methods = new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method));
    // HEAD is answered wherever GET is (Hono runs the GET handler without the body).
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** A Hono path (`/integrated-account/:id`, `/custom/*`) as a whole-path RegExp. */
function patternOf(path: string): RegExp {
  const body = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${body}/?$`);
}
