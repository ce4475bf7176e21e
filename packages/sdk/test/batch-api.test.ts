import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { Tessera, type RequestInfo } from '../src/index.ts';

/** batchRequest.create and integratedAccount.tools against a real Tessera: the requests they send, and what they return. */

let stack: TestStack;
let tessera: Tessera;
let account: string;
const requests: RequestInfo[] = [];

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.neon;
  tessera = new Tessera({ token: stack.token, baseUrl: stack.apiUrl, hooks: { onRequest: (info) => requests.push(info) } });
});
after(() => stack?.close());

test('batchRequest.create posts the body and returns result and errors by key', async () => {
  const answer = await tessera.batchRequest.create({
    integrated_account_id: account,
    resources: [
      { resource: 'organizations', method: 'list' },
      { name: 'organization', resource: 'organizations', method: 'get', depends_on: 'organizations', id: '{{resources.organizations.id}}' },
      { resource: 'nothing_here', method: 'list' },
    ],
  });
  const sent = requests.at(-1)!;
  assert.equal(sent.method, 'POST');
  assert.equal(new URL(sent.url).pathname, '/batch-request');
  const orgs = answer.result.organizations as { id: string }[];
  assert.ok(orgs.length > 0);
  assert.deepEqual(
    (answer.result.organization as { id: string }[]).map((o) => o.id),
    orgs.map((o) => o.id),
  );
  assert.equal(answer.errors.nothing_here.statusCode, 404);
});

test('integratedAccount.tools sends methods and tags as comma strings and returns the array', async () => {
  const tools = await tessera.integratedAccount.tools(account, ['list', 'get'], []);
  const url = new URL(requests.at(-1)!.url);
  assert.equal(url.pathname, `/integrated-account/${account}/tools`);
  assert.equal(url.searchParams.get('methods'), 'list,get');
  assert.equal(url.searchParams.get('tags'), '');
  assert.ok(tools.length > 0);
  assert.ok(tools.every((t) => t.method === 'list' || t.method === 'get'));
  const all = await tessera.integratedAccounts.tools(account);
  assert.equal(new URL(requests.at(-1)!.url).search, '', 'no filters, no query');
  assert.ok(all.length > tools.length);
});
