import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ITEMS, startVocabServer, type VocabServer } from '../../test/fixtures/vocab/server.ts';
import { startCustomStack, type CustomStack } from '../../test/helpers/custom-stack.ts';

/**
 * The definition vocabulary over real sockets: every upstream pagination format surfaces as the
 * same opaque next_cursor, plus looping, caps, rate-limit and error expressions, authorization
 * formats, placeholders, steps and header mappings.
 */
const CATALOG = path.join(import.meta.dirname, '../../test/fixtures/vocab/catalog');
let upstream: VocabServer;
let stack: CustomStack;

before(async () => {
  upstream = await startVocabServer();
  stack = await startCustomStack(CATALOG, { TESSERA_IGNORE_LIMIT_MAX_PAGES: '4', TESSERA_UPSTREAM_MAX_RETRY_WAIT_S: '5' });
});
after(async () => {
  await stack?.close();
  await upstream?.close();
});

async function account(resource?: string, extraContext: Record<string, unknown> = {}): Promise<string> {
  const override = resource ? { 'usage-metering': { users: { list: { resource } } } } : {};
  const res = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({
      tenant_id: 't',
      integration: 'vocab',
      context: { api_key: 'k-123', ...extraContext },
      integration_override: { base_url: upstream.url },
      unified_model_override: override,
    }),
  });
  const body = (await res.json()) as { id: string; status: string };
  assert.equal(body.status, 'active');
  return body.id;
}

