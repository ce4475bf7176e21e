import { dropUnresolved, renderValue } from '../../engine/placeholders.ts';
import { errors } from '../../errors/catalogue.ts';
import { parseQueryString } from '../../query/unified-query.ts';
import type { PlannedResource } from './plan.ts';

/**
 * The placeholders of a batch (docs/batch.md): `{{args.x}}` is the batch's `args`;
 * `{{resources.<key path>.x}}` is the current record of the dependency (Truto's documented form:
 * `ticketing/tickets` is reached as `resources.ticketing.tickets`); `{{loop.x}}` is the current
 * element of `loop_on`. The templating is the one integration definitions use (engine/placeholders.ts),
 * so casts such as `{{args.limit:int}}` and fallbacks work the same.
 */

export type BatchScope = Record<string, unknown>;

/** The scope one run of a resource sees. */
export function runScope(args: Record<string, unknown>, dependencyKey?: string, record?: unknown, loopItem?: unknown): BatchScope {
  const scope: BatchScope = { args };
  if (dependencyKey !== undefined) scope.resources = nest(dependencyKey.split('/'), record);
  if (loopItem !== undefined) scope.loop = loopItem;
  return scope;
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  return { [head]: rest.length ? nest(rest, value) : value };
}

const WHOLE = /^\s*\{\{\s*([^{}|?:]+?)\s*\}\}\s*$/;

/**
 * `loop_on`'s value under a scope: `{{resources.x.items}}` or the bare path `resources.x.items`.
 * Resolved by walking the path rather than by templating, since a placeholder renders an array as
 * text unless it is cast. An array loops over its elements; nothing (undefined, null) runs nothing;
 * any other value is one element.
 */
export function loopElements(loopOn: string, scope: BatchScope): unknown[] {
  const path = (WHOLE.exec(loopOn)?.[1] ?? loopOn).trim();
  let value: unknown = scope;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return [];
    value = (value as Record<string, unknown>)[segment];
  }
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export interface RenderedCall {
  id?: string;
  query: Record<string, unknown>;
  body?: unknown;
}

/** The id, query and body of one run with its placeholders filled; an id that stays unresolved is refused. */
export function renderCall(r: PlannedResource, scope: BatchScope): RenderedCall {
  const rawQuery = typeof r.query === 'string' ? parseQueryString(r.query) : r.query;
  const query = dropUnresolved(renderValue(rawQuery, scope));
  let body = r.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      throw errors.invalidBody(`The body of batch resource ${r.key} is a string that is not JSON; send an object, or a JSON text`);
    }
  }
  body = renderValue(body, scope);
  let id: string | undefined;
  if (r.id !== undefined) {
    const rendered = renderValue(r.id, scope) as unknown;
    if (rendered === undefined || rendered === null || rendered === '' || (typeof rendered === 'string' && rendered.includes('{{'))) {
      throw errors.badRequest(`The id of batch resource ${r.key} (${r.id}) resolved to nothing; check the placeholder against its dependency's records`);
    }
    id = typeof rendered === 'object' ? JSON.stringify(rendered) : String(rendered as string | number);
  }
  return { id, query, body };
}
