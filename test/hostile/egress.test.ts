import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCustomStack, type CustomStack } from '../helpers/custom-stack.ts';
import { hostileStores } from './stores.ts';
import { createAccount, expectError, SECRET_KEY, startStub, writeCatalog, type Stub } from './stub-upstream.ts';

/**
 * Where Tessera's upstream calls may go, over real sockets. Definitions that point at internal
 * addresses (directly, or through a name that resolves to one) are refused before any byte
 * reaches them; the operator's TESSERA_UPSTREAM_ALLOW is the one way in; a provider's redirect is
 * followed only within its own origin, so the credentials never travel to another host.
 */
for (const store of await hostileStores()) {
  describe(`egress policy (${store.name})`, { skip: store.env ? false : 'no Postgres reachable' }, () => {
    let internal: Stub;
    let other: Stub;
    let provider: Stub;
    let closedStack: CustomStack;
    let openStack: CustomStack;
    const catalogs: { remove(): void }[] = [];
    const accounts: Record<string, string> = {};

    before(async () => {
      internal = await startStub((_req, res) => res.end('{"data":[]}'));
      other = await startStub((_req, res) => res.end('{"data":[{"id":"stolen"}]}'));
      provider = await startStub((req, res) => {
        const url = new URL(req.url, 'http://x');
        const go = (status: number, location: string) => {
          res.writeHead(status, { location });
          res.end();
        };
        if (url.pathname === '/items' && url.searchParams.get('hop') === 'same') return go(302, '/moved/items');
        if (url.pathname === '/moved/items') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"moved"}]}');
        if (url.pathname === '/items' && url.searchParams.get('hop') === 'other') return go(307, `${other.origin}/items`);
        if (url.pathname === '/items' && url.searchParams.get('hop') === 'external') return go(301, 'https://collector.example.net/items');
        if (url.pathname === '/items' && url.searchParams.get('hop') === 'loop') return go(302, '/items?hop=loop');
        // POST /items answers 307: the same method and body go to the new path.
        if (req.method === 'POST' && url.pathname === '/items') return go(307, '/v2/items');
        if (req.method === 'POST' && url.pathname === '/v2/items') return res.writeHead(201, { 'content-type': 'application/json' }).end(req.body);
        // A 303 after a write: the result is fetched with GET, without the body.
        if (req.method === 'DELETE' && url.pathname === '/items/x1') return go(303, '/receipts/x1');
        if (req.method === 'GET' && url.pathname === '/receipts/x1') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"deleted":"x1"}');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":[{"id":"plain"}]}');
      });
      const integrations = {
        // Straight at a loopback address.
        loopback: `http://127.0.0.1:${internal.port}`,
        // A name that resolves to loopback: only the connect-time check can see it.
        localname: `http://localhost:${internal.port}`,
        // The cloud metadata service.
        metadata: 'http://169.254.169.254/latest',
        provider: `http://127.0.0.1:${provider.port}`,
      };
      const catalog = writeCatalog(integrations);
      catalogs.push(catalog);
      // No allow-list at all: the custom stack's default (127.0.0.1) is taken away.
      closedStack = await startCustomStack(catalog.dir, { ...store.env, TESSERA_UPSTREAM_ALLOW: '' });
      // The operator allows exactly the provider's host:port.
      openStack = await startCustomStack(catalog.dir, { ...store.env, TESSERA_UPSTREAM_ALLOW: `127.0.0.1:${provider.port}` });
      for (const name of Object.keys(integrations)) accounts[`closed:${name}`] = await createAccount(closedStack, name);
      accounts['open:provider'] = await createAccount(openStack, 'provider');
      accounts['open:loopback'] = await createAccount(openStack, 'loopback');
    });
    after(async () => {
      await closedStack?.close();
      await openStack?.close();
      await Promise.all([internal?.close(), other?.close(), provider?.close()]);
      for (const c of catalogs) c.remove();
      await store.cleanup();
    });

    const list = (stack: CustomStack, account: string, query = '') => stack.api(`/proxy/items?integrated_account_id=${account}${query}`);

    test('a definition pointing at a loopback address, a name resolving to loopback, or the metadata service: 502, nothing sent', async () => {
      const cases: [string, RegExp][] = [
        ['loopback', new RegExp(`127\\.0\\.0\\.1:${internal.port} is a loopback address; add it to TESSERA_UPSTREAM_ALLOW`)],
        ['localname', /localhost resolves to a loopback address; add localhost to TESSERA_UPSTREAM_ALLOW/],
        ['metadata', /169\.254\.169\.254 is a linkLocal address; add it to TESSERA_UPSTREAM_ALLOW/],
      ];
      for (const [name, message] of cases) {
        const body = await expectError(await list(closedStack, accounts[`closed:${name}`]), 502, 'TESSERA_EGRESS_REFUSED');
        assert.match(body.message, message, name);
        assert.equal(body.truto_is_remote_error, undefined, 'no provider answered: not a remote error');
      }
      assert.equal(internal.requests.length, 0, 'the internal service got no request, not even a connection that sent one');
    });

    test('the operator allow-list is the way in, and it opens exactly what it names', async () => {
      const ok = await list(openStack, accounts['open:provider']);
      assert.equal(ok.status, 200);
      assert.deepEqual(((await ok.json()) as { result: unknown[] }).result, [{ id: 'plain' }]);
      // 127.0.0.1 at the provider's port is allowed; the same address at another port is not.
      await expectError(await list(openStack, accounts['open:loopback']), 502, 'TESSERA_EGRESS_REFUSED');
      assert.equal(internal.requests.length, 0);
    });

    test('a redirect within the origin is followed, with the credentials', async () => {
      const before = provider.requests.length;
      const res = await list(openStack, accounts['open:provider'], '&hop=same');
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { result: unknown[] }).result, [{ id: 'moved' }]);
      const hops = provider.requests.slice(before);
      assert.deepEqual(
        hops.map((r) => r.url.split('?')[0]),
        ['/items', '/moved/items'],
      );
      assert.equal(hops[1].headers.authorization, `Bearer ${SECRET_KEY}`);
    });

    test('307 keeps the method and body; 303 turns a DELETE into a GET without a body', async () => {
      const created = await openStack.api(`/proxy/items?integrated_account_id=${accounts['open:provider']}`, {
        method: 'POST',
        body: JSON.stringify({ name: 'kept' }),
      });
      assert.equal(created.status, 200, await created.clone().text());
      assert.deepEqual(await created.json(), { name: 'kept' });
      const post = provider.requests.filter((r) => r.url === '/v2/items');
      assert.equal(post.at(-1)?.method, 'POST');
      assert.equal(post.at(-1)?.body, '{"name":"kept"}');

      const deleted = await openStack.api(`/proxy/items/x1?integrated_account_id=${accounts['open:provider']}`, { method: 'DELETE' });
      assert.equal(deleted.status, 200, await deleted.clone().text());
      const receipt = provider.requests.filter((r) => r.url === '/receipts/x1').at(-1)!;
      assert.equal(receipt.method, 'GET');
      assert.equal(receipt.body, '');
    });

    test('a redirect to another origin is refused, naming it; the other host never hears of it', async () => {
      const toOther = await expectError(await list(openStack, accounts['open:provider'], '&hop=other'), 502, 'TESSERA_UPSTREAM_REDIRECT_REFUSED');
      assert.match(toOther.message, new RegExp(`redirected \\(307\\) to another host, 127\\.0\\.0\\.1:${other.port}`));
      assert.equal(toOther.truto_is_remote_error, true);
      const external = await expectError(await list(openStack, accounts['open:provider'], '&hop=external'), 502, 'TESSERA_UPSTREAM_REDIRECT_REFUSED');
      assert.match(external.message, /to another host, collector\.example\.net/);
      assert.equal(other.requests.length, 0);
    });

    test('more than 5 redirects is a 502, after exactly 6 requests', async () => {
      const before = provider.requests.length;
      const body = await expectError(await list(openStack, accounts['open:provider'], '&hop=loop'), 502, 'TESSERA_UPSTREAM_REDIRECT_REFUSED');
      assert.match(body.message, /more than 5 times/);
      assert.equal(provider.requests.length - before, 6);
    });

    test('an account cannot point an allowed integration elsewhere by its own override', async () => {
      const res = await openStack.api(`/integrated-account/${accounts['open:provider']}`, {
        method: 'PATCH',
        body: JSON.stringify({ integration_override: { base_url: `http://127.0.0.1:${other.port}` } }),
      });
      // Refused at save time (the override rules ask the policy), or, if saved, at call time.
      if (res.status === 200) await expectError(await list(openStack, accounts['open:provider']), 502, 'TESSERA_EGRESS_REFUSED');
      else await expectError(res, 400, 'TESSERA_VALIDATION_FAILED');
      assert.equal(other.requests.length, 0);
    });
  });
}
