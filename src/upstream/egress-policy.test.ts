import assert from 'node:assert/strict';
import type dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fetch as undiciFetch } from 'undici';
import { loadCatalog } from '../integrations/catalog.ts';
import { integrationSchema, type IntegrationDefinition } from '../integrations/definition-schema.ts';
import { EgressPolicy } from './egress-policy.ts';
import { addressClass, parseAllowList } from './egress-rules.ts';

const def = (over: Record<string, unknown>): IntegrationDefinition =>
  integrationSchema.parse({
    name: 'acme',
    label: 'Acme',
    category: 'usage-metering',
    base_url: 'https://api.acme.test/v1',
    credentials: { format: 'api_key', config: { fields: [{ name: 'api_key', label: 'Key', type: 'password' }] } },
    authorization: { format: 'bearer' },
    resources: { users: { list: { path: '/users' }, export: { path: '/export', base_url: 'https://files.acme.test:8443' } } },
    ...over,
  });

describe('address classes (ipaddr.js): only public unicast passes', () => {
  test('internal addresses of every kind, including IPv4 inside IPv6', () => {
    const expected: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '127.8.9.10': 'loopback',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '::7f00:1': 'loopback',
      '10.1.2.3': 'private',
      '192.168.0.1': 'private',
      '::ffff:10.0.0.1': 'private',
      '169.254.169.254': 'linkLocal',
      'fe80::1': 'linkLocal',
      'fd00:ec2::254': 'uniqueLocal',
      '100.64.0.1': 'carrierGradeNat',
      '100.100.100.200': 'carrierGradeNat',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '224.0.0.1': 'multicast',
      'ff02::1': 'multicast',
      '8.8.8.8': 'unicast',
      '2606:4700:4700::1111': 'unicast',
    };
    for (const [address, cls] of Object.entries(expected)) assert.equal(addressClass(address), cls, address);
  });
});

describe('TESSERA_UPSTREAM_ALLOW', () => {
  test('parses host, host:port, *.domain, IPv4, IPv6, [IPv6]:port and CIDR', () => {
    const entries = parseAllowList(' internal.corp , api.x.test:8443,*.svc.local,10.0.0.5,fd00::1,[fd00::2]:8080,192.168.0.0/16, 127.0.0.1:9000 ');
    assert.deepEqual(
      entries.map((e) => [e.kind, e.port]),
      [
        ['host', undefined],
        ['host', '8443'],
        ['suffix', undefined],
        ['cidr', undefined],
        ['cidr', undefined],
        ['cidr', '8080'],
        ['cidr', undefined],
        ['cidr', '9000'],
      ],
    );
  });

  test('an invalid entry stops the start, naming it', () => {
    for (const bad of ['http://x.test', 'x.test:0', 'x.test:99999', '10.0.0.0/33', 'bad host', '[zz::1]:80', '*.']) {
      assert.throws(() => parseAllowList(bad), /TESSERA_UPSTREAM_ALLOW/, bad);
    }
  });

  test('each form allows what it names, and only that', () => {
    const policy = new EgressPolicy({ allow: 'internal.corp,api.x.test:8443,*.svc.local,10.0.0.5,192.168.0.0/16,[fd00::2]:8080', integrations: [] });
    const ok = (url: string) => policy.checkUrl(url).allowed;
    assert.ok(ok('http://internal.corp/a') && ok('https://internal.corp:9999/'));
    assert.ok(ok('https://api.x.test:8443/') && !ok('https://api.x.test/'));
    assert.ok(ok('https://a.svc.local/') && ok('https://a.b.svc.local/') && !ok('https://svc.local/') && !ok('https://evilsvc.local/'));
    assert.ok(ok('http://10.0.0.5:1234/') && !ok('http://10.0.0.6/'));
    assert.ok(ok('http://192.168.44.1/') && !ok('http://172.16.0.1/'));
    assert.ok(ok('http://[fd00::2]:8080/') && !ok('http://[fd00::2]:8081/'));
    assert.ok(!ok('ftp://internal.corp/') && !ok('not a url'));
  });

  test('a URL template is allowed only if every value of its placeholders would be', () => {
    const policy = new EgressPolicy({ allow: 'internal.corp,api.x.test:8443', integrations: [] });
    assert.ok(policy.checkUrl('https://internal.corp/{{context.org}}/x?y={{query.y}}').allowed, 'placeholders after the host');
    assert.ok(policy.checkUrl('https://internal.corp:{{context.port}}/x').allowed, 'a host allowed at any port');
    assert.ok(!policy.checkUrl('https://api.x.test:{{context.port}}/x').allowed, 'a host allowed at one port');
    assert.match(policy.checkUrl('https://{{context.site}}/x').reason!, /host of .* is a placeholder/);
    assert.ok(!policy.checkUrl('https://{{context.sub}}.internal.corp/x').allowed);
  });
});

