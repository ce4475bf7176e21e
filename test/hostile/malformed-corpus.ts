/**
 * The generated corpus of malformed requests for malformed-requests.test.ts: nasty path segments
 * crossed with every route template, hostile query strings on the list routes, and hostile bodies
 * on every route that reads one. Paths are sent exactly as written here (percent-encoding and
 * all), so what reaches the server is what an attacker's raw client would send.
 */
export interface CorpusRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Which family it came from, for the counts the suite prints. */
  family: 'segment' | 'query' | 'body' | 'header';
}

/** Names of Object.prototype members, then encodings and values that break naive code. */
export const NASTY_SEGMENTS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  '%5F%5Fproto%5F%5F',
  '%00',
  'a%00b',
  '%01',
  '%0A',
  '%0D%0Aset-cookie:%20x=1',
  '%1F',
  '%7F',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%F0%9F%92%A9',
  '%E2%80%AE',
  '%2e%2e',
  '..%2F..%2Fetc%2Fpasswd',
  '%2F',
  '%20',
  '%09',
  "'%20OR%201=1--",
  '%22%3E%3Cscript%3E',
  '%7B%7Bcontext.api_key%7D%7D',
  '$%7Bprocess.env%7D',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e308',
  '0x10',
  'A'.repeat(300),
  'x'.repeat(5000),
  '%25'.repeat(500),
  'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE',
  '00000000-0000-0000-0000-000000000000',
];

/** Route templates: {S} is the nasty segment, {A} the integrated account id. */
export const ROUTE_TEMPLATES: [string, string][] = [
  ['GET', '/unified/{S}/users?integrated_account_id={A}'],
  ['GET', '/unified/usage-metering/{S}?integrated_account_id={A}'],
  ['GET', '/unified/usage-metering/users/{S}?integrated_account_id={A}'],
  ['POST', '/unified/usage-metering/users/{S}?integrated_account_id={A}'],
  ['PATCH', '/unified/usage-metering/users/{S}?integrated_account_id={A}'],
  ['DELETE', '/unified/usage-metering/{S}/{S}?integrated_account_id={A}'],
  ['POST', '/unified/{S}/{S}?integrated_account_id={A}'],
  ['GET', '/unified/usage-metering/users/meta/{S}?integrated_account_id={A}'],
  ['GET', '/unified/{S}/{S}/meta/list?integrated_account_id={A}'],
  ['GET', '/unified/usage-metering/users/{S}/meta/list'],
  ['GET', '/unified/usage-metering/users/neon/meta/{S}'],
  ['GET', '/unified/meta/{S}/neon'],
  ['GET', '/unified/meta/usage-metering/{S}'],
  ['GET', '/proxy/{S}?integrated_account_id={A}'],
  ['POST', '/proxy/{S}?integrated_account_id={A}'],
  ['GET', '/proxy/members/{S}?integrated_account_id={A}'],
  ['POST', '/proxy/members/{S}?integrated_account_id={A}'],
  ['POST', '/proxy/{S}/{S}?integrated_account_id={A}'],
  ['GET', '/custom/{S}?integrated_account_id={A}'],
  ['GET', '/integrated-account/{S}'],
  ['PATCH', '/integrated-account/{S}'],
  ['DELETE', '/integrated-account/{S}'],
  ['GET', '/integrated-account/{S}/capabilities'],
  ['GET', '/integration/{S}'],
  ['GET', '/integration/{S}/capabilities'],
  ['GET', '/environment-unified-model-resource-method/{S}'],
  ['PATCH', '/environment-unified-model-resource-method/{S}'],
  ['DELETE', '/environment-unified-model-resource-method/{S}'],
  ['GET', '/proxy/members?integrated_account_id={S}'],
  ['GET', '/integrated-account?tenant_id={S}'],
  // The platform surface (docs/platform.md and the pages it links).
  ['GET', '/environment/{S}'],
  ['PATCH', '/environment/{S}'],
  ['GET', '/api-token/{S}'],
  ['DELETE', '/api-token/{S}'],
  ['GET', '/environment-integration/{S}'],
  ['PATCH', '/environment-integration/{S}'],
  ['DELETE', '/environment-integration/{S}'],
  ['GET', '/unified-model/{S}'],
  ['GET', '/webhook/{S}'],
  ['PATCH', '/webhook/{S}'],
  ['DELETE', '/webhook/{S}'],
  ['GET', '/integrated-account/{S}/tools'],
  ['POST', '/integrated-account/{S}/mcp'],
  ['PATCH', '/integrated-account/{S}/credentials'],
  ['POST', '/integrated-account/{S}/validate'],
  // The console's static files: a hostile segment is a page route (index.html) or a 404 envelope, never a file outside console/dist.
  ['GET', '/console/{S}'],
  ['GET', '/console/assets/{S}'],
  ['GET', '/log?log_type={S}'],
  ['GET', '/log?log_type=unified_proxy_api&log_type_filter[{S}]=1'],
  ['GET', '/webhook?target_url={S}'],
  ['GET', '/api-token?name={S}'],
];

