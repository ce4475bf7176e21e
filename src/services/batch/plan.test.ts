import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTesseraError } from '../../errors/catalogue.ts';
import { MAX_RESOURCES, planBatch } from './plan.ts';

const ACCOUNT = 'A3E1C1B2-0000-4000-8000-000000000001';

function failure(body: unknown): { message: string; paths: string[] } {
  try {
    planBatch(body);
  } catch (e) {
    assert.ok(isTesseraError(e));
    assert.equal(e.status, 400);
    const failures = (e.details as { failures: { path: string }[] }).failures;
    return { message: e.message, paths: failures.map((f) => f.path) };
  }
  assert.fail('expected a 400');
}

test('a slash makes a unified resource, none a proxy one; the key is the name, else the resource', () => {
  const plan = planBatch({
    integrated_account_id: ACCOUNT,
    args: { a: 1 },
    resources: [
      { resource: 'usage-metering/users', method: 'list', query: 'limit=5&x[]=1' },
      {
        resource: 'members',
        name: 'm',
        method: 'get',
        id: 42,
        depends_on: 'usage-metering/users',
        loop_on: '{{resources.usage-metering.users.emails}}',
        persist: false,
      },
    ],
  });
  assert.equal(plan.accountId, ACCOUNT.toLowerCase(), 'the account id is normalised');
  assert.deepEqual(plan.args, { a: 1 });
  const [u, m] = plan.resources;
  assert.deepEqual(
    { key: u.key, kind: u.kind, model: u.model, resource: u.resource, persist: u.persist },
    { key: 'usage-metering/users', kind: 'unified', model: 'usage-metering', resource: 'users', persist: true },
  );
  assert.deepEqual(
    { key: m.key, kind: m.kind, model: m.model, resource: m.resource, id: m.id, dependsOn: m.dependsOn, persist: m.persist },
    { key: 'm', kind: 'proxy', model: undefined, resource: 'members', id: '42', dependsOn: 'usage-metering/users', persist: false },
  );
});

test('a chain without a cycle is accepted however it is ordered', () => {
  const plan = planBatch({
    integrated_account_id: ACCOUNT,
    resources: [
      { name: 'c', resource: 'x', method: 'get', depends_on: 'b' },
      { name: 'b', resource: 'x', method: 'list', depends_on: 'a' },
      { name: 'a', resource: 'x', method: 'list' },
    ],
  });
  assert.deepEqual(
    plan.resources.map((r) => r.key),
    ['c', 'b', 'a'],
  );
});

test('cycles are found however long, and named in order', () => {
  const f = failure({
    integrated_account_id: ACCOUNT,
    resources: [
      { name: 'a', resource: 'x', method: 'list', depends_on: 'c' },
      { name: 'b', resource: 'x', method: 'list', depends_on: 'a' },
      { name: 'c', resource: 'x', method: 'list', depends_on: 'b' },
    ],
  });
  assert.match(f.message, /cycle: a → c → b → a/);
});

test('every failure of every resource is listed with its path', () => {
  const f = failure({
    integrated_account_id: ACCOUNT,
    resources: [{ resource: '', method: 'list' }, { resource: 'x' }, { resource: 'y', method: 'list', response_format: 'debug' }],
  });
  assert.deepEqual(f.paths.sort(), ['resources.0.resource', 'resources.1.method', 'resources.2.response_format']);
});

test(`at most ${MAX_RESOURCES} resources; sync-job fields are named`, () => {
  const many = Array.from({ length: MAX_RESOURCES }, (_, i) => ({ name: `r${i}`, resource: 'x', method: 'list' }));
  assert.equal(planBatch({ integrated_account_id: ACCOUNT, resources: many }).resources.length, MAX_RESOURCES);
  assert.match(failure({ integrated_account_id: ACCOUNT, resources: [...many, { resource: 'y', method: 'list' }] }).message, /at most 50/);
  assert.match(
    failure({ integrated_account_id: ACCOUNT, resources: [{ resource: 'x', method: 'list', recurse: { if: 'true' } }] }).message,
    /recurse is for sync jobs/,
  );
});
