import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

/**
 * Lists that follow every page are written as pages arrive (docs/contract.md §5.2, §5.4): the
 * first bytes leave before the last page is read, an error before them is an ordinary error
 * response, and an error after them closes the body the documented way.
 */
let stack: TestStack;
let sim: string;
let account: string;

type Json = Record<string, any>;
const usersUrl = (query: string) => `/unified/usage-metering/users?integrated_account_id=${account}&${query}`;

async function fault(spec: Record<string, unknown>) {
  const res = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.ok(res.ok, await res.text());
}

/** The body as it arrives: the ms at which its first bytes came, and all of it. */
async function readTimed(res: Response, started: number): Promise<{ firstMs: number; text: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let firstMs = -1;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { firstMs, text };
    if (firstMs < 0) firstMs = Date.now() - started;
    text += decoder.decode(value, { stream: true });
  }
}

before(async () => {
  stack = await startTestStack();
  sim = simulatorOrigin(stack.simulators.neon);
  account = stack.accounts.neon;
});
afterEach(async () => {
  await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
});
after(async () => {
  await stack?.close();
});

describe('truto_ignore_limit', () => {
  test('is the same document as before, written as the pages arrive', async () => {
    // Every page of 3 members, then the invitations phase, which waits 1.2 s for the provider.
    const paged = [] as Json[];
    let cursor = '';
    do {
      const page = (await (await stack.api(usersUrl(`limit=3${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`))).json()) as Json;
      paged.push(...page.result);
      cursor = page.next_cursor ?? '';
    } while (cursor);
    await fault({ path: '/api/v2/organizations/*/invitations', delay_ms: 1200, count: 2 });
    const started = Date.now();
    const res = await stack.api(usersUrl('limit=3&truto_ignore_limit=true'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    const { firstMs, text } = await readTimed(res, started);
    const total = Date.now() - started;
    assert.ok(total >= 1200, `the invitations phase waited (${total} ms)`);
    assert.ok(firstMs < total - 800, `the first members were sent (${firstMs} ms) long before the end (${total} ms)`);
    const body = JSON.parse(text) as Json;
    assert.deepEqual(Object.keys(body), ['result', 'next_cursor', 'prev_cursor', 'result_count']);
    assert.deepEqual(body.result, paged);
    assert.equal(body.result_count, paged.length);
    assert.equal(body.next_cursor, null);
  });

  test('truto_key_by and raw keep their meaning', async () => {
    const all = (await (await stack.api(usersUrl('limit=4&truto_ignore_limit=true'))).json()) as Json;
    const keyed = (await (
      await stack.api(usersUrl('limit=4&truto_ignore_limit=true&truto_key_by=organization.id&truto_exclude_fields=remote_data'))
    ).json()) as Json;
    // One organization: every record has the same key and the last one wins.
    const last = { ...all.result.at(-1) };
    delete last.remote_data;
    assert.deepEqual(keyed.result, { [last.organization.id]: last });
    assert.equal(keyed.result_count, all.result_count);
    const raw = (await (await stack.api(usersUrl('limit=4&truto_ignore_limit=true&truto_response_format=raw'))).json()) as Json;
    assert.deepEqual(
      raw.result,
      all.result.map((u: Json) => u.remote_data),
    );
  });

  test('an error before the first byte is an ordinary error response', async () => {
    await fault({ path: '/api/v2/organizations/*/members', status: 400, body: { code: '', message: 'bad cursor' } });
    const res = await stack.api(usersUrl('limit=3&truto_ignore_limit=true'));
    assert.equal(res.status, 400);
    const body = (await res.json()) as Json;
    assert.equal(body.truto_is_remote_error, true);
  });

  test('an error after it ends the document as partial, with the error and a cursor that resumes at the failed page', async () => {
    await fault({ path: '/api/v2/organizations/*/invitations', status: 400, body: { code: '', message: 'invitations are down' } });
    const res = await stack.api(usersUrl('limit=3&truto_ignore_limit=true'));
    assert.equal(res.status, 200);
    const body = JSON.parse(await res.text()) as Json;
    assert.equal(body.is_partial_response, true);
    assert.equal(body.truto_stream_error.statusCode, 400);
    assert.match(body.truto_stream_error.message, /invitations are down/);
    assert.ok(body.result.length > 3 && body.result.every((u: Json) => u.status !== 'invited'), 'every member page came before the error');
    assert.equal(body.result_count, body.result.length);
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
    const resumed = (await (await stack.api(usersUrl(`limit=3&next_cursor=${encodeURIComponent(body.next_cursor)}`))).json()) as Json;
    assert.ok(resumed.result.length > 0 && resumed.result.every((u: Json) => u.status === 'invited'), 'the cursor resumes at the invitations');
  });
});

describe('truto_response_format=stream', () => {
  test('an error after the first line ends the stream with a truto_stream_error line', async () => {
    await fault({ path: '/api/v2/organizations/*/invitations', status: 400, body: { code: '', message: 'invitations are down' } });
    const res = await stack.api(usersUrl('limit=3&truto_response_format=stream'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    assert.ok(lines.length > 3);
    assert.equal(lines.at(-1)!.truto_stream_error.statusCode, 400);
    assert.ok(lines.slice(0, -1).every((l) => typeof l.id === 'string' && l.status !== 'invited'));
  });

  test('an error before it is an ordinary error response', async () => {
    await fault({ path: '/api/v2/organizations/*/members', status: 400, body: { code: '', message: 'bad' } });
    const res = await stack.api(usersUrl('limit=3&truto_response_format=stream'));
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Json).truto_is_remote_error, true);
  });
});