/** Hostile query strings (appended after `?`, or after the account id with `&`). */
export const NASTY_QUERIES = [
  'limit=1e308',
  'limit=99999999999999999999',
  'limit=9007199254740993',
  'limit=-1',
  'limit=0',
  'limit=NaN',
  'limit=Infinity',
  'limit=1.5',
  'limit=%205',
  'limit=0x10',
  'limit[]=1',
  'limit[a]=1',
  'limit=1&limit=2',
  'limit=%00',
  'next_cursor[]=x',
  'next_cursor[a]=x',
  'next_cursor=garbage',
  'next_cursor=a.b',
  'next_cursor=%00.%00',
  `next_cursor=${'A'.repeat(8000)}.x`,
  'tenant_id=%00',
  'tenant_id=a%00b',
  `tenant_id=${'t'.repeat(5000)}`,
  'tenant_id[]=a',
  'tenant_id[a][b]=c',
  'status=%00',
  'status[]=active',
  'integration.name=%00',
  'integration[name]=%00',
  'integration[name][x]=1',
  'integration=str',
  'environment_id=%00',
  'is_sandbox=maybe',
  'is_sandbox[]=true',
  'created_at=2024',
  'created_at[gt]=not-a-date',
  'created_at[gt]=%00',
  'created_at[gt][x]=1',
  'created_at[__proto__]=1',
  'created_at[eq]=2024-01-01',
  'updated_at[lt]=99999-12-31',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'toString=1',
  'hasOwnProperty=1',
  'truto_response_format=__proto__',
  'truto_response_format[]=raw',
  'truto_key_by=__proto__',
  'truto_key_by=constructor',
  'truto_key_by[]=id',
  'truto_exclude_fields=__proto__',
  'truto_exclude_fields[__proto__]=x',
  'truto_exclude_fields[a][b]=x',
  'truto_ignore_remote_data=perhaps',
  'truto_skip_api_call[]=true',
  'truto_super_query=x',
  'remote_query=str',
  'remote_query[]=x',
  'remote_query[__proto__][x]=1',
  'remote_query[%00]=1',
  'a[b][c][d][e][f][g][h][i][j][k][l][m]=1',
  'a[=1',
  'a]=1',
  '%ZZ=1',
  'x=%ZZ',
  'x=%00',
  '=x',
  '&&&',
  Array.from({ length: 1200 }, (_, i) => `p${i}=${i}`).join('&'),
  `big=${'v'.repeat(12000)}`,
  'type=__proto__',
  'methods[]=constructor',
  'resource=__proto__',
  'has_description=nope',
  'format=__proto__',
];

export const QUERY_ROUTES = [
  '/integrated-account?',
  '/integration?',
  '/unified/usage-metering/users?integrated_account_id={A}&',
  '/proxy/members?integrated_account_id={A}&',
  '/integrated-account/{A}/capabilities?',
  '/environment-unified-model-resource-method?',
  '/unified/meta/usage-metering/neon?',
  '/oauth2/callback?',
  '/openapi.json?',
  '/environment?',
  '/api-token?',
  '/environment-integration?',
  '/unified-model?',
  '/webhook?',
  '/log?log_type=unified_proxy_api&',
  '/integrated-account/{A}/tools?',
];

