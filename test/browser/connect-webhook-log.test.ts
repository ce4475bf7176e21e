import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEFAULT_NEON_KEYS } from '../../src/providers/neon/simulator/default-seed.ts';
import { startReceiver, type TestReceiver } from '../../src/services/webhooks/receiver.test-kit.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from './browser.ts';

/**
 * The whole platform path a team moving from Truto walks, in one story: an end customer connects
 * Neon on the hosted page in a real Chromium; the application's webhook receives the signed
 * `integrated_account:created` and `:active` events for that account; the application calls the
 * unified API with an integrated-account token; GET /log shows those calls and the deliveries.
 */
describe('connect in Chromium → signed webhook → unified call → request log', { skip: chromiumMissing(), timeout: 90_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let receiver: TestReceiver;

  before(async () => {
    const { chromium } = await import('playwright-core');
    [stack, browser, receiver] = await Promise.all([
      startTestStack({ TESSERA_WEBHOOK_POLL_MS: '100' }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }),
      startReceiver(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await stack?.close();
  });

  const post = async (path: string, body: unknown, token?: string) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const res = token
      ? await fetch(`${stack.apiUrl}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } })
      : await stack.api(path, init);
    const json = (await res.json()) as Record<string, any>;
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(json)}`);
    return json;
  };

  test('one account, end to end', async () => {
    const hook = await post('/webhook', { target_url: receiver.url, event_types: ['integrated_account:created', 'integrated_account:active'] });
    const link = await post('/link-token', { tenant_id: 'e2e-tenant', integration: 'neon', integration_override: { base_url: stack.simulators.neon } });

    const page = await (await browser.newContext()).newPage();
    await page.goto(link.connect_url);
    await page.getByLabel('API key (required)').fill(DEFAULT_NEON_KEYS.org);
    await page.getByRole('button', { name: 'Connect Neon' }).click();
    await page.getByRole('heading', { name: 'Neon is connected' }).waitFor();

    const listed = (await (await stack.api('/integrated-account?tenant_id=e2e-tenant')).json()) as { result: { id: string; status: string }[] };
    assert.equal(listed.result.length, 1);
    const accountId = listed.result[0].id;
    assert.equal(listed.result[0].status, 'active');

    // Both events arrive, signed with the secret shown once at creation, about this account.
    const events = await receiver.waitFor(2, (r) => r.body.payload?.id === accountId, 15_000);
    assert.deepEqual(events.map((e) => e.body.event).sort(), ['integrated_account:active', 'integrated_account:created']);
    for (const e of events) {
      assert.ok(receiver.verified(e, hook.secret), `${e.body.event} carries a valid X-Truto-Signature`);
      assert.equal(e.body.payload.context.api_key, '********', 'the payload never carries the credential');
      assert.ok(!e.raw.toString('utf8').includes(DEFAULT_NEON_KEYS.org));
    }

    // The application acts for the customer with a token that reaches this account only.
    const { integrated_account_token: token } = await post('/integrated-account/token', { integrated_account_id: accountId });
    const users = await fetch(`${stack.apiUrl}/unified/usage-metering/users?limit=5`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'e2e-users' },
    });
    assert.equal(users.status, 200, await users.clone().text());
    assert.ok(((await users.json()) as { result: unknown[] }).result.length > 0);

    // The request log has the call (rows are written in batches off the request path: poll briefly).
    let logged: Record<string, any>[] = [];
    for (let i = 0; i < 40 && !logged.length; i++) {
      const res = await stack.api(`/log?log_type=unified_proxy_api&log_type_filter[integrated_account_id]=${accountId}`);
      assert.equal(res.status, 200);
      logged = ((await res.json()) as { result: Record<string, any>[] }).result;
      if (!logged.length) await new Promise((r) => setTimeout(r, 100));
    }
    const call = logged.find((l) => l.request.request_id === 'e2e-users');
    assert.ok(call, `the unified call is in GET /log: ${JSON.stringify(logged)}`);
    assert.equal(call.response.status, 200);
    assert.equal(call.integration, 'neon');
    const page1 = JSON.stringify(logged);
    for (const secret of [token, stack.token, DEFAULT_NEON_KEYS.org]) assert.ok(!page1.includes(secret), 'no token or credential in the log');

    // And the deliveries, as webhook log rows.
    const deliveries = (await (await stack.api('/log?log_type=webhook')).json()) as { result: Record<string, any>[] };
    assert.ok(deliveries.result.length >= 2, JSON.stringify(deliveries.result));
  });
});
