import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { reasonPhrase } from '../../src/errors/catalogue.ts';
import type { CustomStack } from '../helpers/custom-stack.ts';

/**
 * What the egress and upstream-fault suites share: a provider stub on a loopback port that
 * records every request it gets, a throwaway catalog whose definitions point at it, and the
 * check that an error answer is the contract's envelope.
 */
export interface StubRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Stub {
  port: number;
  origin: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStub(handler: (req: StubRequest, res: http.ServerResponse) => unknown): Promise<Stub> {
  const requests: StubRequest[] = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const seen = { method: req.method!, url: req.url!, headers: req.headers, body };
    requests.push(seen);
    try {
      await handler(seen, res);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A catalog folder of minimal api_key integrations, one per `name → base_url`, with the resources the suites call. */
export function writeCatalog(integrations: Record<string, string>, extra = ''): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-egress-catalog-'));
  for (const [name, baseUrl] of Object.entries(integrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(
      path.join(dir, name, 'integration.yaml'),
      `name: ${name}
label: Stub ${name}
category: usage-metering
base_url: ${JSON.stringify(baseUrl)}
credentials:
  format: api_key
  config:
    fields:
      - { name: api_key, label: API key, type: password, required: true }
authorization:
  format: bearer
# As most shipped providers write it: fails on an HTTP-date unless Tessera normalises the header.
rate_limit:
  is_rate_limited: "status = 429"
  retry_after_header_expression: "$number(headers.\`retry-after\`)"
resources:
  items:
    list: { path: /items, response_path: data, pagination: null }
    get: { path: "/items/{{id}}" }
    create: { method: post, path: /items }
    delete: { method: delete, path: "/items/{{id}}" }
${extra}`,
    );
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const SECRET_KEY = 'stub-secret-key-6b1d';

export async function createAccount(stack: CustomStack, integration: string): Promise<string> {
  const res = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({ tenant_id: 't', integration, context: { api_key: SECRET_KEY } }),
  });
  const body = (await res.json()) as { id: string; status: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.id;
}

const ENVELOPE_KEYS = new Set(['statusCode', 'error', 'message', 'code', 'details', 'truto_is_remote_error', 'raw_response', 'truto_error_insight']);

/** The answer is the contract's error envelope with this status and code; returns it. */
export async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = JSON.parse(text) as Record<string, any>;
  assert.equal(body.statusCode, status);
  assert.equal(body.error, reasonPhrase(status));
  assert.equal(body.code, code, text);
  assert.ok(typeof body.message === 'string' && body.message.length > 0);
  assert.deepEqual(
    Object.keys(body).filter((k) => !ENVELOPE_KEYS.has(k)),
    [],
    'only envelope fields',
  );
  assert.ok(!text.includes(SECRET_KEY), 'the credentials never come back');
  return body;
}
