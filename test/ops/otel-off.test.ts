import assert from 'node:assert/strict';
import { register } from 'node:module';
import { after, before, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';

/**
 * Without OTEL_EXPORTER_OTLP_ENDPOINT, no OpenTelemetry module is ever loaded: a module resolve
 * hook, registered before anything of Tessera is imported, reports every specifier that names
 * @opentelemetry or the OTel implementation while a real server (sockets, sandbox) answers a
 * unified request that carries a traceparent. The same hook then sees them load once an
 * endpoint is given, so its silence means something.
 */
const seen: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (specifier: string) => seen.push(specifier));
port1.unref();
const HOOK = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  if (specifier.includes('@opentelemetry') || /(^|\\/)otel(\\.ts|\\.js)?$/.test(specifier)) port.postMessage(specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: { port: port2 }, transferList: [port2] });

// Imported only now, so the hook sees the whole static graph of the server.
const { startTestStack } = await import('../helpers/stack.ts');
const { loadTracing, noopTracing } = await import('../../src/observability/tracing.ts');
const { createLogger } = await import('../../src/logger.ts');
const { DEFAULT_OPENAI_FIXTURES } = await import('../../src/providers/openai/simulator/default-seed.ts');

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

before(async () => {
  stack = await startTestStack();
});
after(async () => {
  await stack?.close();
});

test('with no OTLP endpoint the tracing is the no-op and no OpenTelemetry module is loaded, even for a traced request', async () => {
  const tracing = await loadTracing({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }, createLogger('silent'));
  assert.equal(tracing, noopTracing);
  assert.equal(await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' }, createLogger('silent')), noopTracing);

  const origin = new URL(stack.simulators.openai).origin;
  await fetch(`${origin}/__sim/requests`, { method: 'DELETE' });
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const res = await stack.api(`/unified/usage-metering/users/${DEFAULT_OPENAI_FIXTURES.owner}?integrated_account_id=${stack.accounts.openai}`, {
    headers: { traceparent },
  });
  assert.equal(res.status, 200, await res.text());
  const { requests } = (await (await fetch(`${origin}/__sim/requests`)).json()) as { requests: { headers: Record<string, string> }[] };
  assert.ok(requests.length >= 1);
  assert.ok(
    requests.every((r) => r.headers.traceparent === undefined),
    'nothing is injected upstream',
  );

  await settle();
  assert.deepEqual(seen, [], 'no OpenTelemetry module was resolved');
});

test('the same hook sees OpenTelemetry load once an endpoint is set (the check above is not blind)', async () => {
  const tracing = await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, createLogger('silent'));
  assert.equal(tracing.enabled, true);
  await settle();
  assert.ok(
    seen.some((s) => s.includes('@opentelemetry/sdk-trace')),
    JSON.stringify(seen),
  );
  assert.ok(
    seen.some((s) => /(^|\/)otel(\.ts|\.js)?$/.test(s)),
    JSON.stringify(seen),
  );
  // Nothing was started, so nothing waits to be exported.
  await tracing.close();
});
