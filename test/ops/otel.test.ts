import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { DEFAULT_OPENAI_ADMIN_KEY } from '../../src/providers/openai/simulator/default-seed.ts';
import { spawnTessera, type TesseraProcess } from './process.ts';

/**
 * OpenTelemetry over real sockets: a Tessera process (the sandbox command, so a simulator is the
 * provider) exporting to a tiny OTLP/HTTP receiver started here. The batch delay is a minute, so
 * the spans can only arrive through the flush on SIGTERM.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

let receiver: http.Server;
let receiverUrl: string;
const exports: { contentType: string; text: string }[] = [];
let tessera: TesseraProcess;

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      exports.push({ contentType: String(req.headers['content-type']), text: body.toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  tessera = await spawnTessera('sandbox', {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_SERVICE_NAME: 'tessera-otel-test',
    OTEL_BSP_SCHEDULE_DELAY: '60000',
    TESSERA_SHUTDOWN_GRACE_MS: '5000',
  });
  await tessera.waitFor(/Try it:[\s\S]*curl[^\n]*\n\n/);
});
after(async () => {
  await tessera?.cleanup();
  await new Promise((resolve) => receiver?.close(resolve));
});

const attrs = (list: OtlpSpan['attributes']) =>
  Object.fromEntries(
    list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value))]),
  );

test('spans of a unified request: the server span continues the incoming trace, upstream attempts are its children, no secret is exported', async () => {
  const sandbox = JSON.parse(fs.readFileSync(path.join(tessera.dataDir, 'sandbox.json'), 'utf8')) as {
    token: string;
    integrated_accounts: Record<string, string>;
  };
  const accountId = sandbox.integrated_accounts.openai;
  const curl = new RegExp(`curl -s '([^']+/users/[^']+integrated_account_id=${accountId})'`).exec(tessera.stdout());
  assert.ok(curl, tessera.stdout());
  const url = new URL(curl[1]);
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');

  const res = await fetch(`${tessera.url}${url.pathname}${url.search}`, {
    headers: { authorization: `Bearer ${sandbox.token}`, traceparent: `00-${traceId}-${parentSpanId}-01` },
  });
  assert.equal(res.status, 200, await res.text());

  // The provider saw a traceparent of the same trace (the upstream span as its parent).
  const origins = /Simulators:\s*(.+)/
    .exec(tessera.stdout())![1]
    .split(',')
    .map((u) => new URL(u.trim()).origin);
  const seen: string[] = [];
  for (const origin of origins) {
    const { requests } = (await (await fetch(`${origin}/__sim/requests`)).json()) as { requests: { headers: Record<string, string> }[] };
    for (const r of requests) if (r.headers.traceparent?.includes(traceId)) seen.push(r.headers.traceparent);
  }
  assert.ok(seen.length >= 1, 'the upstream request carried the trace');

  assert.equal(exports.length, 0, 'nothing exported before the batch delay or the shutdown');
  tessera.child.kill('SIGTERM');
  assert.equal(await tessera.exited, 0, tessera.stderr());
  assert.ok(exports.length >= 1, `the shutdown flushed the spans; stderr:\n${tessera.stderr()}`);
  assert.match(exports[0].contentType, /application\/json/);

  const payloads = exports.map((e) => JSON.parse(e.text) as OtlpExport);
  const resources = payloads.flatMap((p) => p.resourceSpans);
  assert.equal(attrs(resources[0].resource.attributes)['service.name'], 'tessera-otel-test');
  const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

  const server = spans.find((s) => s.kind === SPAN_KIND_SERVER && s.traceId === traceId);
  assert.ok(server, JSON.stringify(spans.map((s) => [s.name, s.traceId])));
  assert.equal(server.parentSpanId, parentSpanId, 'the incoming span is the server span parent');
  const serverAttrs = attrs(server.attributes);
  assert.equal(server.name, 'GET /unified/:model/:resource/:id');
  assert.equal(serverAttrs['http.request.method'], 'GET');
  assert.equal(serverAttrs['http.route'], '/unified/:model/:resource/:id');
  assert.equal(serverAttrs['http.response.status_code'], 200);
  assert.equal(serverAttrs['tessera.integration'], 'openai');
  assert.equal(serverAttrs['tessera.integrated_account_id'], accountId);
  assert.equal(serverAttrs['tessera.resource'], 'users');
  assert.equal(serverAttrs['tessera.resource_method'], 'get');
  assert.ok(serverAttrs['tessera.unified_model'], JSON.stringify(serverAttrs));
  assert.ok(Number(serverAttrs['tessera.upstream_calls']) >= 1);

  const upstream = spans.filter((s) => s.kind === SPAN_KIND_CLIENT && s.parentSpanId === server.spanId);
  assert.ok(upstream.length >= 1, JSON.stringify(spans.map((s) => [s.name, s.kind, s.parentSpanId])));
  for (const span of upstream) {
    assert.equal(span.traceId, traceId);
    const a = attrs(span.attributes);
    assert.equal(a['http.response.status_code'], 200);
    assert.equal(a['server.address'], '127.0.0.1');
    assert.equal(a['tessera.integration'], 'openai');
    assert.equal(a['tessera.upstream.attempt'], 1);
    assert.ok(['GET', 'POST'].includes(String(a['http.request.method'])));
    assert.ok(
      seen.some((tp) => tp === `00-${traceId}-${span.spanId}-01`),
      `the provider got ${span.spanId} as its parent`,
    );
  }

  // Nothing secret or raw anywhere in what left the process.
  const everything = exports.map((e) => e.text).join('\n');
  assert.ok(!everything.includes(DEFAULT_OPENAI_ADMIN_KEY), 'the account API key is not exported');
  assert.ok(!everything.includes(sandbox.token), 'the Tessera API token is not exported');
  assert.ok(!/authorization|bearer|integrated_account_id=|sk-admin/i.test(everything), 'no header, credential or query string is exported');
});
