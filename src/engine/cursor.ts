import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { errors } from '../errors/catalogue.ts';

/**
 * `next_cursor`: base64url of `{"v":1,"p":…}` plus an HMAC tag, so clients cannot forge upstream
 * parameters, and bound to one account, model and resource (docs/contract.md §7). It never
 * carries credentials: only upstream paging state.
 */
export interface CursorScope {
  account: string;
  target: string;
}

export class CursorCodec {
  /** Imported once: createHmac with a raw Buffer copies and imports the key on every call. */
  private readonly key: KeyObject;

  constructor(secret: Buffer) {
    this.key = createSecretKey(secret);
  }

  encode(scope: CursorScope, state: unknown): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, a: scope.account, t: scope.target, p: state })).toString('base64url');
    return `${payload}.${this.tag(payload)}`;
  }

  decode(scope: CursorScope, cursor: string): unknown {
    const [payload, tag] = cursor.split('.');
    if (!payload || !tag) throw errors.invalidCursor();
    const expected = Buffer.from(this.tag(payload));
    const given = Buffer.from(tag);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw errors.invalidCursor();
    let parsed: { v?: number; a?: string; t?: string; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw errors.invalidCursor();
    }
    if (parsed.v !== 1 || parsed.a !== scope.account || parsed.t !== scope.target) throw errors.invalidCursor();
    return parsed.p;
  }

  private tag(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22);
  }
}
