import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { axeViolations, chromiumMissing } from './browser.ts';
import { DESKTOP, PHONE, launchChromium, maybeScreenshot, signedInConsole } from './console-kit.ts';

/**
 * The Seats and spend page against the sandbox's seven simulators, every figure checked against
 * the unified API itself: the test lists each account's users and usage over the same window,
 * computes seats, the spend total and the top spender its own way, and compares with the page.
 * The window is a week the simulators' fixed clocks cover (their `exampleUsageQuery`), small
 * enough that Datadog's hourly rows load in seconds.
 */
const FROM = '2026-11-21';
const TO = '2026-11-27';
const WINDOW = `start_date=${FROM}&end_date=2026-11-28`;
const PATH = `/console/spend?tenant=sandbox&from=${FROM}&to=${TO}`;

type Json = Record<string, any>;

interface Expected {
  /** integration → [active, inactive, invited] */
  seats: Map<string, [number, number, number]>;
  /** integrations whose users list is not mapped (404 TESSERA_METHOD_NOT_SUPPORTED) */
  noUsers: string[];
  /** USD cents over every row of every account */
  totalCents: number;
  top: { name: string; email: string; cents: number };
  /** active seats with a last_active_at more than 30 days before the end of the range */
  unused: number;
}

async function listAll(stack: TestStack, path: string): Promise<{ status: number; rows: Json[]; body?: Json }> {
  const rows: Json[] = [];
  let cursor = '';
  do {
    const res = await stack.api(`${path}${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`);
    const body = (await res.json()) as Json;
    if (res.status !== 200) return { status: res.status, rows, body };
    rows.push(...body.result);
    cursor = body.next_cursor ?? '';
  } while (cursor);
  return { status: 200, rows };
}

/** What a row costs as docs/console/spend.md defines it: net, else total, else its paid parts (never `included`). */
function rowCents(row: Json): number {
  const charges = ((row.charges ?? []) as Json[]).filter((c) => c.currency === 'USD');
  const of = (type: string) => charges.filter((c) => c.type === type).reduce((s, c) => s + c.amount, 0);
  if (charges.some((c) => c.type === 'net')) return of('net');
  if (charges.some((c) => c.type === 'total')) return of('total');
  return of('usage_based') + of('platform_fee') + of('on_demand') + of('committed') + of('tax') - of('discount') - of('credit');
}

