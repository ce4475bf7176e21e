import { errors } from '../errors/catalogue.ts';

/**
 * The one JSON parser for request bodies. JSON.parse itself copes with any nesting, but what
 * runs after it does not: validation, merges, JSONata, JSON.stringify into the store all recurse,
 * and a body of 100,000 `[` overflows the stack in whichever comes first (a 500). So before
 * JSON.parse builds anything, one iterative pass over the text checks the grammar (to report the
 * position of the first mistake, which V8's messages only sometimes give), the depth, the number
 * of keys in each object, U+0000 (Postgres refuses it in text), and the property names that
 * would reach Object.prototype through a merge (`__proto__`, `constructor.prototype`).
 */
export const JSON_BODY_LIMITS = { maxDepth: 64, maxKeysPerObject: 10_000 } as const;

export function parseJsonBody(text: string, limits: { maxDepth: number; maxKeysPerObject: number } = JSON_BODY_LIMITS): unknown {
  if (!text.trim()) return undefined;
  new Scanner(text, limits).run();
  try {
    return JSON.parse(text);
  } catch (e) {
    // The scanner accepts only what JSON.parse accepts; this is a last line, never expected.
    throw errors.invalidBody(`Request body is not valid JSON: ${(e as Error).message}`);
  }
}

type Frame = { kind: 'object' | 'array'; keys: number; key?: string };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  private pos = 0;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly text: string,
    private readonly limits: { maxDepth: number; maxKeysPerObject: number },
  ) {}

  run(): void {
    this.value();
    for (;;) {
      this.skipSpace();
      const top = this.stack[this.stack.length - 1];
      if (!top) break;
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        if (top.kind === 'object') this.member(top);
        else this.value();
      } else if ((c === '}' && top.kind === 'object') || (c === ']' && top.kind === 'array')) {
        this.pos++;
        this.stack.pop();
      } else {
        this.fail(top.kind === 'object' ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
  }

  /** One value; a container is opened here and closed by run()'s loop. */
  private value(): void {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      const frame: Frame = { kind: c === '{' ? 'object' : 'array', keys: 0, key: this.pendingKey };
      this.pendingKey = undefined;
      if (this.stack.length >= this.limits.maxDepth) {
        throw errors.invalidBody(`Request body is nested deeper than ${this.limits.maxDepth} levels (at position ${this.pos})`);
      }
      this.stack.push(frame);
      this.pos++;
      this.skipSpace();
      const close = frame.kind === 'object' ? '}' : ']';
      if (this.text[this.pos] === close) {
        this.pos++;
        this.stack.pop();
      } else if (frame.kind === 'object') this.member(frame);
      else this.value();
      return;
    }
    this.pendingKey = undefined;
    if (c === '"') return void this.string(false);
    NUMBER.lastIndex = this.pos;
    if (NUMBER.exec(this.text)) return void (this.pos = NUMBER.lastIndex);
    for (const word of LITERALS) if (this.text.startsWith(word, this.pos)) return void (this.pos += word.length);
    this.fail(c === undefined ? 'unexpected end of input' : 'expected a value');
  }

  private pendingKey: string | undefined;

  /** `"key": value` inside an object. */
  private member(frame: Frame): void {
    this.skipSpace();
    if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
    const start = this.pos;
    const key = this.string(true);
    if (++frame.keys > this.limits.maxKeysPerObject) {
      throw errors.invalidBody(`Request body has an object with more than ${this.limits.maxKeysPerObject} keys (at position ${start})`);
    }
    if (key === '__proto__' || (key === 'prototype' && frame.key === 'constructor')) {
      throw errors.invalidBody(`Request body uses the property name "${key}" (at position ${start}), which is not accepted`);
    }
    this.skipSpace();
    if (this.text[this.pos] !== ':') this.fail("expected ':' after the property name");
    this.pos++;
    this.pendingKey = key;
    this.value();
  }

  /** A string literal from its opening quote; decoded only for keys (`"\u005f_proto__"` is `__proto__`). */
  private string(decode: boolean): string {
    const start = ++this.pos;
    let escaped = false;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail('unterminated string', start - 1);
      if (code === 0x22) break;
      if (code < 0x20) this.fail('control character in a string (escape it)');
      if (code === 0x5c) {
        escaped = true;
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          if (hex === '0000') this.fail('U+0000 is not accepted in strings');
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) this.fail('invalid escape');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    const raw = this.text.slice(start, this.pos);
    this.pos++;
    return decode && escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  private skipSpace(): void {
    while (WS.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private fail(what: string, at = this.pos): never {
    throw errors.invalidBody(`Request body is not valid JSON: ${what} at position ${at}`);
  }
}
