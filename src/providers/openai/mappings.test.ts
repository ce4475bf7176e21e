/**
 * The OpenAI mappings offline, through the engine's own `mapUpstreamRecords` (no server, no
 * simulator): the shapes the sandbox seed does not reach, and the dollars → cents conversion
 * of docs/providers/sources.md §2.1 on the values where float multiplication goes wrong.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapUpstreamRecords } from '../../engine/unified-engine.ts';
import { loadCatalog } from '../../integrations/catalog.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';

type Json = Record<string, any>;

const catalog = loadCatalog();
const context = { admin_key: 'sk-admin-x', organization_id: 'org-Abc123' };

async function mapWith(resource: string, method: string, records: unknown[], phase?: number, sideLoad: Json = {}) {
  const mapping = catalog.getMapping('openai', 'usage-metering', resource, method)!;
  const config = phase === undefined ? mapping : { ...mapping, ...mapping.phases![phase] };
  const mapped = await mapUpstreamRecords({
    integrationName: 'openai',
    config,
    call: { model: 'usage-metering', resource, method, query: {}, rawQuery: {} },
    records,
    sideLoad,
    context,
    before: {},
    headers: {},
  });
  // JSON round trip: JSONata builds null-prototype objects, which deepEqual tells apart.
  return mapped.map((m) => JSON.parse(JSON.stringify(m.unified)) as Json);
}

const costsPage = (values: number[]) => [
  {
    object: 'bucket',
    start_time: 1795651200,
    end_time: 1795737600,
    results: values.map((value, i) => ({
      object: 'organization.costs.result',
      amount: { value, currency: 'usd' },
      line_item: `item ${i}`,
      project_id: null,
      api_key_id: null,
      quantity: null,
      quantity_unit: null,
    })),
  },
];

describe('openai usage mapping, offline', () => {
  it('dollars become integer cents by the decimal point, rounding half away from zero', async () => {
    const cases: [number, number][] = [
      [0.07, 7],
      [0.29, 29],
      [1.005, 101],
      [0.125, 13],
      [0.1249, 12],
      [12.34, 1234],
      [1234567.891, 123456789],
      [0.57, 57],
      [4.35, 435],
      [0, 0],
      [5, 500],
      [-0.005, -1],
      [-2.675, -268],
      [1e-7, 0],
      [0.0000049, 0],
    ];
    const rows = await mapWith('usage', 'list', costsPage(cases.map(([v]) => v)));
    assert.deepEqual(
      rows.map((r) => r.charges[0].amount),
      cases.map(([, cents]) => cents),
    );
    // Float multiplication would have said otherwise for some of these.
    assert.notEqual(Math.round(1.005 * 100), 101);
    assert.ok(
      rows.every((r) => r.charges[0].currency === 'USD' && r.charges[0].type === 'total'),
      'USD totals',
    );
  });

  it('a cost row: id, product from the line item, quantity and unit, org from the context; valid', async () => {
    const [row] = await mapWith('usage', 'list', [
      {
        object: 'bucket',
        start_time: 1795651200,
        end_time: 1795737600,
        results: [
          {
            object: 'organization.costs.result',
            amount: { value: 0.06, currency: 'usd' },
            line_item: 'gpt-4o, input',
            project_id: 'proj_a',
            api_key_id: null,
            quantity: 24000,
            quantity_unit: 'tokens',
          },
        ],
      },
    ]);
    const { remote_data, ...unified } = row;
    assert.deepEqual(unified, {
      id: 'openai:costs:2026-11-26T00:00:00.000Z:-:gpt-4o, input',
      product: { id: 'gpt-4o, input', name: 'gpt-4o, input' },
      metric_name: 'cost',
      resources: [{ id: 'proj_a' }],
      organization: { id: 'org-Abc123', name: 'org-Abc123' },
      charges: [{ amount: 6, currency: 'USD', type: 'total' }],
      usage: { quantity: 24000, unit: 'tokens' },
      surface: 'api',
      start_date: '2026-11-26T00:00:00.000Z',
      end_date: '2026-11-27T00:00:00.000Z',
    });
    assert.equal(remote_data.start_time, 1795651200);
    assert.equal(schemaValidator('usage-metering', 'usage')(row), null);
  });

  it('token rows: an unknown user keeps its id; an ungrouped row is org-level with "-"', async () => {
    const bucket = {
      object: 'bucket',
      start_time: 1795651200,
      end_time: 1795737600,
      results: [
        {
          object: 'organization.usage.embeddings.result',
          input_tokens: 10,
          num_model_requests: 1,
          project_id: null,
          user_id: 'user-gone',
          api_key_id: null,
          model: 'text-embedding-3-small',
        },
        {
          object: 'organization.usage.audio_transcriptions.result',
          seconds: 90,
          num_model_requests: 2,
          project_id: null,
          user_id: null,
          api_key_id: null,
          model: null,
        },
      ],
    };
    const [embedding, audio] = await mapWith('usage', 'list', [bucket], 0, { users: { 'user-a': { email: 'a@x.example', name: 'A' } } });
    assert.deepEqual(embedding.user, { id: 'user-gone' });
    assert.deepEqual(embedding.usage, { tokens: { input: 10, total: 10 }, requests: { total: 1 } });
    assert.equal(audio.id, 'openai:audio_transcriptions:2026-11-26T00:00:00.000Z:-:audio_transcriptions');
    assert.equal('user' in audio, false);
    assert.equal('model' in audio, false);
    assert.deepEqual(audio.usage, { requests: { total: 2 }, quantity: 90, unit: 'seconds' });
  });
});

describe('openai users mapping, offline', () => {
  it('a banned user is inactive; a null name falls back to the account name, then the email', async () => {
    const base = { object: 'organization.user', role: 'reader', added_at: 1700000000, api_key_last_used_at: null };
    const [banned, accountName, emailOnly] = await mapWith(
      'users',
      'list',
      [
        { ...base, id: 'user-1', name: 'Banned Person', email: 'b@x.example', user: { object: 'user', id: 'user-1', enabled: true, banned: true } },
        { ...base, id: 'user-2', name: null, email: 'c@x.example', user: { object: 'user', id: 'user-2', name: 'From Account' } },
        { ...base, id: 'user-3', name: ' ', email: null },
      ],
      0,
    );
    assert.equal(banned.status, 'inactive');
    assert.deepEqual([accountName.name, accountName.first_name, accountName.last_name], ['From Account', 'From', 'Account']);
    assert.equal(emailOnly.name, 'user-3');
    assert.equal('emails' in emailOnly, false);
    assert.equal('last_active_at' in emailOnly, false);
  });

  it('only pending invites become invited users', async () => {
    const invite = (id: string, status: string) => ({
      object: 'organization.invite',
      id,
      email: `${id}@x.example`,
      role: 'reader',
      status,
      created_at: 1795000000,
      projects: [],
    });
    const rows = await mapWith('users', 'list', [invite('invite-a', 'pending'), invite('invite-b', 'expired'), invite('invite-c', 'accepted')], 1);
    assert.deepEqual(
      rows.map((r) => [r.id, r.status, r.created_at]),
      [['invite-a', 'invited', '2026-11-18T11:06:40.000Z']],
    );
  });
});