const money = (cents: number) => (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

async function expected(stack: TestStack): Promise<Expected> {
  const accounts = ((await (await stack.api('/integrated-account?tenant_id=sandbox')).json()) as Json).result as Json[];
  assert.equal(accounts.length, 7, 'the sandbox has one account per simulator');
  const seats = new Map<string, [number, number, number]>();
  const noUsers: string[] = [];
  let totalCents = 0;
  let unused = 0;
  const cutoff = Date.parse('2026-11-28T00:00:00Z') - 30 * 86_400_000;
  const people = new Map<string, { name: string; email: string; cents: number }>();
  // Side by side, as the page does: the window's lists of seven accounts, one at a time, take long.
  const lists = await Promise.all(
    accounts.map(async (account) => {
      const base = `/unified/usage-metering/%s?integrated_account_id=${account.id}&truto_ignore_remote_data=true`;
      const [users, usage] = await Promise.all([listAll(stack, base.replace('%s', 'users')), listAll(stack, `${base.replace('%s', 'usage')}&${WINDOW}`)]);
      return { name: account.integration.name as string, users, usage };
    }),
  );
  for (const { name, users, usage } of lists) {
    if (users.status === 404) {
      assert.equal(users.body?.code, 'TESSERA_METHOD_NOT_SUPPORTED');
      noUsers.push(name);
    } else {
      assert.equal(users.status, 200, JSON.stringify(users.body));
      const count = (s: string) => users.rows.filter((u) => u.status === s).length;
      seats.set(name, [count('active'), count('inactive'), count('invited')]);
      unused += users.rows.filter((u) => u.status === 'active' && u.last_active_at && Date.parse(u.last_active_at) < cutoff).length;
    }
    assert.equal(usage.status, 200, `${name} usage: ${JSON.stringify(usage.body)}`);
    for (const row of usage.rows) {
      const cents = rowCents(row);
      totalCents += cents;
      if (!row.user || !row.charges?.length) continue;
      const key = (row.user.email ?? `${name}:${row.user.id}`).toLowerCase();
      const p = people.get(key) ?? { name: row.user.name ?? row.user.email ?? row.user.id, email: row.user.email ?? '', cents: 0 };
      p.cents += cents;
      people.set(key, p);
    }
  }
  const top = [...people.values()].sort((a, b) => b.cents - a.cents)[0];
  assert.ok(top && top.cents > 0, 'some spend in the window is attributed to a person');
  assert.ok(unused > 0, 'the seeds have idle seats');
  return { seats, noUsers, totalCents, top, unused };
}

/** Cell texts of a table's body rows. */
async function tableRows(page: Page, name: string | RegExp): Promise<string[][]> {
  const table = page.getByRole('table', { name });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
}

/** Polls (the page's CSP forbids waitForFunction's eval) until `check` holds, or fails after `ms`. */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('console: seats and spend', { skip: chromiumMissing(), timeout: 60_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let want: Expected;

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
    // Cursor declares 20 calls a minute; this page and the test's own listing of the same week
    // need more than that together, so the sandbox account's budget is lifted (as cursor's tests do).
    const cursor = (await (await stack.api(`/integrated-account/${stack.accounts.cursor}`)).json()) as Json;
    const patched = await stack.api(`/integrated-account/${stack.accounts.cursor}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ integration_override: { ...cursor.integration_override, rate_limit: { budget: { requests: 10_000, per_seconds: 1 } } } }),
    });
    assert.equal(patched.status, 200, await patched.text());
    const started = Date.now();
    want = await expected(stack);
    process.stdout.write(`expected figures from the API in ${Date.now() - started} ms\n`);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('seats, spend per day, top people and CSV match the unified API; axe clean', async (t) => {
    const started = Date.now();
    const page = await signedInConsole(browser, stack, PATH, DESKTOP);
    await page.getByRole('heading', { level: 1, name: 'Seats and spend' }).waitFor();
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), FROM);
    assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), TO);
    assert.equal(await page.getByRole('combobox', { name: /^Scope/ }).inputValue(), 'tenant:sandbox');

    // Seats: one row per integration with a users list, the same counts as the API's statuses.
    const seatRows = await tableRows(page, 'Seats by tool');
    assert.deepEqual(
      seatRows.map((r) => r[0]),
      [...want.seats.keys()].sort(),
    );
    for (const [tool, active, inactive, invited] of seatRows) assert.deepEqual([Number(active), Number(inactive), Number(invited)], want.seats.get(tool), tool);
    const seatsRegion = page.getByRole('region', { name: 'Seats by tool' });
    for (const tool of want.noUsers) await seatsRegion.getByText(`not reported by ${tool}`).waitFor();
    assert.ok((await seatsRegion.locator('svg[role="img"] rect').count()) > 0, 'the seats chart has bars');

    // Spend per day: bars in the chart, and the total the API's rows add up to.
    const chart = page.locator('svg[role="img"][aria-label^="Spend per day, USD"]');
    await chart.waitFor();
    t.diagnostic(`spend chart drawn ${Date.now() - started} ms after opening the page`);
    assert.ok((await chart.locator('rect').count()) >= 7, 'a bar per day at least');
    const label = (await chart.getAttribute('aria-label')) ?? '';
    assert.equal(label, `Spend per day, USD, ${FROM} to ${TO}, total ${money(want.totalCents)}`);
    assert.equal(await page.locator('.spend-total strong').textContent(), money(want.totalCents));

    // Spend per person: the biggest spender first.
    const people = await tableRows(page, /^Top \d+ people by spend$/);
    assert.ok(people.length > 0 && people.length <= 20);
    assert.deepEqual(people[0].slice(0, 3), ['1', want.top.name, want.top.email]);
    assert.equal(people[0][4], `${money(want.top.cents)} USD`);

    // The seats table as a file: RFC 4180, named after the scope and the range.
    const [download] = await Promise.all([page.waitForEvent('download'), seatsRegion.getByRole('button', { name: 'Download CSV of seats by tool' }).click()]);
    assert.equal(download.suggestedFilename(), `tessera-seats-tenant-sandbox-${FROM}-to-${TO}.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    assert.equal(
      csv,
      ['Tool,Active,Inactive,Invited', ...[...want.seats].sort(([a], [b]) => a.localeCompare(b)).map(([t, c]) => [t, ...c].join(','))].join('\r\n') + '\r\n',
    );

    // Unused seats: counted from the sources that report activity only, the others said apart.
    const unusedRegion = page.getByRole('region', { name: 'Unused paid seats' });
    await unusedRegion.getByText(/Activity not reported/).waitFor();
    const caption = await unusedRegion.locator('caption').textContent();
    assert.match(caption ?? '', new RegExp(`^${want.unused} unused paid seats`));

    await maybeScreenshot(page, 'spend', { fullPage: true }); // every chart and table, not only the first screen
    assert.deepEqual(await axeViolations(page), []);

    // One account instead of the tenant: the URL says so and the seats are that account's alone.
    await page.getByRole('combobox', { name: /^Scope/ }).selectOption(`account:${stack.accounts.cursor}`);
    await page.waitForURL(new RegExp(`[?&]account=${stack.accounts.cursor}`));
    const cursorSeats = [['cursor', ...want.seats.get('cursor')!.map(String)]];
    await until(async () => JSON.stringify(await tableRows(page, 'Seats by tool')) === JSON.stringify(cursorSeats));
    await page.context().close();
  });

  test('on a phone: no sideways scroll, the URL restores scope and range, a failing account shows its message', async (t) => {
    const started = Date.now();
    const page = await signedInConsole(browser, stack, PATH, PHONE);
    await page.locator('svg[role="img"][aria-label^="Spend per day, USD"]').waitFor();
    t.diagnostic(`phone: spend chart drawn ${Date.now() - started} ms after opening the page`);
    await page.getByRole('table', { name: 'Seats by tool' }).waitFor();
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), FROM);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);

    // A new start day goes into the URL and the figures follow it.
    await page.getByLabel('From', { exact: true }).fill('2026-11-24');
    await page.waitForURL(/[?&]from=2026-11-24&to=2026-11-27/);
    await page.locator('svg[role="img"][aria-label^="Spend per day, USD, 2026-11-24 to 2026-11-27, total"]').waitFor();

    // An account whose usage fails (Cursor serves at most 90 days) says so with the API's message,
    // in the sections that need usage; its seats still show.
    const wide = await stack.api(`/unified/usage-metering/usage?integrated_account_id=${stack.accounts.cursor}&start_date=2026-06-01&end_date=2026-11-28`);
    const refusal = ((await wide.json()) as Json).message as string;
    assert.equal(wide.status, 400);
    await page.goto(`${stack.apiUrl}/console/spend?account=${stack.accounts.cursor}&from=2026-06-01&to=2026-11-27`);
    await page.getByRole('region', { name: 'Spend per day' }).getByRole('alert').getByText(`cursor (sandbox): ${refusal}`).waitFor();
    await page.getByRole('table', { name: 'Seats by tool' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });
});
