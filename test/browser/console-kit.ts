import type { Browser, Page } from 'playwright-core';
import type { TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.ts';

/**
 * What the console's browser tests share: one Chromium, a page at 1280×800 (or a phone's width)
 * signed in to the console of a test stack with its sandbox token, through the sign-in form a
 * person uses (the token is typed, never put in the URL).
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function signedInConsole(browser: Browser, stack: TestStack, path = '/console/accounts', viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${stack.apiUrl}${path}`);
  await page.getByLabel('API token').fill(stack.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  return page;
}

/**
 * The screenshots in docs/console/ come from the browser tests themselves, against the sandbox's
 * simulators: `TESSERA_CONSOLE_SCREENSHOTS=docs/console node --import tsx --test test/browser/console-*.test.ts`.
 * Without the variable (npm test, CI) nothing is written.
 */
export async function maybeScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = process.env.TESSERA_CONSOLE_SCREENSHOTS;
  if (!dir) return;
  const path = await import('node:path');
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: options.fullPage ?? false });
}
