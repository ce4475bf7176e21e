import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { Tessera, TesseraError, type RequestInfo } from '../src/index.ts';

/** tessera.linkToken against a real server: the request it sends and the token it gets. */
let stack: TestStack;
let tessera: Tessera;
const requests: RequestInfo[] = [];

before(async () => {
  stack = await startTestStack();
  tessera = new Tessera({ token: stack.token, baseUrl: stack.apiUrl, hooks: { onRequest: (info) => requests.push(info) } });
});
after(() => stack?.close());

test('linkToken.create posts the body to /link-token and returns the token and the connect URL', async () => {
  const token = await tessera.linkToken.create({ tenant_id: 'acme', integration: 'neon', redirect_uri: 'https://app.example.com/back' });
  assert.match(token.link_token, /^tlk_/);
  assert.equal(token.integration, 'neon');
  assert.equal(new URL(token.connect_url).searchParams.get('link_token'), token.link_token);
  const sent = requests.at(-1)!;
  assert.equal(sent.method, 'POST');
  assert.equal(new URL(sent.url).pathname, '/link-token');
  const page = await fetch(token.connect_url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Connect Neon/);
});

test("Truto's method names: createForNewIntegration and createForExistingIntegratedAccount", async () => {
  const fresh = await tessera.linkToken.createForNewIntegration({ tenant_id: 'acme' });
  assert.equal(fresh.tenant_id, 'acme');
  const again = await tessera.linkToken.createForExistingIntegratedAccount({ integrated_account_id: stack.accounts.neon });
  assert.equal(again.integrated_account_id, stack.accounts.neon);
  assert.equal(again.integration, 'neon');
});

test('a refusal is a TesseraError with the reason', async () => {
  await assert.rejects(
    tessera.linkToken.create({ tenant_id: 'acme', redirect_uri: 'ftp://files.example.com' }),
    (e: unknown) => e instanceof TesseraError && e.statusCode === 400 && /redirect_uri/.test(e.message),
  );
});