async function json(p: string, init?: RequestInit) {
  const res = await stack.api(p, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

async function collect(accountId: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = '';
  let pages = 0;
  do {
    const { status, body } = await json(
      `/unified/usage-metering/users?integrated_account_id=${accountId}&limit=${limit}&next_cursor=${encodeURIComponent(cursor ?? '')}`,
    );
    assert.equal(status, 200, JSON.stringify(body));
    ids.push(...body.result.map((r: { id: string }) => r.id));
    cursor = body.next_cursor;
    pages++;
  } while (cursor && pages < 20);
  return { ids, pages };
}

describe('every upstream pagination format pages to the end through next_cursor', () => {
  for (const [resource, limit] of [
    ['cursor_items', 5],
    ['page_items', 5],
    ['offset_items', 5],
    ['link_items', 5],
    ['range_items', 5],
    ['dynamic_items', 5],
  ] as const) {
    test(resource, async () => {
      const { ids, pages } = await collect(await account(resource), limit);
      assert.deepEqual(
        ids,
        ITEMS.map((i) => i.id),
      );
      assert.ok(pages >= 5, `${pages} pages`);
    });
  }
});

test('a provider returning the same cursor twice stops with is_partial_response', async () => {
  const id = await account('loop_items');
  const first = await json(`/unified/usage-metering/users?integrated_account_id=${id}`);
  assert.equal(typeof first.body.next_cursor, 'string');
  const second = await json(`/unified/usage-metering/users?integrated_account_id=${id}&next_cursor=${first.body.next_cursor}&truto_response_format=debug`);
  assert.equal(second.body.debug.isLooping, true);
  assert.equal(second.body.debug.nextCursor, null);
  const plain = await json(`/unified/usage-metering/users?integrated_account_id=${id}&next_cursor=${first.body.next_cursor}`);
  assert.equal(plain.body.is_partial_response, true);
  assert.equal(plain.body.next_cursor, null);
});

test('truto_ignore_limit follows pages up to the cap, then resumes from next_cursor', async () => {
  const id = await account('page_items');
  const capped = await json(`/unified/usage-metering/users?integrated_account_id=${id}&limit=5&truto_ignore_limit=true`);
  assert.equal(capped.body.result.length, 20, 'four pages of five');
  assert.equal(capped.body.is_partial_response, true);
  const rest = await json(`/unified/usage-metering/users?integrated_account_id=${id}&limit=5&truto_ignore_limit=true&next_cursor=${capped.body.next_cursor}`);
  assert.deepEqual(
    [...capped.body.result, ...rest.body.result].map((r: { id: string }) => r.id),
    ITEMS.map((i) => i.id),
  );
  assert.equal(rest.body.next_cursor, null);
});

test('truto_key_by takes a dotted path; later duplicates win', async () => {
  const id = await account('cursor_items');
  const { body } = await json(`/unified/usage-metering/users?integrated_account_id=${id}&limit=6&truto_key_by=organization.id`);
  assert.deepEqual(Object.keys(body.result).sort(), ['g0', 'g1', 'g2']);
  assert.equal(body.result.g0.id, 'item-04');
  assert.equal(body.result_count, 6);
});

test('side loads are mapped into each record', async () => {
  const id = await account('cursor_items');
  const { body } = await json(`/unified/usage-metering/users?integrated_account_id=${id}&limit=2`);
  assert.equal(body.result[0].organization.name, 'Group info');
});

test('rate_limit expressions: a provider-specific throttle is waited out and retried', async () => {
  const id = await account('throttled_items');
  const before = upstream.hits['/throttled/items'] ?? 0;
  const { status, body } = await json(`/unified/usage-metering/users?integrated_account_id=${id}`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.result.length, 3);
  assert.equal(upstream.hits['/throttled/items'] - before, 2);
});

test('a reset time beyond the retry budget becomes a 429 with Retry-After', async () => {
  const id = await account('throttled_long_items');
  const { status, headers, body } = await json(`/unified/usage-metering/users?integrated_account_id=${id}`);
  assert.equal(status, 429);
  assert.ok(Number(headers.get('retry-after')) > 3000);
  assert.equal(body.truto_is_remote_error, true);
});

test('error_expression shapes the remote error', async () => {
  const id = await account('failing_items');
  const { status, body } = await json(`/unified/usage-metering/users?integrated_account_id=${id}`);
  assert.equal(status, 409);
  assert.equal(body.message, 'widget is frozen');
  assert.deepEqual(body.raw_response, { errors: [{ detail: 'widget is frozen' }] });
});

test('placeholders (casts, defaults, fallbacks, $truto_merge), array format, steps and header mapping', async () => {
  const id = await account();
  const extra = encodeURIComponent(JSON.stringify({ merged: 'yes' }));
  const { status, body } = await json(`/unified/usage-metering/users/x?integrated_account_id=${id}&n=42&present=p&extra=${extra}&tags[]=a&tags[]=b&trace=t1`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.name, 'v7', 'before steps ran in order and bound their results');
  const sent = body.remote_data.query;
  assert.equal(sent.as_int, '42');
  assert.equal(sent.with_default, 'fallback');
  assert.equal(sent.with_fallback, 'p');
  assert.equal(sent.merged, 'yes');
  assert.deepEqual(sent['tags[]'], ['a', 'b']);
  assert.equal(body.remote_data.headers['x-trace'], 'trace-t1');
  assert.equal(body.remote_data.headers['x-api-key'], 'k-123');
});

test('authorization formats: header (name/value), basic, and a JSONata expression', async () => {
  const { callResource } = await import('./resource-call.ts');
  const { createExecution } = await import('./create-execution.ts');
  const id = await account(undefined, { user: 'ada' });
  const acct = (await stack.services.store.getIntegratedAccount(id))!;
  const { effectiveIntegration } = await import('../integrations/effective-integration.ts');
  const exec = createExecution({
    integration: effectiveIntegration(stack.services.catalog.getIntegration('vocab')!, acct),
    account: acct,
    services: stack.services.engineServices,
    config: stack.services.config.upstream,
  });
  const basic = await callResource(exec, { resource: 'echo', method: 'basic', role: 'main' });
  assert.equal((basic.data as any).headers.authorization, `Basic ${Buffer.from('ada:k-123').toString('base64')}`);
  const expression = await callResource(exec, { resource: 'echo', method: 'expression', role: 'main' });
  assert.equal((expression.data as any).headers['x-signed'], 'sig-k-123-');
});
