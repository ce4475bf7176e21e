import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTesseraError } from '../../errors/catalogue.ts';
import { loopElements, renderCall, runScope } from './placeholders.ts';
import type { PlannedResource } from './plan.ts';

const record = { id: 'u1', emails: [{ email: 'a@x' }, { email: 'b@x' }], team: { id: 't1' } };

function resource(extra: Partial<PlannedResource>): PlannedResource {
  return { key: 'k', kind: 'proxy', resource: 'members', method: 'get', query: {}, persist: true, ...extra };
}

test("the dependency's record is reached as Truto documents it: resources.<model>.<resource>", () => {
  const scope = runScope({ n: 3 }, 'usage-metering/users', record);
  const call = renderCall(
    resource({
      id: '{{resources.usage-metering.users.id}}',
      query: { team: '{{resources.usage-metering.users.team.id}}', n: '{{args.n:int}}', gone: '{{nothing}}' },
    }),
    scope,
  );
  assert.deepEqual(call, { id: 'u1', query: { team: 't1', n: 3 }, body: undefined });
});

test('loop_on walks a path to an array; a single value is one element; nothing runs nothing', () => {
  const scope = runScope({}, 'users', record);
  assert.deepEqual(loopElements('{{resources.users.emails}}', scope), record.emails);
  assert.deepEqual(loopElements('resources.users.emails', scope), record.emails, 'the bare path works too');
  assert.deepEqual(loopElements('{{resources.users.team}}', scope), [record.team]);
  assert.deepEqual(loopElements('{{resources.users.emails.1}}', scope), [record.emails[1]], 'indexes are path segments');
  assert.deepEqual(loopElements('{{resources.users.missing.deeper}}', scope), []);
  assert.deepEqual(loopElements('{{resources.users.constructor}}', scope), [], "an object's inherited members are not data");
});

test('loop items, string queries and JSON string bodies are filled in', () => {
  const scope = runScope({}, 'users', record, { email: 'a@x' });
  const call = renderCall(
    resource({ method: 'create', query: 'email={{loop.email}}', body: '{"to":"{{loop.email}}","list":"{{resources.users.emails:json}}"}' }),
    scope,
  );
  assert.deepEqual(call.query, { email: 'a@x' });
  assert.deepEqual(call.body, { to: 'a@x', list: record.emails });
});

test('an id that resolves to nothing is refused, naming the resource', () => {
  assert.throws(
    () => renderCall(resource({ id: '{{resources.users.nope}}' }), runScope({}, 'users', record)),
    (e) => isTesseraError(e) && e.status === 400 && /id of batch resource k/.test(e.message),
  );
  assert.throws(
    () => renderCall(resource({ body: '{not json' }), runScope({})),
    (e) => isTesseraError(e) && e.status === 400,
  );
});
