import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * What the browser tests share: where Debian's Chromium is, whether to run without it, axe-core,
 * and a tiny "customer application" on loopback (the page that opens the popup, the redirect target).
 */
export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * Undefined when the browser tests can run. Without Chromium a developer's `npm test` skips them
 * and says why; CI (`.ci/run` sets CI=1, after installing Chromium) fails instead, so a missing
 * browser can never pass a build silently.
 */
export function chromiumMissing(): string | undefined {
  if (fs.existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is not installed (Debian: apt-get install chromium); the browser tests need it`;
  if (process.env.CI) throw new Error(`${why}. CI must install it (.ci/run does).`);
  return why;
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is evaluated through
 * the DevTools protocol rather than added as a <script> tag: the page's CSP (rightly) refuses
 * any script without its nonce, and the test must not switch the CSP off to look at the page.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  // A string: these tests compile without the DOM's types (the project is Node's).
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export interface CustomerApp {
  origin: string;
  close(): Promise<void>;
}

/**
 * The application that embeds the connect page: `/opener?url=…` opens it as a popup the way
 * `@truto/truto-link-sdk` does (window.open, then accept a message only from that window and
 * the page's origin, then close the popup), recording what it got in `window.received`;
 * `/done` is a redirect_uri that shows its query.
 */
export async function startCustomerApp(): Promise<CustomerApp> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/opener') {
      const target = url.searchParams.get('url') ?? '';
      res.end(`<!doctype html><html lang="en"><head><title>App</title></head><body><main><h1>App</h1>
<button id="open" type="button">Connect</button>
<script>
window.received = [];
var target = ${JSON.stringify(target)};
var origin = new URL(target).origin;
document.getElementById('open').addEventListener('click', function () {
  var popup = window.open(target, 'Truto Connect', 'popup=yes,width=700,height=800');
  window.addEventListener('message', function (event) {
    if (event.source !== popup || event.origin !== origin) return;
    window.received.push(event.data);
    popup.close();
  }, true);
});
</script></main></body></html>`);
      return;
    }
    res.end(`<!doctype html><html lang="en"><head><title>Done</title></head><body><main><h1 id="done">Back in the app</h1></main></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
