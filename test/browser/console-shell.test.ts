import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { axeViolations, chromiumMissing } from './browser.ts';
import { DESKTOP, launchChromium, maybeScreenshot, PHONE, signedInConsole } from './console-kit.ts';

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'console', 'dist', 'assets');

/**
 * The console's shell in Chromium (docs/console.md): sign-in with the API's own refusal, the token
 * kept in sessionStorage only (never in a URL, the page or a request line), the header and
 * navigation, the keyboard path, axe, a phone's width, layout shift, and sign-out. The pages
 * behind the navigation have their own tests (console-*.test.ts).
 */
describe('the web console shell', { skip: chromiumMissing(), timeout: 120_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let environmentName = '';

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
    const env = (await (await stack.api('/environment')).json()) as { result: { name: string }[] };
    environmentName = env.result[0].name;
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Every URL the page requests, and the text of the page, must never hold the token. */
  function recordRequests(page: Page): string[] {
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    return urls;
  }

  const sessionKeys = (page: Page) => page.evaluate('Object.keys(sessionStorage)') as Promise<string[]>;
  const storedValues = (page: Page) => page.evaluate('Object.values(sessionStorage)') as Promise<string[]>;

  test('a wrong token shows the API message and stores nothing; the right one opens the console and stays across a reload', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(`${stack.apiUrl}/console/accounts`);
    await maybeScreenshot(page, 'sign-in');

    // The label, the field type and the button a person (and console-kit's signedInConsole) uses.
    const field = page.getByLabel('API token');
    assert.equal(await field.getAttribute('type'), 'password');

    const wrong = 'tsk_not_a_real_token_0000000000';
    const refusal = (await (await fetch(`${stack.apiUrl}/environment`, { headers: { authorization: `Bearer ${wrong}` } })).json()) as { message: string };
    await field.fill(wrong);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: refusal.message }).waitFor();
    assert.equal((await alert.textContent())?.trim(), refusal.message);
    assert.deepEqual(await sessionKeys(page), [], 'a refused token is not stored');
    assert.equal(await page.getByRole('navigation', { name: 'Console' }).count(), 0);

    await field.fill(stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.waitFor();
    await page.getByRole('banner').getByText(environmentName, { exact: true }).waitFor();
    for (const name of ['Accounts', 'Seats and spend', 'API explorer', 'Logs'])
      assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, name);
    assert.equal(await nav.getByRole('link', { name: 'Accounts' }).getAttribute('aria-current'), 'page');
    assert.equal(await page.getByRole('main').count(), 1);
    assert.ok((await storedValues(page)).includes(stack.token), 'the token is in sessionStorage');
    const local = (await page.evaluate('Object.values(localStorage)')) as string[];
    assert.ok(!local.some((v) => v.includes(stack.token)), 'never in localStorage');

    // Navigation moves aria-current and keeps the session; a reload keeps the person signed in.
    await nav.getByRole('link', { name: 'Logs' }).click();
    await page.waitForURL(/\/console\/logs$/);
    assert.equal(await nav.getByRole('link', { name: 'Logs' }).getAttribute('aria-current'), 'page');
    assert.equal(await nav.getByRole('link', { name: 'Accounts' }).getAttribute('aria-current'), null);
    await page.reload();
    await nav.waitFor();
    await page.getByRole('banner').getByText(environmentName, { exact: true }).waitFor();
    assert.equal(await page.getByLabel('API token').count(), 0);

    // Never in the address, the page or any request.
    await page.waitForLoadState('networkidle');
    assert.ok(!page.url().includes(stack.token));
    const html = await page.content();
    const text = await page.evaluate('document.body.innerText');
    assert.ok(!html.includes(stack.token) && !String(text).includes(stack.token), 'the token is not in the DOM');
    assert.ok(requests.length > 0);
    assert.deepEqual(
      requests.filter((u) => u.includes(stack.token)),
      [],
    );
    t.diagnostic(`${requests.length} requests recorded, none carrying the token in its URL`);

    // Sign out: back to the form, nothing left in sessionStorage.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    assert.deepEqual(await sessionKeys(page), []);
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await context.close();
  });

  test('a token revoked while signed in sends the person back to sign in, with the API message', async () => {
    const created = (await (
      await stack.api('/api-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'console-revoked' }) })
    ).json()) as { id: string; token: string };
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/console/nowhere`);
    await page.getByLabel('API token').fill(created.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();

    assert.equal((await stack.api(`/api-token/${created.id}`, { method: 'DELETE' })).status, 200);
    const refusal = (await (await fetch(`${stack.apiUrl}/environment`, { headers: { authorization: `Bearer ${created.token}` } })).json()) as {
      message: string;
    };
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await page.getByRole('alert').filter({ hasText: refusal.message }).waitFor();
    assert.deepEqual(await sessionKeys(page), []);
    await context.close();
  });

  test('keyboard: Tab reaches the skip link, then the navigation; the skip link lands in <main>', async () => {
    const page = await signedInConsole(browser, stack, '/console/nowhere');
    await page.reload();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.closest(\'nav[aria-label="Console"]\') !== null'), true);
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Accounts');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    // Every route has one <h1>; this one is the shell's own page for an unknown address.
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page not found');
    await page.context().close();
  });

  test('axe finds no serious or critical violation on the sign-in form or the signed-in shell', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const signIn = await context.newPage();
    await signIn.goto(`${stack.apiUrl}/console/`);
    await signIn.getByLabel('API token').waitFor();
    assert.deepEqual(await axeViolations(signIn), []);
    await context.close();

    // The shell around a page of its own (the other pages run axe in their tests).
    const page = await signedInConsole(browser, stack, '/console/nowhere');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });

  test('at 390 px wide nothing overflows sideways; the layout does not shift on load', async (t) => {
    const phone = await browser.newContext({ viewport: PHONE });
    const signIn = await phone.newPage();
    await signIn.goto(`${stack.apiUrl}/console/`);
    await signIn.getByLabel('API token').waitFor();
    assert.ok(((await signIn.evaluate('document.documentElement.scrollWidth')) as number) <= PHONE.width);
    await phone.close();

    for (const route of ['/console/nowhere', '/console/accounts']) {
      const page = await signedInConsole(browser, stack, route, PHONE);
      await page.waitForLoadState('networkidle');
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      t.diagnostic(`${route} at ${PHONE.width} px: scrollWidth ${width}`);
      assert.ok(width <= PHONE.width, `${route}: scrollWidth ${width}`);
      await page.context().close();
    }

    // Layout shift of a signed-in reload (the usual way back in) and of the sign-in page.
    const shifts: Record<string, number> = {};
    for (const [name, route, signedIn] of [
      ['sign-in', '/console/', false],
      ['shell', '/console/nowhere', true],
      ['accounts', '/console/accounts', true],
    ] as const) {
      const page = signedIn ? await signedInConsole(browser, stack, route) : await (await browser.newContext({ viewport: DESKTOP })).newPage();
      if (signedIn) await page.reload();
      else await page.goto(`${stack.apiUrl}${route}`);
      await page.waitForLoadState('networkidle');
      shifts[name] = await layoutShift(page);
      await page.context().close();
    }
    t.diagnostic(`cumulative layout shift: ${JSON.stringify(shifts)}`);
    for (const [name, value] of Object.entries(shifts)) assert.ok(value < 0.1, `${name}: ${value}`);
  });

  test('figures: time to first paint on the sandbox, gzipped size of the build', async (t) => {
    const paints: Record<string, number> = {};
    for (const signedIn of [false, true]) {
      const page = signedIn ? await signedInConsole(browser, stack, '/console/accounts') : await (await browser.newContext({ viewport: DESKTOP })).newPage();
      // Measured on a second load, as a person returning would see it (the first warms the server).
      await page.goto(`${stack.apiUrl}/console/accounts`);
      await page.reload();
      await page.waitForLoadState('load');
      const entries = (await page.evaluate(
        "new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime])), 50)))",
      )) as [string, number][];
      for (const [name, at] of entries) paints[`${signedIn ? 'signed-in' : 'sign-in'} ${name}`] = Math.round(at);
      await page.context().close();
    }
    assert.ok(paints['sign-in first-contentful-paint'] > 0, JSON.stringify(paints));
    t.diagnostic(`paint (ms after navigation start): ${JSON.stringify(paints)}`);

    const sizes = fs.readdirSync(ASSETS).map((file) => {
      const body = fs.readFileSync(path.join(ASSETS, file));
      return { file, bytes: body.byteLength, gzip: zlib.gzipSync(body).byteLength };
    });
    const entry = sizes.filter((s) => /^index-.*\.(js|css)$/.test(s.file));
    const total = (list: typeof sizes) => list.reduce((n, s) => n + s.gzip, 0);
    t.diagnostic(`gzipped: ${sizes.map((s) => `${s.file} ${s.bytes} B → ${s.gzip} B`).join('; ')}`);
    t.diagnostic(`first load (entry JS + CSS) ${total(entry)} B gzipped; everything ${total(sizes)} B`);
    // The shell and the Accounts page, before any chart: a budget that catches a dependency
    // pulled into the entry by mistake (Plot and d3 alone are ~90 kB gzipped).
    assert.ok(total(entry) < 40_000, `entry ${total(entry)} B gzipped`);
  });
});

/** The cumulative layout shift the page has recorded since navigation (buffered entries). */
async function layoutShift(page: Page): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => {
    let sum = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(sum), 500);
  })`)) as number;
}
