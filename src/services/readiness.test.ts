import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { CANARY_SETTING, CANARY_TEXT } from '../store/canary.ts';
import { SecretBox } from '../store/secret-box.ts';
import type { Store } from '../store/types.ts';
import { Readiness } from './readiness.ts';

test('a flood of /ready shares one probe of the database; draining shows at once', async () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));
  const sealedCanary = box.encrypt(CANARY_TEXT);
  let pings = 0;
  let answer: () => void = () => {};
  const store = {
    ping: () => {
      pings++;
      return new Promise<void>((resolve) => (answer = resolve));
    },
    checkHealth: async () => undefined,
    getSetting: async (key: string) => (key === CANARY_SETTING ? sealedCanary : undefined),
  } as unknown as Store;
  const readiness = new Readiness({ store, box });
  const reports = Array.from({ length: 50 }, () => readiness.check());
  readiness.draining = true;
  answer();
  const all = await Promise.all(reports);
  assert.equal(pings, 1, '50 concurrent checks, one database probe');
  for (const r of all) {
    assert.equal(r.ready, false);
    assert.equal(r.checks.database, 'ok');
    assert.equal(r.checks.draining, 'shutting down');
  }
  readiness.draining = false;
  const next = readiness.check();
  answer();
  assert.equal((await next).ready, true);
  assert.equal(pings, 2, 'a later check probes again: nothing is cached past the probe in flight');
});
