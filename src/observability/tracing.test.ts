import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import type { RequestLogRecord } from '../logger.ts';
import { UpstreamNetworkError, type UpstreamCallRecord, type UpstreamRequest } from '../upstream/types.ts';
import { formatTraceparent, remoteParent, samplerFromEnv } from './otel.ts';
import { bindRequestSpan, requestSpanOf, tracingRequested } from './tracing.ts';
import type { RequestSpan, UpstreamAttemptStart } from './types.ts';
import { upstreamSpans } from './upstream-spans.ts';

test('tracing is requested by an OTLP endpoint (generic or traces) unless OTEL_SDK_DISABLED', () => {
  assert.equal(tracingRequested({}), false);
  assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), false);
  assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), true);
  assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }), true);
  assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'TRUE' }), false);
});

test('traceparent: a valid one becomes the remote parent; malformed, all-zero or version ff ones start a new trace', () => {
  const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const parent = trace.getSpanContext(remoteParent(tp, 'vendor=x'))!;
  assert.equal(parent.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(parent.spanId, 'b7ad6b7169203331');
  assert.equal(parent.traceFlags, 1);
  assert.equal(parent.isRemote, true);
  assert.equal(parent.traceState?.get('vendor'), 'x');
  assert.equal(formatTraceparent(parent), tp);
  for (const bad of [
    undefined,
    'garbage',
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
    'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
    '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
  ]) {
    assert.equal(trace.getSpanContext(remoteParent(bad, undefined)), undefined, String(bad));
  }
  // A later version is read as 00, its extra fields ignored.
  assert.equal(trace.getSpanContext(remoteParent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-more', undefined))?.traceFlags, 0);
});

test('OTEL_TRACES_SAMPLER picks the sampler; parent-based always-on by default', () => {
  assert.match(samplerFromEnv({}).toString(), /ParentBased\{root=AlwaysOnSampler/);
  assert.equal(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString(), 'AlwaysOffSampler');
  assert.match(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString(), /TraceIdRatioBased\{0\.25\}/);
});

/** A request span that records what the interceptor asks of it. */
function fakeSpan() {
  const started: UpstreamAttemptStart[] = [];
  const ended: { status: number | null; error?: string }[] = [];
  const span: RequestSpan = {
    startUpstream(a) {
      started.push(a);
      return { traceparent: `00-${'a'.repeat(32)}-${String(started.length).padStart(16, '0')}-01`, end: (r) => ended.push(r) };
    },
    end() {},
  };
  return { span, started, ended };
}

const request: UpstreamRequest = {
  method: 'get',
  url: 'https://api.example.com/v1/users?api_key=s3cret',
  headers: { authorization: 'Bearer k' },
  role: 'main',
  retryable: true,
};

test('no span bound to the request: no interceptor at all', () => {
  assert.deepEqual(upstreamSpans(undefined, 'openai', []), []);
  assert.deepEqual(upstreamSpans({ request_id: 'r', upstream: [], upstream_calls: 0 }, 'openai', []), []);
});

test('each attempt gets its span and its own traceparent; failures end the span with why', async () => {
  const log: RequestLogRecord = { request_id: 'r', upstream: [], upstream_calls: 0 };
  const { span, started, ended } = fakeSpan();
  bindRequestSpan(log, span);
  assert.equal(requestSpanOf(log), span);
  const calls: UpstreamCallRecord[] = [];
  const sentHeaders: Record<string, string>[] = [];
  const [interceptor] = upstreamSpans(log, 'openai', calls);
  let fail = false;
  const send = interceptor(async (r) => {
    sentHeaders.push(r.headers);
    if (fail) throw new UpstreamNetworkError('down', 'timeout');
    return { status: 503, headers: {}, body: null, contentType: '', durationMs: 1 };
  });

  assert.equal((await send(request)).status, 503);
  // The trace interceptor records the attempt; the next one of the same call is attempt 2.
  calls.push({ requestUrl: request.url, method: 'GET', status: 503, durationMs: 1, role: 'main', attempt: 1 });
  fail = true;
  await assert.rejects(send(request), UpstreamNetworkError);

  assert.deepEqual(
    started.map((s) => [s.integration, s.method, s.attempt, s.role]),
    [
      ['openai', 'GET', 1, 'main'],
      ['openai', 'GET', 2, 'main'],
    ],
  );
  assert.deepEqual(ended, [{ status: 503 }, { status: null, error: 'timeout' }]);
  assert.deepEqual(
    sentHeaders.map((h) => h.traceparent),
    [`00-${'a'.repeat(32)}-0000000000000001-01`, `00-${'a'.repeat(32)}-0000000000000002-01`],
  );
  assert.equal(sentHeaders[0].authorization, 'Bearer k', 'the request keeps its own headers');
  assert.equal(request.headers.traceparent, undefined, 'the caller’s request is not modified');
});
