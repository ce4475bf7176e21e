import { tick } from './runtime.ts';
import { createSequence, deepEqual, isNumeric, JsonataError, toJsonataString } from './values.ts';

/** jsonata's binary operators (evaluateNumericExpression and its siblings), with its error codes. */

export function numeric(lhs: unknown, rhs: unknown, op: string): number | undefined {
  if (lhs !== undefined && !isNumeric(lhs)) throw new JsonataError('T2001', lhs);
  if (rhs !== undefined && !isNumeric(rhs)) throw new JsonataError('T2002', rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  const l = lhs as number;
  const r = rhs as number;
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    default:
      return l % r;
  }
}

export function equality(lhs: unknown, rhs: unknown, op: string): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return op === '=' ? deepEqual(lhs, rhs) : !deepEqual(lhs, rhs);
}

export function comparison(lhs: unknown, rhs: unknown, op: string): boolean | undefined {
  const lt = typeof lhs;
  const rt = typeof rhs;
  const lcomparable = lt === 'undefined' || lt === 'string' || lt === 'number';
  const rcomparable = rt === 'undefined' || rt === 'string' || rt === 'number';
  if (!lcomparable || !rcomparable) throw new JsonataError('T2010', !(lt === 'string' || lt === 'number') ? lhs : rhs);
  if (lt === 'undefined' || rt === 'undefined') return undefined;
  if (lt !== rt) throw new JsonataError('T2009', lhs, { value2: rhs });
  const l = lhs as number;
  const r = rhs as number;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

export function includes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const list = Array.isArray(rhs) ? rhs : [rhs];
  for (const item of list) if (item === lhs) return true;
  return false;
}

export function concat(lhs: unknown, rhs: unknown): string {
  return (lhs === undefined ? '' : toJsonataString(lhs)!) + (rhs === undefined ? '' : toJsonataString(rhs)!);
}

export function range(lhs: unknown, rhs: unknown): unknown[] | undefined {
  if (lhs !== undefined && !Number.isInteger(lhs)) throw new JsonataError('T2003', lhs);
  if (rhs !== undefined && !Number.isInteger(rhs)) throw new JsonataError('T2004', rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  const l = lhs as number;
  const r = rhs as number;
  if (l > r) return undefined;
  const size = r - l + 1;
  if (size > 1e7) throw new JsonataError('D2014', size);
  const result = createSequence();
  result.length = size;
  for (let item = l, i = 0; item <= r; item++, i++) {
    if ((i & 1023) === 0) tick();
    result[i] = item;
  }
  return result;
}

export function negate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (isNumeric(value)) return -value;
  throw new JsonataError('D1002', value);
}
