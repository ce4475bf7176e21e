import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { serialiseQuery } from '../../../engine/resource-call.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
let sim: string;
before(async () => {
  stack = await startTestStack();
  sim = simulatorOrigin(stack.simulators.neon);
});
after(() => stack?.close());

/** The query of the last request the Neon simulator saw for `path`. */
async function lastQuery(pathEnd: string): Promise<Record<string, string | string[]>> {
  const { requests } = (await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: { path: string; query: Record<string, string | string[]> }[] };
  const found = requests.filter((r) => r.path.endsWith(pathEnd)).at(-1);
  assert.ok(found, `the simulator saw a request to …${pathEnd}`);
  return found.query;
}

test('remote_query arrays of objects reach the provider as objects, in both SDK forms, never [object Object]', async () => {
  const account = stack.accounts.neon;
  // The TypeScript SDK's form (indices) and the Python SDK's form (empty brackets).
  for (const form of ['remote_query[filter][0][a]=1&remote_query[filter][1][a]=2', 'remote_query[filter][][a]=1&remote_query[filter][][a]=2']) {
    const res = await stack.api(
      `/unified/usage-metering/users?integrated_account_id=${account}&${form}&remote_query[tag]=x&remote_query[ids][]=p&remote_query[ids][]=q`,
    );
    assert.equal(res.status, 200, await res.text());
    const query = await lastQuery('/members');
    const sent = JSON.stringify(query);
    assert.equal(sent.includes('[object Object]'), false, `${form}: ${sent}`);
    assert.equal(query.tag, 'x');
    assert.equal(query.ids, 'p,q', 'arrays of scalars keep the integration’s comma format');
    const filterKeys = Object.keys(query).filter((k) => k.startsWith('filter['));
    assert.ok(filterKeys.length >= 1, `${form}: the object's keys go out as filter[…][a]: ${sent}`);
  }
});

test('serialiseQuery: only parameters holding objects in arrays leave the comma format', () => {
  assert.equal(
    decodeURIComponent(serialiseQuery({ f: [{ a: '1' }, { a: '2' }], ids: ['p', 'q'], n: { m: ['x', 'y'] } }, 'comma')),
    'f[0][a]=1&f[1][a]=2&ids=p,q&n[m]=x,y',
  );
  assert.equal(decodeURIComponent(serialiseQuery({ ids: ['p', 'q'], s: 'v' }, 'comma')), 'ids=p,q&s=v');
  assert.equal(decodeURIComponent(serialiseQuery({ f: [{ a: '1' }] }, 'brackets')), 'f[][a]=1');
});
