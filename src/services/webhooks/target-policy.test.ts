import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebhookTargetPolicy } from './target-policy.ts';

test('public https targets pass; private, loopback and plain http do not', () => {
  const p = new WebhookTargetPolicy([], false);
  assert.equal(p.check('https://hooks.example.com/truto').allowed, true);
  assert.equal(p.check('https://93.184.216.34/x').allowed, true);
  for (const [url, words] of [
    ['http://hooks.example.com/x', /must use https/],
    ['https://127.0.0.1:9000/x', /loopback.*TESSERA_WEBHOOK_ALLOW_LOCALHOST/],
    ['https://localhost/x', /loopback/],
    ['https://10.1.2.3/x', /private.*TESSERA_UPSTREAM_ALLOW/],
    ['https://169.254.169.254/latest', /linkLocal/],
    ['https://[::1]/x', /loopback/],
    ['ftp://example.com/x', /not allowed/],
    ['not a url', /not an absolute URL/],
    ['https://user:pw@example.com/x', /user name or password/],
  ] as const) {
    const v = p.check(url);
    assert.equal(v.allowed, false, url);
    assert.match(v.reason!, words, url);
  }
});

test('the localhost allowance admits loopback targets, http included, and nothing private', () => {
  const p = new WebhookTargetPolicy([], false);
  p.allowLocalhost();
  assert.equal(p.check('http://127.0.0.1:4000/hook').allowed, true);
  assert.equal(p.check('http://localhost:4000/hook').allowed, true);
  assert.equal(p.check('http://[::1]:4000/hook').allowed, true);
  assert.equal(p.check('https://192.168.1.5/hook').allowed, false);
});

test('an operator allow-list entry admits a private host', () => {
  const p = new WebhookTargetPolicy(['hooks.internal', '10.0.0.0/8'], false);
  assert.equal(p.check('http://hooks.internal:8080/x').allowed, true);
  assert.equal(p.check('https://10.1.2.3/x').allowed, true);
});
