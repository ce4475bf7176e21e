import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startReceiver, type TestReceiver } from '../../src/services/webhooks/receiver.test-kit.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { axeViolations, chromiumMissing } from './browser.ts';
import { launchChromium, maybeScreenshot, PHONE, signedInConsole } from './console-kit.ts';

/**
 * The console's API explorer and Logs pages in Chromium, against a real Tessera and the sandbox
 * simulators: a call made from the explorer answers what the API answers, its curl carries no
 * token, and the same call is then found in the Logs page with its upstream calls.
 */
describe('console: API explorer → Logs', { skip: chromiumMissing(), timeout: 60_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let receiver: TestReceiver;

  before(async () => {
    [stack, browser, receiver] = await Promise.all([startTestStack(), launchChromium(), startReceiver([503])]);
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await stack?.close();
  });

  const json = async (path: string) => {
    const res = await stack.api(path);
    assert.equal(res.status, 200, path);
    return (await res.json()) as Record<string, any>;
  };

  const noHorizontalOverflow = async (page: Page) =>
    assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `${page.url()} scrolls sideways`);

  test('an explorer call, checked against the API, then found in the logs with its upstream calls', async () => {
    const neon = stack.accounts.neon;
    const page = await signedInConsole(browser, stack, '/console/explorer');
    await page.getByRole('heading', { level: 1, name: 'API explorer' }).waitFor();

    await page.getByLabel('Integrated account', { exact: true }).selectOption(neon);
    await page.getByLabel('Model', { exact: true }).selectOption('usage-metering');
    await page.getByLabel('Resource', { exact: true }).selectOption('users');
    await page.getByLabel('Method', { exact: true }).selectOption('list');
    // The published schema's parameters, each a labelled input with its description.
    for (const name of ['truto_response_format', 'truto_exclude_fields', 'remote_query', 'next_cursor']) {
      assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, `an input for ${name}`);
    }
    await page.getByLabel('limit', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('response-status').filter({ hasText: '200' }).waitFor();

    const shown = JSON.parse((await page.getByTestId('response-body').textContent()) ?? '') as { result: unknown[] };
    const expected = await json(`/unified/usage-metering/users?integrated_account_id=${neon}&limit=2`);
    assert.equal(shown.result.length, 2);
    assert.deepEqual(shown.result, expected.result, 'the page shows the records the API returns');
    assert.match((await page.getByTestId('response-time').textContent()) ?? '', /^\d+ ms$/);

    const curl = (await page.getByTestId('snippet-curl').textContent()) ?? '';
    assert.ok(curl.includes(`/unified/usage-metering/users?integrated_account_id=${neon}&limit=2`), curl);
    assert.ok(curl.includes('$TESSERA_TOKEN'), curl);
    assert.ok(!curl.includes(stack.token), 'the curl text never holds the token');
    await page.getByRole('tab', { name: 'tessera CLI' }).click();
    assert.equal(
      (await page.getByTestId('snippet-cli').textContent())?.trim(),
      `tessera unified usage-metering users -a ${neon} -q limit=2 -o json`,
      'the CLI form of docs/cli.md',
    );
    const shared = new URL(page.url());
    assert.equal(shared.searchParams.get('account'), neon);
    assert.equal(shared.searchParams.get('q.limit'), '2');
    assert.ok(!page.url().includes(stack.token));

    const requestId = (await page.locator('td[data-header="x-request-id"]').textContent()) ?? '';
    assert.match(requestId, /\S{8,}/, 'the response headers are shown');
    assert.deepEqual(await axeViolations(page), [], 'explorer: no serious or critical axe violation');
    await page.evaluate('window.scrollTo(0, 0)');
    await maybeScreenshot(page, 'explorer');

    // The logs: the same call, filtered to the account; rows reach the database in batches, so refresh until it is there.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Logs' }).waitFor();
    await page.getByRole('tab', { name: 'API requests' }).click();
    await page.getByLabel('Integrated account', { exact: true }).selectOption(neon);
    const row = page.getByRole('row').filter({ hasText: requestId });
    for (let i = 0; i < 30 && !(await row.count()); i++) {
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('button', { name: 'Refresh' }).waitFor();
    }
    assert.equal(await row.count(), 1, 'the explorer call is in the Logs table');
    const rowText = (await row.textContent()) ?? '';
    assert.ok(rowText.includes('200') && rowText.includes('/unified/usage-metering/users'), rowText);
    assert.equal(new URL(page.url()).searchParams.get('account'), neon, 'the filters are in the URL');
    await maybeScreenshot(page, 'logs');
    // The status classes are sent as GET /log's status[in] lists: 4xx hides the call, 2xx shows it again.
    await page.getByLabel('Status', { exact: true }).selectOption('4xx');
    await page.getByText('No request in this range').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('status'), '4xx');
    await page.getByLabel('Status', { exact: true }).selectOption('2xx');
    await row.waitFor();

    const logged = (await json(`/log?log_type=unified_proxy_api&log_type_filter[request_id]=${encodeURIComponent(requestId)}`)).result[0];
    assert.ok(logged.upstream.length > 0);
    await row.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Request' });
    await dialog.waitFor();
    assert.ok(((await dialog.textContent()) ?? '').includes(requestId));
    assert.equal(await dialog.locator('table.log-upstream tbody tr').count(), logged.upstream.length, 'every upstream call of the record');
    for (const u of logged.upstream) assert.ok(((await dialog.textContent()) ?? '').includes(u.url));
    assert.deepEqual(await axeViolations(page), [], 'logs with the detail open: no serious or critical axe violation');
    await maybeScreenshot(page, 'logs-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await row.evaluate((el: any) => el === el.ownerDocument.activeElement), true, 'closing gives focus back to the row');
    assert.deepEqual(await axeViolations(page), [], 'logs: no serious or critical axe violation');

    // Webhook deliveries: a test event the receiver refuses (503), then one it accepts; each attempt is a row.
    const post = async (path: string, body: unknown) =>
      (await stack.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
    const hook = await post('/webhook', { target_url: receiver.url, event_types: ['integrated_account:created'] });
    const refused = await post('/webhook/test', { id: hook.id });
    const accepted = await post('/webhook/test', { id: hook.id });
    assert.deepEqual([refused.status, accepted.status], [503, 200]);
    await page.getByRole('tab', { name: 'Webhook deliveries' }).click();
    await page.getByLabel('Integrated account', { exact: true }).selectOption('');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    for (const [delivery, status] of [
      [refused.delivery_id, '503'],
      [accepted.delivery_id, '200'],
    ]) {
      const deliveryRow = page.getByRole('row').filter({ hasText: delivery });
      await deliveryRow.waitFor();
      const text = (await deliveryRow.textContent()) ?? '';
      assert.ok(text.includes('webhook:test') && text.includes(status) && text.includes(new URL(receiver.url).pathname), text);
    }
    assert.equal(new URL(page.url()).searchParams.get('type'), 'webhook');
    assert.deepEqual(await axeViolations(page), [], 'webhook deliveries: no serious or critical axe violation');
    await page.context().close();

    // A phone's width: neither page scrolls sideways (tables scroll inside their own box).
    const phone = await signedInConsole(browser, stack, `/console/explorer?account=${neon}&model=usage-metering&resource=users&method=list`, PHONE);
    await phone.getByRole('button', { name: 'Send' }).click();
    await phone.getByTestId('response-status').filter({ hasText: '200' }).waitFor();
    await noHorizontalOverflow(phone);
    await phone.goto(`${stack.apiUrl}/console/logs?account=${neon}`);
    await phone.getByRole('row').nth(1).waitFor();
    await noHorizontalOverflow(phone);
    await phone.context().close();
  });
});
