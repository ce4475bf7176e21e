import type { Context } from 'hono';
import { errors, type TesseraError } from '../errors/catalogue.ts';
import { isInheritedName, NAME_RULE, normaliseUuid } from '../query/safe-input.ts';

/**
 * Route parameters that name something (a model, resource, method or integration) or identify a
 * stored row, read through one gate. Names are looked up in plain objects all the way down
 * (models, definitions, mappings, overrides), where `constructor` or `__proto__` would find
 * Object's own members instead of nothing; a name like that, or one longer than any stored name,
 * is answered as the unknown thing it is, before any lookup.
 */
export type NameKind = 'model' | 'resource' | 'method' | 'integration' | 'proxy resource';

const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

function unknown(kind: NameKind, value: string): TesseraError {
  switch (kind) {
    case 'model':
      return errors.unknownModel(`Unknown unified model ${shown(value)}`);
    case 'resource':
      return errors.unknownModel(`Unknown unified resource ${shown(value)}`);
    case 'integration':
      return errors.integrationNotFound(`Integration ${shown(value)} not found`);
    default:
      return errors.methodNotSupported(`Unknown ${kind} ${shown(value)}`);
  }
}

/** A name as given, or the 404 its kind answers when no definition could ever hold it. */
export function checkName(value: string, kind: NameKind): string {
  if (!value || isInheritedName(value) || value.length > NAME_RULE.maxLength) throw unknown(kind, value);
  return value;
}

export function nameParam(c: Context, param: string, kind: NameKind): string {
  return checkName(c.req.param(param) ?? '', kind);
}

/** A UUID route parameter, lower-cased (ids may arrive upper-case), or the given 404. */
export function uuidParam(c: Context, param: string, notFound: (shownId: string) => TesseraError): string {
  const raw = c.req.param(param) ?? '';
  const id = normaliseUuid(raw);
  if (!id) throw notFound(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
  return id;
}