describe('hosts the shipped definition names', () => {
  const policy = new EgressPolicy({
    allow: '',
    integrations: [
      def({}),
      def({
        name: 'sub',
        base_url: 'https://{{context.tenant}}.acme.test',
        credentials: {
          format: 'oauth2',
          config: { client: { id: 'a', secret: 'b' }, auth: { tokenHost: 'https://login.acme.test', authorizeHost: 'https://auth.acme.test' } },
        },
      }),
    ],
  });

  test('base_url, a method base_url (its port), OAuth token and authorize hosts: for their own integration only', () => {
    assert.ok(policy.checkUrl('https://api.acme.test/v1/users?x=1', 'acme').allowed);
    assert.ok(policy.checkUrl('https://files.acme.test:8443/export', 'acme').allowed);
    assert.ok(!policy.checkUrl('https://files.acme.test/export', 'acme').allowed, 'another port');
    assert.ok(!policy.checkUrl('http://api.acme.test/v1', 'acme').allowed, 'another scheme');
    assert.ok(!policy.checkUrl('https://login.acme.test/oauth/token', 'acme').allowed, "another integration's host");
    assert.ok(!policy.checkUrl('https://api.acme.test/v1').allowed, 'without an integration, only the operator counts');
    assert.ok(policy.checkUrl('https://login.acme.test/oauth/token', 'sub').allowed);
    assert.ok(policy.checkUrl('https://auth.acme.test/oauth/authorize', 'sub').allowed);
    const refused = policy.checkUrl('https://evil.test/', 'acme');
    assert.match(refused.reason!, /evil\.test is not named by the acme integration's definition nor allowed by TESSERA_UPSTREAM_ALLOW/);
  });

  test('a placeholder without options matches exactly one DNS label', () => {
    assert.ok(policy.checkUrl('https://customer-1.acme.test/x', 'sub').allowed);
    assert.ok(!policy.checkUrl('https://a.b.acme.test/x', 'sub').allowed);
    assert.ok(!policy.checkUrl('https://evil.test#.acme.test/x', 'sub').allowed);
    assert.ok(!policy.checkUrl('https://acme.test.evil.test/x', 'sub').allowed);
  });

  test('egress_hosts (download file hosts): HTTPS on 443, * inside one label only, for their own integration', () => {
    const files = new EgressPolicy({ allow: '', integrations: [def({ egress_hosts: ['reports.acme.test', 'reports-*.cdn.acme.test'] })] });
    assert.ok(files.checkUrl('https://reports.acme.test/day/1.ndjson?sig=x', 'acme').allowed);
    assert.ok(files.checkUrl('https://reports-eu-1.cdn.acme.test/f', 'acme').allowed);
    assert.ok(files.checkUrl('https://api.acme.test/v1/users', 'acme').allowed, 'the base URL still counts');
    for (const url of [
      'http://reports.acme.test/f',
      'https://reports.acme.test:8443/f',
      'https://reports-.cdn.acme.test/f',
      'https://reports-a.b.cdn.acme.test/f',
      'https://x.reports.acme.test/f',
      'https://reports.acme.test.evil.test/f',
    ]) {
      assert.ok(!files.checkUrl(url, 'acme').allowed, url);
    }
    assert.ok(!files.checkUrl('https://reports.acme.test/f', 'other').allowed, "another integration's file host");
    assert.throws(() => def({ egress_hosts: ['*.test'] }), /only inside labels before the last two/);
  });

  test("Datadog's https://api.{{context.site}} expands over the site field's options", () => {
    const catalog = loadCatalog();
    const datadog = new EgressPolicy({ allow: '', integrations: catalog.integrations.values() });
    for (const site of ['datadoghq.com', 'datadoghq.eu', 'us3.datadoghq.com', 'ap1.datadoghq.com', 'ddog-gov.com']) {
      assert.ok(datadog.checkUrl(`https://api.${site}/api/v1/usage`, 'datadog').allowed, site);
    }
    for (const host of ['api.evil.test', 'api.datadoghq.com.evil.test', 'api.us9.datadoghq.com', 'api.datadoghqXcom']) {
      assert.ok(!datadog.checkUrl(`https://${host}/api/v1/usage`, 'datadog').allowed, host);
    }
    // Every shipped integration reaches its own documented host.
    for (const d of catalog.integrations.values()) {
      if (!d.base_url.includes('{{')) assert.ok(datadog.checkUrl(d.base_url, d.name).allowed, d.name);
    }
  });

  test('an address in a URL is classified without DNS, even if a definition names it', () => {
    const local = new EgressPolicy({ allow: '', integrations: [def({ name: 'local', base_url: 'http://127.0.0.1:1/x' })] });
    for (const url of [
      'http://127.0.0.1:1/x',
      'http://[::ffff:127.0.0.1]/',
      'http://0x7f.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00:ec2::254]/',
    ]) {
      const v = local.checkUrl(url, 'local');
      assert.ok(!v.allowed, url);
      assert.match(v.reason!, /address; add it to TESSERA_UPSTREAM_ALLOW/, url);
    }
    assert.ok(new EgressPolicy({ allow: '127.0.0.1', integrations: [] }).checkUrl('http://127.0.0.1:1/x').allowed, 'unless the operator allows it');
  });
});

describe('verdicts remembered per integration and origin', () => {
  test("a refused origin stays refused, whatever the path; a verdict of one integration is not another's", () => {
    const policy = new EgressPolicy({ allow: '', integrations: [def({})] });
    for (const path of ['/v1/users', '/v1/users?page=2', '/other#x', '']) {
      assert.ok(policy.checkUrl(`https://api.acme.test${path}`, 'acme').allowed, path);
      const refused = policy.checkUrl(`https://evil.test${path}`, 'acme');
      assert.ok(!refused.allowed, path);
      assert.match(refused.reason!, /evil\.test is not named by the acme integration/);
      assert.ok(!policy.checkUrl(`https://api.acme.test${path}`, 'other').allowed, `other integration ${path}`);
      assert.ok(!policy.checkUrl(`https://api.acme.test${path}`).allowed, `no integration ${path}`);
    }
    // Same host text, another origin: the port and the scheme are part of the key.
    assert.ok(!policy.checkUrl('https://api.acme.test:444/v1', 'acme').allowed);
    assert.ok(!policy.checkUrl('http://api.acme.test/v1', 'acme').allowed);
  });

  test('allowOrigin clears remembered refusals', () => {
    const policy = new EgressPolicy({ allow: '', integrations: [] });
    const refused = policy.checkUrl('http://127.0.0.1:41234/a');
    assert.ok(!refused.allowed);
    assert.match(refused.reason!, /loopback address/);
    assert.ok(!policy.checkUrl('http://127.0.0.1:41234/b').allowed, 'still refused before the change');
    policy.allowOrigin('http://127.0.0.1:41234');
    assert.ok(policy.checkUrl('http://127.0.0.1:41234/a').allowed);
    assert.ok(policy.checkUrl('http://127.0.0.1:41234/c?x=1').allowed);
    assert.ok(!policy.checkUrl('http://127.0.0.1:41235/a').allowed, 'the neighbour port stays refused');
  });

  test('tricky URLs get the verdict a fresh policy gives, whatever was remembered before', () => {
    const make = () => new EgressPolicy({ allow: '', integrations: [def({})] });
    const warm = make();
    const urls = [
      'https://api.acme.test/v1',
      'https://evil.test/v1',
      'https://api.acme.test\\@evil.test/v1',
      'https://evil.test\\@api.acme.test/v1',
      'https:///evil.test/v1',
      'https://user@evil.test/v1',
      'https://API.acme.test/v1',
      'https://api.acme.test:443/v1',
      'https://evil.test?.api.acme.test',
    ];
    for (const url of [...urls, ...urls]) assert.deepEqual(warm.checkUrl(url, 'acme'), make().checkUrl(url, 'acme'), url);
    assert.ok(!warm.checkUrl('https://evil.test\\@api.acme.test/v1', 'acme').allowed);
    assert.ok(!warm.checkUrl('https:///evil.test/v1', 'acme').allowed);
  });
});

describe('at connect time, on the resolved addresses', () => {
  let server: http.Server;
  let port = 0;
  let hits = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const lookup = (policy: EgressPolicy, name: string) =>
    new Promise<{ err: any; addresses?: dns.LookupAddress[] }>((resolve) =>
      (policy.lookupFor(undefined) as any)(name, { all: true }, (err: unknown, addresses?: dns.LookupAddress[]) => resolve({ err, addresses })),
    );

  test('localhost resolves to loopback: refused, with a coded error naming the host and the setting', async () => {
    const { err } = await lookup(new EgressPolicy({ allow: '', integrations: [] }), 'localhost');
    assert.equal(err?.code, 'TESSERA_EGRESS_REFUSED');
    assert.equal(err?.status, 502);
    assert.match(err.message, /localhost resolves to a loopback address; add localhost to TESSERA_UPSTREAM_ALLOW/);
  });

  test('only allowed addresses are kept; a name the operator listed may be private', async () => {
    const fake = ((_name: string, _opts: unknown, cb: (e: null, a: dns.LookupAddress[]) => void) =>
      cb(null, [
        { address: '10.0.0.1', family: 4 },
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:169.254.169.254', family: 6 },
      ])) as unknown as typeof dns.lookup;
    const open = new EgressPolicy({ allow: '', integrations: [], lookup: fake });
    assert.deepEqual((await lookup(open, 'mixed.test')).addresses, [{ address: '93.184.215.14', family: 4 }]);
    const named = new EgressPolicy({ allow: 'mixed.test', integrations: [], lookup: fake });
    assert.equal((await lookup(named, 'mixed.test')).addresses?.length, 3);
    const cidr = new EgressPolicy({ allow: '10.0.0.0/8', integrations: [], lookup: fake });
    assert.equal((await lookup(cidr, 'mixed.test')).addresses?.length, 2);
  });

  test('through the dispatcher: a name resolving to loopback and a bare loopback address never reach the server', async () => {
    const policy = new EgressPolicy({ allow: '', integrations: [] });
    try {
      for (const url of [`http://localhost:${port}/`, `http://127.0.0.1:${port}/`]) {
        // Straight at the dispatcher, past checkUrl: the connection itself is refused.
        await assert.rejects(undiciFetch(url, { dispatcher: policy.dispatcher }), (e: any) => e.cause?.code === 'TESSERA_EGRESS_REFUSED', url);
      }
      await assert.rejects(policy.fetchFor(undefined)(`http://127.0.0.1:${port}/`), (e: any) => e.code === 'TESSERA_EGRESS_REFUSED');
      assert.equal(hits, 0);
    } finally {
      await policy.close();
    }
  });

  test('the allowed origin of a sandbox simulator connects; its neighbour port does not', async () => {
    const policy = new EgressPolicy({ allow: '', integrations: [] });
    try {
      policy.allowOrigin(`http://127.0.0.1:${port}`);
      const res = await policy.fetchFor(undefined)(`http://127.0.0.1:${port}/`);
      assert.deepEqual(await res.json(), { ok: true });
      assert.equal(hits, 1);
      assert.ok(!policy.checkUrl(`http://127.0.0.1:${port + 1}/`).allowed);
      await assert.rejects(
        undiciFetch(`http://localhost:${port + 1}/`, { dispatcher: policy.dispatcher }),
        (e: any) => e.cause?.code === 'TESSERA_EGRESS_REFUSED',
      );
    } finally {
      await policy.close();
    }
  });
});
