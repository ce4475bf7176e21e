import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_NEON_KEYS } from '../../src/providers/neon/simulator/default-seed.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { axeViolations, chromiumMissing } from './browser.ts';
import { launchChromium, maybeScreenshot, PHONE, signedInConsole } from './console-kit.ts';

/**
 * The console's Accounts page in Chromium against a real Tessera and the sandbox simulators:
 * the list matches GET /integrated-account, a filter narrows it and survives a reload, an
 * account's page shows its capabilities and never a credential, and a new Neon account is
 * connected through the hosted connect page and deleted again through the confirmation dialog.
 */
interface Account {
  id: string;
  tenant_id: string;
  status: string;
  integration: { name: string };
  context: Record<string, unknown>;
}

describe('console: accounts', { skip: chromiumMissing(), timeout: 120_000 }, () => {
  let stack: TestStack;
  let browser: Browser;

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await stack.api(path);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const labels = async () => {
    const installed = await get<{ result: { integration_id: string; integration: { label: string } }[] }>('/environment-integration');
    return new Map(installed.result.map((ei) => [ei.integration_id, ei.integration.label]));
  };
  const rows = (page: Page) => page.getByRole('table', { name: 'Integrated accounts' }).locator('tbody tr');
  const firstCells = async (page: Page) => (await rows(page).locator('td:first-child').allInnerTexts()).map((t) => t.trim()).sort();
  const waitForRowCount = async (page: Page, n: number) => {
    for (let i = 0; i < 50 && (await rows(page).count()) !== n; i++) await page.waitForTimeout(100);
    assert.equal(await rows(page).count(), n);
  };

  /** The values the server masks ("********") in the account's context, read unsealed from the store. */
  const secretsOf = async (id: string): Promise<string[]> => {
    const shown = await get<Account>(`/integrated-account/${id}`);
    const stored = (await stack.services.store.getIntegratedAccount(id))!.context;
    const masked = Object.keys(shown.context).filter((k) => shown.context[k] === '********');
    assert.ok(masked.length > 0, `${shown.integration.name}: the sandbox account has a credential`);
    return masked.map((k) => String(stored[k])).filter((v) => v.length >= 6);
  };

  test('list, filter, detail, connect through the hosted page, delete', async () => {
    const names = await labels();
    const all = (await get<{ result: Account[] }>('/integrated-account')).result;
    assert.ok(all.length >= 7, 'one sandbox account per simulator');

    const page = await signedInConsole(browser, stack, '/console/accounts');
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    await rows(page).first().waitFor();
    await waitForRowCount(page, all.length);
    assert.deepEqual(await firstCells(page), all.map((a) => names.get(a.integration.name) ?? a.integration.name).sort());
    assert.equal(await page.getByTestId('account-count').innerText(), String(all.length));
    assert.deepEqual(await axeViolations(page), []);
    await maybeScreenshot(page, 'accounts');

    // A server-side filter narrows the list, lands in the URL, and survives a reload.
    const neon = all.filter((a) => a.integration.name === 'neon');
    await page.getByLabel('Integration').selectOption('neon');
    await page.waitForURL(/integration_name=neon/);
    await waitForRowCount(page, neon.length);
    await page.reload();
    await rows(page).first().waitFor();
    await waitForRowCount(page, neon.length);
    assert.equal(await page.getByLabel('Integration').inputValue(), 'neon');
    assert.ok(!page.url().includes(stack.token), 'the token is never in the URL');

    // The search box filters what is loaded, client-side.
    await page.getByLabel('Integration').selectOption('');
    await waitForRowCount(page, all.length);
    await page.getByLabel('Search').fill(stack.accounts.openai.slice(0, 13));
    await waitForRowCount(page, 1);
    assert.deepEqual(await firstCells(page), [names.get('openai')]);
    await page.getByLabel('Search').fill('');
    await waitForRowCount(page, all.length);

    // Enter on a row opens the account.
    const openaiRow = rows(page).filter({ hasText: names.get('openai')! });
    await openaiRow.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/accounts/${stack.accounts.openai}$`));
    await page.getByRole('heading', { level: 1, name: `${names.get('openai')} account` }).waitFor();

    // Every sandbox account: capabilities as the API lists them, credentials nowhere in the page.
    for (const account of all) {
      if (page.url() !== `${stack.apiUrl}/console/accounts/${account.id}`) await page.goto(`${stack.apiUrl}/console/accounts/${account.id}`);
      const capabilities = await get<{ unified: unknown[] }>(`/integrated-account/${account.id}/capabilities`);
      await page.getByRole('heading', { name: 'Capabilities' }).waitFor();
      await page.getByText(`Tenant ${account.tenant_id}`, { exact: true }).waitFor();
      await page.getByRole('heading', { name: 'Context' }).waitFor();
      if (capabilities.unified.length) {
        const unified = page.getByRole('table', { name: 'Unified API' });
        await unified.waitFor();
        assert.equal(await unified.locator('tbody tr').count(), capabilities.unified.length, account.integration.name);
      }
      const html = await page.content();
      for (const secret of await secretsOf(account.id)) assert.ok(!html.includes(secret), `${account.integration.name}: a credential is on the page`);
      assert.ok(html.includes('••••••••'), `${account.integration.name}: credentials are shown masked`);
    }
    await page.goto(`${stack.apiUrl}/console/accounts/${stack.accounts.neon}`);
    await page.getByRole('table', { name: 'Unified API' }).waitFor();
    // The non-secret part of the context is shown (Neon's org_id), the key is not.
    const neonContext = (await stack.services.store.getIntegratedAccount(stack.accounts.neon))!.context;
    await page.getByText(String(neonContext.org_id), { exact: true }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await maybeScreenshot(page, 'account-detail');
    // An active account is re-checked with the provider (POST /integrated-account/{id}/validate, through the simulator).
    await page.getByRole('button', { name: 'Re-validate' }).click();
    await page.getByText('The provider accepted the credentials: the account is active.').waitFor();

    // Connect a new Neon account: console form → hosted connect page → back in the console.
    await page.goto(`${stack.apiUrl}/console/accounts`);
    await page.getByRole('button', { name: 'Connect an account' }).first().click();
    const panel = page.locator('#connect-panel');
    await panel.getByLabel('Tenant id').fill('console-e2e');
    await panel.getByLabel('Integration').selectOption('neon');
    await maybeScreenshot(page, 'connect');
    await panel.getByRole('button', { name: 'Continue to the connect page' }).click();
    await page.waitForURL(/\/connect-account\?link_token=/);
    await page.getByLabel('API key (required)').fill(DEFAULT_NEON_KEYS.org);
    await page.getByRole('button', { name: 'Connect Neon' }).click();
    await page.waitForURL(/\/console\/accounts\?connected=1&integrated_account_id=/, { timeout: 15_000 });
    await page.getByText(`${names.get('neon')} account connected.`).waitFor();

    const created = (await get<{ result: Account[] }>('/integrated-account?tenant_id=console-e2e')).result;
    assert.equal(created.length, 1);
    assert.equal(created[0].status, 'active', 'validated at the simulator through the environment override');
    assert.ok(page.url().includes(created[0].id));
    await waitForRowCount(page, all.length + 1);
    const newRow = rows(page).filter({ hasText: 'console-e2e' });
    assert.equal(await newRow.count(), 1);
    assert.match(await newRow.innerText(), /Active/);
    assert.ok(!(await page.content()).includes(DEFAULT_NEON_KEYS.org));

    // Delete it through the dialog: Escape cancels and gives focus back, the confirm deletes.
    await page.getByRole('link', { name: 'Open the new account' }).click();
    await page.waitForURL(new RegExp(`/console/accounts/${created[0].id}$`));
    const del = page.getByRole('button', { name: 'Delete', exact: true });
    await del.click();
    const dialog = page.getByRole('dialog', { name: 'Delete this account?' });
    await dialog.waitFor();
    assert.equal(await page.evaluate('document.activeElement.textContent.trim()'), 'Cancel');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate('document.querySelector("dialog[open]").contains(document.activeElement)'), 'focus stays in the dialog');
    }
    assert.deepEqual(await axeViolations(page), []);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate('document.activeElement.textContent.trim()'), 'Delete', 'focus returns to the Delete button');
    assert.equal((await stack.api(`/integrated-account/${created[0].id}`)).status, 200, 'cancel deletes nothing');

    await del.click();
    await dialog.getByRole('button', { name: 'Delete the account' }).click();
    await page.waitForURL(/\/console\/accounts\?deleted=1$/);
    await page.getByText('The account was deleted.').waitFor();
    await waitForRowCount(page, all.length);
    assert.equal(await rows(page).filter({ hasText: 'console-e2e' }).count(), 0);
    assert.equal((await stack.api(`/integrated-account/${created[0].id}`)).status, 404);
    await page.context().close();
  });

  test('at phone width: an unknown account shows the API message, a refused account re-validated, no overflow', async () => {
    const page = await signedInConsole(browser, stack, '/console/accounts/00000000-0000-4000-8000-000000000000', PHONE);
    const alert = page.getByRole('alert').filter({ hasText: 'not found' }).first();
    await alert.waitFor();
    const expected = (await (await stack.api('/integrated-account/00000000-0000-4000-8000-000000000000')).json()) as { message: string };
    assert.ok((await alert.innerText()).includes(expected.message));

    // A refused account: the status filter finds it, Re-validate asks the provider again (POST …/validate) and shows why it still fails.
    // Its context also has a key the server does not treat as a credential: the console masks it all the same.
    const unmaskedByServer = 'lk-console-must-hide-0042';
    const broken = await stack.connect(
      'neon',
      { tenant_id: 'broken-key', context: { api_key: 'napi_not_a_real_key_0000', license_key: unmaskedByServer } },
      '?keep_on_validation_error=true',
    );
    const shown = (await (await stack.api(`/integrated-account/${broken}`)).json()) as Account;
    assert.equal(shown.context.license_key, unmaskedByServer, 'precondition: the API returns this key as it is');
    await page.goto(`${stack.apiUrl}/console/accounts?status=validation_error`);
    await rows(page).first().waitFor();
    await waitForRowCount(page, 1);
    assert.match(await rows(page).first().innerText(), /broken-key/);
    await rows(page).first().click();
    await page.waitForURL(new RegExp(`/console/accounts/${broken}$`));
    await page.getByRole('heading', { name: 'Context' }).waitFor();
    await page.getByText('license_key', { exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(unmaskedByServer), 'a secret-looking key is masked by the console itself');
    await page.getByRole('button', { name: 'Re-validate' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'The provider refused the credentials:' });
    await refused.waitFor();
    const after = (await (await stack.api(`/integrated-account/${broken}`)).json()) as { status: string; last_error: string };
    assert.equal(after.status, 'validation_error');
    assert.ok((await refused.innerText()).includes(after.last_error), 'the verdict is the one the API recorded');

    for (const path of ['/console/accounts', `/console/accounts/${stack.accounts.neon}`]) {
      await page.goto(stack.apiUrl + path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('table').first().waitFor();
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      assert.ok(overflow <= 0, `${path}: ${overflow}px of horizontal overflow at 390 px`);
    }
    await page.context().close();
  });
});
