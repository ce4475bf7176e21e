import { NotCovered, tick } from './runtime.ts';
import { Callable, createSequence, JsonataError } from './values.ts';

/**
 * Regex literals and the functions that take a matcher ($contains, $match, $replace, $split), as
 * jsonata's evaluateRegex and its string functions do them, synchronously. A regex literal is a
 * fresh matcher closure each time it is evaluated (its own lastIndex), as in jsonata.
 */
interface MatchResult {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: () => MatchResult | undefined;
}
type Matcher = (str: string, fromIndex?: number) => MatchResult | undefined;

export function regexMatcher(source: RegExp, position?: number): Matcher {
  const re = new RegExp(source);
  const closure: Matcher = (str, fromIndex) => {
    re.lastIndex = fromIndex || 0;
    const m = re.exec(str);
    if (m === null) return undefined;
    const result: MatchResult = {
      match: m[0],
      start: m.index,
      end: m.index + m[0].length,
      groups: m.slice(1),
      next: () => {
        if (re.lastIndex >= str.length) return undefined;
        const next = closure(str, re.lastIndex);
        if (next && next.match === '') throw new JsonataError('D1004', source.source, { position });
        return next;
      },
    };
    return result;
  };
  return closure;
}

/** jsonata's evaluateMatcher: only regex closures (a lambda used as a matcher stays with the interpreter). */
function runMatcher(matcher: unknown, str?: string): MatchResult | undefined {
  if (matcher instanceof Callable || typeof matcher !== 'function') throw new NotCovered('a lambda as a matcher');
  const result = (matcher as (s?: string) => MatchResult | undefined)(str);
  if (result && !(typeof result.start === 'number' || Array.isArray(result.groups) || typeof result.next === 'function')) throw new JsonataError('T1010');
  return result;
}

export function containsMatch(str: string, token: unknown): boolean {
  return runMatcher(token, str) !== undefined;
}

export function match([str, regex, limit]: unknown[]): unknown {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw new JsonataError('D3040', limit, { index: 3 });
  const result = createSequence();
  if (limit === undefined || (limit as number) > 0) {
    let count = 0;
    let m = runMatcher(regex, str as string);
    while (m !== undefined && (limit === undefined || count < (limit as number))) {
      tick();
      result.push({ match: m.match, index: m.start, groups: m.groups });
      m = runMatcher(m.next);
      count++;
    }
  }
  return result;
}

export function splitMatch(str: string, separator: unknown, limit: number | undefined): string[] {
  const result: string[] = [];
  let count = 0;
  let m = runMatcher(separator, str);
  if (m === undefined) return [str];
  let start = 0;
  while (m !== undefined && (limit === undefined || count < limit)) {
    tick();
    result.push(str.substring(start, m.start));
    start = m.end;
    m = runMatcher(m.next);
    count++;
  }
  if (limit === undefined || count < limit) result.push(str.substring(start));
  return result;
}

/** `$replace` with a regex pattern and a string replacement ($0, $1… substituted as jsonata does). */
export function replaceMatch(str: string, pattern: unknown, replacement: string, limit: number | undefined): string {
  let result = '';
  let position = 0;
  let count = 0;
  let m = runMatcher(pattern, str);
  if (m === undefined) return str;
  while (m !== undefined && (limit === undefined || count < limit)) {
    tick();
    result += str.substring(position, m.start) + substitute(replacement, m);
    position = m.start + m.match.length;
    count++;
    m = runMatcher(m.next);
  }
  return result + str.substring(position);
}

function substitute(replacement: string, m: MatchResult): string {
  let out = '';
  let position = 0;
  let index = replacement.indexOf('$', position);
  while (index !== -1 && position < replacement.length) {
    out += replacement.substring(position, index);
    position = index + 1;
    const dollarVal = replacement.charAt(position);
    if (dollarVal === '$') {
      out += '$';
      position++;
    } else if (dollarVal === '0') {
      out += m.match;
      position++;
    } else {
      const maxDigits = m.groups.length === 0 ? 1 : Math.floor(Math.log(m.groups.length) * Math.LOG10E) + 1;
      let group = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && group > m.groups.length) group = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      if (!Number.isNaN(group)) {
        if (m.groups.length > 0) {
          const sub = m.groups[group - 1];
          if (sub !== undefined) out += sub;
        }
        position += group.toString().length;
      } else out += '$';
    }
    index = replacement.indexOf('$', position);
  }
  return out + replacement.substring(position);
}
