import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cursor, type ListEnvelope } from '../src/cursor.ts';

/**
 * Cursor edge cases that a healthy server does not produce on demand (sdk.test.ts walks real
 * lists): empty pages in the middle, a repeated cursor, a body that is not a list envelope.
 */

/** Pages keyed by the cursor that asks for them ('' is the first page); records every cursor sent. */
function pagesOf(pages: Record<string, ListEnvelope<number>>) {
  const sent: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined) => {
    sent.push(cursor);
    const page = pages[cursor ?? ''];
    if (!page) throw new Error(`no page for cursor ${cursor}`);
    return page;
  };
  return { sent, fetchPage };
}

test('empty pages with a next_cursor are followed; iteration ends at null', async () => {
  const { sent, fetchPage } = pagesOf({
    '': { result: [1, 2], next_cursor: 'b' },
    b: { result: [], next_cursor: 'c' },
    c: { result: [3], next_cursor: null },
  });
  const out: number[] = [];
  for await (const n of new Cursor(fetchPage)) out.push(n);
  assert.deepEqual(out, [1, 2, 3]);
  assert.deepEqual(sent, [undefined, 'b', 'c']);
});

test('first() skips leading empty pages and leaves the cursor where it was', async () => {
  const { sent, fetchPage } = pagesOf({
    '': { result: [], next_cursor: 'b' },
    b: { result: [7, 8], next_cursor: null },
  });
  const cursor = new Cursor(fetchPage);
  assert.equal(await cursor.first(), 7);
  assert.equal(cursor.nextCursor, undefined, 'not moved');
  assert.deepEqual(await cursor.toArray(), [7, 8]);
  assert.deepEqual(sent, [undefined, 'b', undefined, 'b']);
  assert.equal(await new Cursor(pagesOf({ '': { result: [], next_cursor: null } }).fetchPage).first(), undefined);
});

test('an empty-string next_cursor ends the list, like null', async () => {
  const { fetchPage } = pagesOf({ '': { result: [1], next_cursor: '' } });
  const cursor = new Cursor(fetchPage);
  assert.deepEqual(await cursor.next(), { items: [1], nextCursor: null, envelope: { result: [1], next_cursor: '' } });
  assert.equal(cursor.done, true);
});

test('a server that hands back the same cursor is stopped instead of looping forever', async () => {
  const { fetchPage } = pagesOf({ '': { result: [1], next_cursor: 'x' }, x: { result: [2], next_cursor: 'x' } });
  await assert.rejects(new Cursor(fetchPage).toArray(), /same next_cursor again/);
});

test('a body that is not a list envelope is a clear TypeError', async () => {
  const cursor = new Cursor<number>(async () => ({ result: { a: 1 } }) as unknown as ListEnvelope<number>);
  await assert.rejects(cursor.next(), /expected a list envelope/);
});

test('a start cursor is sent on the first request', async () => {
  const { sent, fetchPage } = pagesOf({ s: { result: [5], next_cursor: null } });
  assert.deepEqual(await new Cursor(fetchPage, 's').toArray(), [5]);
  assert.deepEqual(sent, ['s']);
});
