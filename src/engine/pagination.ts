import type { PaginationDefinition } from '../integrations/definition-schema.ts';
import type { UpstreamResponse } from '../upstream/types.ts';
import { errors } from '../errors/catalogue.ts';
import { evaluate, type ExpressionBudget } from './expressions/evaluate.ts';

/**
 * Every upstream paging style reduced to one shape: `request(state)` says how to ask for a page,
 * `next(...)` returns the state of the following page or null. The state is plain JSON, so it
 * can travel inside Tessera's signed `next_cursor` (docs/contract.md §7, §11.4).
 */
export type PageState = Record<string, unknown>;

export interface PageRequest {
  query: Record<string, unknown>;
  headers: Record<string, string>;
  /** Replaces the whole URL (link_header); must share the base URL's origin. */
  url?: string;
}

export interface PageContext {
  limit?: number;
  query: Record<string, unknown>;
  url: string;
  /** The request's budget for override expressions (an integration_override may set the dynamic paging expressions). */
  budget?: ExpressionBudget;
}

export interface Paginator {
  limitParam?: string;
  request(state: PageState | undefined, ctx: PageContext): Promise<PageRequest>;
  next(response: UpstreamResponse, records: unknown[], state: PageState | undefined, ctx: PageContext): Promise<PageState | null>;
}

export function getPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let cur: any = value;
  for (const part of path.split('.')) {
    // Own properties only: a path from an expression or a definition must not reach a prototype.
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

const empty = (): PageRequest => ({ query: {}, headers: {} });
const isFull = (records: unknown[], limit: number | undefined) => records.length > 0 && (limit === undefined || records.length >= limit);

export function parseLinkHeader(header: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(',')) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!m) continue;
    const rel = /rel="?([^";]+)"?/i.exec(m[2]);
    if (rel) for (const r of rel[1].split(/\s+/)) links[r.toLowerCase()] = m[1];
  }
  return links;
}

export function createPaginator(def: PaginationDefinition | null | undefined): Paginator | undefined {
  if (!def) return undefined;
  switch (def.format) {
    case 'cursor': {
      const { cursor_path, cursor_param, limit_param } = def.config;
      return {
        limitParam: limit_param,
        async request(state) {
          const req = empty();
          if (state?.cursor !== undefined) req.query[cursor_param] = state.cursor;
          return req;
        },
        async next(response) {
          const cursor = getPath(response.body, cursor_path);
          return cursor === undefined || cursor === null || cursor === '' ? null : { cursor };
        },
      };
    }
    case 'page': {
      const { page_param, limit_param, first_page, default_limit } = def.config;
      return {
        limitParam: limit_param,
        async request(state) {
          const req = empty();
          req.query[page_param] = (state?.page as number | undefined) ?? first_page;
          return req;
        },
        async next(_response, records, state, ctx) {
          const page = (state?.page as number | undefined) ?? first_page;
          return isFull(records, ctx.limit ?? default_limit) ? { page: page + 1 } : null;
        },
      };
    }
    case 'offset': {
      const { offset_param, limit_param } = def.config;
      return {
        limitParam: limit_param,
        async request(state) {
          const req = empty();
          req.query[offset_param] = (state?.offset as number | undefined) ?? 0;
          return req;
        },
        async next(_response, records, state, ctx) {
          const offset = (state?.offset as number | undefined) ?? 0;
          return isFull(records, ctx.limit) ? { offset: offset + records.length } : null;
        },
      };
    }
    case 'link_header': {
      return {
        limitParam: def.config.limit_param,
        async request(state, ctx) {
          const req = empty();
          if (typeof state?.url === 'string') {
            // The state came back in a next_cursor: the account's base URL may have changed since
            // it was issued. Never follow it to another origin (it would carry the account's
            // credentials there); the client restarts the listing instead.
            if (originOf(state.url) !== new URL(ctx.url).origin) {
              throw errors.staleCursor(
                "next_cursor points at a different upstream origin than the account's current base URL (it changed since the cursor was issued); restart the listing without next_cursor",
              );
            }
            req.url = state.url;
          }
          return req;
        },
        async next(response, _records, _state, ctx) {
          const next = parseLinkHeader(response.headers.link).next;
          if (!next) return null;
          const url = new URL(next, ctx.url);
          // Only same-origin links are followed: a provider must not steer our credentials elsewhere.
          return url.origin === new URL(ctx.url).origin ? { url: url.href } : null;
        },
      };
    }
    case 'range': {
      const { range_unit, default_limit } = def.config;
      return {
        async request(state, ctx) {
          const req = empty();
          const start = (state?.start as number | undefined) ?? 0;
          req.headers.range = `${range_unit}=${start}-${start + (ctx.limit ?? default_limit) - 1}`;
          return req;
        },
        async next(response, records, state) {
          const m = /(\d+)-(\d+)\/(\d+|\*)/.exec(response.headers['content-range'] ?? '');
          const start = (state?.start as number | undefined) ?? 0;
          if (!m) return null;
          const end = Number(m[2]);
          if (m[3] !== '*' && end + 1 >= Number(m[3])) return null;
          return records.length ? { start: Math.max(end + 1, start + records.length) } : null;
        },
      };
    }
    case 'dynamic': {
      const c = def.config;
      const scope = (ctx: PageContext, extra: Record<string, unknown> = {}) => ({ query: ctx.query, url: ctx.url, requestOptions: {}, ...extra });
      // The first page has no state yet: its values come from the initial expression, and the
      // next page's expression must see them as `paginationValues` too.
      const currentValues = async (state: PageState | undefined, ctx: PageContext) => {
        if (state) return state.values as Record<string, unknown> | undefined;
        if (!c.get_initial_pagination_values_expression) return undefined;
        return evaluate(c.get_initial_pagination_values_expression, scope(ctx), { label: 'pagination initial values', budget: ctx.budget });
      };
      return {
        async request(state, ctx) {
          const req = empty();
          const values = await currentValues(state, ctx);
          if (values && typeof values === 'object') Object.assign(req.query, values);
          return req;
        },
        async next(response, _records, state, ctx) {
          const paginationValues = (await currentValues(state, ctx)) ?? {};
          const s = scope(ctx, {
            response: { status: response.status, headers: response.headers, body: response.body },
            body: response.body,
            paginationValues,
          });
          const cursor = await evaluate(c.get_cursor_from_response_expression, s, { label: 'pagination cursor', budget: ctx.budget });
          const values = await evaluate(c.get_pagination_values_expression, { ...s, cursor }, { label: 'pagination values', budget: ctx.budget });
          if (cursor === undefined || cursor === null || values === null || values === undefined) return null;
          return { cursor, values };
        },
      };
    }
  }
}