/** Hostile headers (those Node's client lets through; the rest are the raw-socket cases). */
export const NASTY_HEADERS: Record<string, string>[] = [
  { authorization: `Bearer ${'a'.repeat(8000)}` },
  { authorization: 'Bearer tsk_\u00ff\u00fe' },
  { authorization: 'Basic dXNlcjpwYXNz' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer a b' },
  { 'idempotency-key': 'k'.repeat(300) },
  { 'idempotency-key': '\u00ff' },
  { 'content-type': 'application/json; charset=utf-16' },
  { 'content-type': '\u00ff/\u00fe' },
  { accept: 'text/html' },
  { 'accept-encoding': 'gzip;q=NaN, *;q=-1' },
  { 'x-forwarded-for': '127.0.0.1, ::1, garbage' },
  { 'x-request-id': '\u00ff'.repeat(100) },
];

export const HEADER_ROUTES: [string, string][] = [
  ['POST', '/integrated-account'],
  ['GET', '/unified/usage-metering/users?integrated_account_id={A}&limit=1'],
  ['POST', '/proxy/members?integrated_account_id={A}'],
  ['GET', '/integrated-account?limit=1'],
];

function nested(depth: number, open: string, close: string, leaf = '1'): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

const account = (extra: Record<string, unknown>) => JSON.stringify({ tenant_id: 'hostile', integration: 'neon', context: { api_key: 'k' }, ...extra });

/** Hostile bodies: [label, body, content-type]. */
export const NASTY_BODIES: [string, string | Buffer, string | undefined][] = [
  ['truncated', '{', 'application/json'],
  ['missing value', '{"a":}', 'application/json'],
  ['trailing comma', '[1,]', 'application/json'],
  ['bare word', 'nul', 'application/json'],
  ['trailing garbage', '{"a":1}garbage', 'application/json'],
  ['bom', '\ufeff{}', 'application/json'],
  ['raw nul', '\u0000', 'application/json'],
  ['control char in string', '{"tenant_id":"a\u0001b"}', 'application/json'],
  ['single quotes', "{'a':1}", 'application/json'],
  ['deep arrays 100k', nested(100_000, '[', ']'), 'application/json'],
  ['deep objects 100k', nested(100_000, '{"a":', '}'), 'application/json'],
  ['deep arrays 65', nested(65, '[', ']'), 'application/json'],
  ['deep context 200', `{"tenant_id":"t","integration":"neon","context":${nested(200, '{"a":', '}')}}`, 'application/json'],
  ['deep in string', `{"a":"${'['.repeat(10_000)}"}`, 'application/json'],
  ['2 MB body', `{"tenant_id":"${'x'.repeat(2 * 1024 * 1024)}"}`, 'application/json'],
  ['many keys', `{${Array.from({ length: 30_000 }, (_, i) => `"k${i}":1`).join(',')}}`, 'application/json'],
  ['text/plain', account({}), 'text/plain'],
  ['form', 'tenant_id=x&integration=neon', 'application/x-www-form-urlencoded'],
  ['multipart', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n', 'multipart/form-data; boundary=b'],
  ['no content type', account({}), undefined],
  ['invalid utf-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'],
  ['nul in tenant_id', account({ tenant_id: 'a\u0000b' }), 'application/json'],
  ['nul in key', '{"a\\u0000b":1}', 'application/json'],
  ['nul in context', account({ context: { api_key: 'k\u0000' } }), 'application/json'],
  ['escape in tenant_id', account({ tenant_id: 'a\u001bb' }), 'application/json'],
  ['long tenant_id', account({ tenant_id: 't'.repeat(10_000) }), 'application/json'],
  ['long authentication_method', account({ authentication_method: 'm'.repeat(1000) }), 'application/json'],
  ['long integration', account({ integration: 'n'.repeat(1000) }), 'application/json'],
  ['unicode tenant_id', account({ tenant_id: '😀 ünïcødé \u202e' }), 'application/json'],
  ['lone surrogate', '{"tenant_id":"\\ud800","integration":"neon","context":{"api_key":"k"}}', 'application/json'],
  ['__proto__ key', '{"__proto__":{"polluted":true},"tenant_id":"t","integration":"neon"}', 'application/json'],
  ['__proto__ in context', '{"tenant_id":"t","integration":"neon","context":{"api_key":"k","__proto__":{"polluted":true}}}', 'application/json'],
  ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}', 'application/json'],
  ['override __proto__', '{"unified_model_override":{"__proto__":{"polluted":true}}}', 'application/json'],
  ['override constructor', '{"unified_model_override":{"usage-metering":{"users":{"constructor":{"x":1}}}}}', 'application/json'],
  ['array', '[]', 'application/json'],
  ['null', 'null', 'application/json'],
  ['number', '1e999', 'application/json'],
  ['string', '"str"', 'application/json'],
  ['tenant_id object', '{"tenant_id":{},"integration":"neon"}', 'application/json'],
  ['integration object', '{"tenant_id":"t","integration":{"name":{"x":1}}}', 'application/json'],
  ['integration __proto__', '{"tenant_id":"t","integration":"__proto__"}', 'application/json'],
  ['integration constructor', '{"tenant_id":"t","integration":{"name":"constructor"}}', 'application/json'],
  [
    'mapping on constructor',
    '{"unified_model":"usage-metering","resource_name":"constructor","integration_name":"neon","method_name":"list","config":{}}',
    'application/json',
  ],
  [
    'mapping method toString',
    '{"unified_model":"usage-metering","resource_name":"users","integration_name":"neon","method_name":"toString","config":{}}',
    'application/json',
  ],
  [
    'mapping nul',
    '{"unified_model":"usage-metering","resource_name":"users","integration_name":"neon","method_name":"a\\u0000","config":{}}',
    'application/json',
  ],
  [
    'mapping long method',
    `{"unified_model":"usage-metering","resource_name":"users","integration_name":"neon","method_name":"${'m'.repeat(500)}","config":{}}`,
    'application/json',
  ],
  ['oauth __proto__', '{"integration":"__proto__","tenant_id":"t"}', 'application/json'],
  ['huge number', '{"tenant_id":"t","integration":"neon","region":1e400}', 'application/json'],
];

/** Routes that read a body; {A} is the account id, {T} a throwaway account for PATCH. */
export const BODY_ROUTES: [string, string][] = [
  ['POST', '/integrated-account'],
  ['PATCH', '/integrated-account/{T}'],
  ['POST', '/environment-unified-model-resource-method'],
  ['POST', '/unified/usage-metering/users?integrated_account_id={A}'],
  ['POST', '/proxy/members?integrated_account_id={A}'],
  ['POST', '/custom/anything?integrated_account_id={A}'],
  ['POST', '/oauth2/authorize'],
  ['POST', '/api-token'],
  ['POST', '/environment-integration'],
  ['POST', '/link-token'],
  ['POST', '/webhook'],
  ['POST', '/webhook/test'],
  ['POST', '/batch-request'],
  ['POST', '/integrated-account/token'],
  ['POST', '/integrated-account/bulk-delete'],
  ['POST', '/integrated-account/refresh-credentials'],
  ['PATCH', '/integrated-account/{T}/credentials'],
];

export function generateCorpus(ids: { account: string; throwaway: string }): CorpusRequest[] {
  const fill = (t: string, s = '') => t.replaceAll('{S}', s).replaceAll('{A}', ids.account).replaceAll('{T}', ids.throwaway);
  const out: CorpusRequest[] = [];
  for (const [method, template] of ROUTE_TEMPLATES) {
    for (const s of NASTY_SEGMENTS) {
      out.push({ method, path: fill(template, s), family: 'segment', ...(method === 'GET' || method === 'DELETE' ? {} : jsonBody('{}')) });
    }
  }
  for (const route of QUERY_ROUTES) for (const q of NASTY_QUERIES) out.push({ method: 'GET', path: fill(route) + q, family: 'query' });
  for (const [method, route] of BODY_ROUTES) {
    for (const [, body, type] of NASTY_BODIES) out.push({ method, path: fill(route), body, headers: type ? { 'content-type': type } : {}, family: 'body' });
  }
  for (const [method, route] of HEADER_ROUTES) {
    for (const headers of NASTY_HEADERS) {
      out.push({ method, path: fill(route), headers, family: 'header', ...(method === 'POST' ? { body: '{"tenant_id":"h","integration":"neon"}' } : {}) });
    }
  }
  return out;
}

function jsonBody(body: string) {
  return { body, headers: { 'content-type': 'application/json' } };
}
