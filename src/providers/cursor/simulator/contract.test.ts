/**
 * The Cursor simulator against Cursor's documented contract. There is no OpenAPI file and no SDK
 * (docs/providers/sources-additions.md §2.3, §2.10), so the contract is the documentation itself:
 * contract/wire-schema.ts writes the shapes of docs/providers/sources.md §6.1–§6.4 as strict
 * zod schemas, and contract/documented-examples.ts transcribes the documented payloads. This test
 * proves both directions: the documented examples validate (the schemas say what the docs say,
 * and the older shape without ids is refused), and every response the simulator gives (every
 * page of every route at several page sizes, and each error status) validates too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DOCUMENTED_DAILY,
  DOCUMENTED_ERROR,
  DOCUMENTED_EVENTS,
  DOCUMENTED_MEMBERS,
  DOCUMENTED_SPEND,
  DOCUMENTED_SPEND_THIRD_PARTY,
  OLDER_DOCS_MEMBERS,
} from './contract/documented-examples.ts';
import { dailyResponseSchema, errorSchema, eventsResponseSchema, membersResponseSchema, problems, spendResponseSchema } from './contract/wire-schema.ts';
import { DAY_MS, SEED_CLOCK, SEED_FIRST_DAY, startCursorSimulator, type CursorSimulator } from './index.ts';
import { get, post, type Res } from './simulator-test-kit.ts';

const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const END = ms(SEED_CLOCK) + DAY_MS - 1;
let sim: CursorSimulator;

before(async () => {
  sim = await startCursorSimulator({ rateLimits: false });
});
after(async () => {
  await sim?.close();
});

function valid(schema: Parameters<typeof problems>[0], res: Res, what: string): void {
  assert.equal(res.status, 200, `${what}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(problems(schema, res.body), [], what);
}

describe('the contract: documented payloads validate against the schemas', () => {
  test('§6.1 error, §6.2 members, §6.3 spend (vendor and third-party fields), §6.4 daily rows and events', () => {
    assert.deepEqual(problems(errorSchema, DOCUMENTED_ERROR), []);
    assert.deepEqual(problems(membersResponseSchema, DOCUMENTED_MEMBERS), []);
    assert.deepEqual(problems(spendResponseSchema, DOCUMENTED_SPEND), []);
    assert.deepEqual(problems(spendResponseSchema, DOCUMENTED_SPEND_THIRD_PARTY), []);
    assert.deepEqual(problems(dailyResponseSchema, DOCUMENTED_DAILY), []);
    assert.deepEqual(problems(eventsResponseSchema, DOCUMENTED_EVENTS), []);
  });

  test('the schemas are strict: the older member shape, a stray field and a wrong type are refused', () => {
    assert.deepEqual(
      problems(membersResponseSchema, OLDER_DOCS_MEMBERS).sort(),
      [
        'teamMembers.0.id: Invalid input: expected number, received undefined',
        'teamMembers.0.isRemoved: Invalid input: expected boolean, received undefined',
      ].sort(),
    );
    const stray = structuredClone(DOCUMENTED_EVENTS) as any;
    stray.usageEvents[0].costInDollars = 0.2;
    assert.match(problems(eventsResponseSchema, stray).join('\n'), /usageEvents\.0: Unrecognized key: "costInDollars"/);
    const wrong = structuredClone(DOCUMENTED_EVENTS) as any;
    wrong.usageEvents[0].timestamp = 1750979225854;
    assert.match(problems(eventsResponseSchema, wrong).join('\n'), /usageEvents\.0\.timestamp/);
  });
});

describe("the contract: the simulator's responses validate", () => {
  test('GET /teams/members', async () => {
    valid(membersResponseSchema, await get(sim, '/teams/members'), 'members');
  });

  test('POST /teams/spend: every page at page sizes 1, 3, 7 and 500, every sort, and an empty search', async () => {
    let checked = 0;
    for (const pageSize of [1, 3, 7, 500]) {
      for (let page = 1; ; page++) {
        const res = await post(sim, '/teams/spend', { page, pageSize });
        valid(spendResponseSchema, res, `spend page ${page} of ${pageSize}`);
        checked += res.body.teamMemberSpend.length;
        if (page >= res.body.totalPages) break;
      }
    }
    assert.equal(checked, 4 * 14);
    for (const sortBy of ['amount', 'date', 'user']) {
      for (const sortDirection of ['asc', 'desc'])
        valid(spendResponseSchema, await post(sim, '/teams/spend', { sortBy, sortDirection }), `spend by ${sortBy} ${sortDirection}`);
    }
    const none = await post(sim, '/teams/spend', { searchTerm: 'nobody-by-this-name' });
    valid(spendResponseSchema, none, 'empty search');
    assert.deepEqual([none.body.totalMembers, none.body.totalPages], [0, 0]);
  });

  test('POST /teams/daily-usage-data: every page of the 90 days in 30-day requests, paged and unpaged', async () => {
    let rows = 0;
    for (let start = ms(SEED_FIRST_DAY); start <= END; start += 30 * DAY_MS) {
      const endDate = Math.min(start + 30 * DAY_MS - 1, END);
      for (let page = 1; ; page++) {
        const res = await post(sim, '/teams/daily-usage-data', { startDate: start, endDate, page, pageSize: 5 });
        valid(dailyResponseSchema, res, `daily ${new Date(start).toISOString()} page ${page}`);
        rows += res.body.data.length;
        if (!res.body.pagination.hasNextPage) break;
      }
      valid(dailyResponseSchema, await post(sim, '/teams/daily-usage-data', { startDate: start, endDate }), 'daily unpaged');
    }
    assert.ok(rows > 1000, String(rows));
  });

  test('POST /teams/filtered-usage-events: every event of the 90 days, the default page and a filtered one', async () => {
    let events = 0;
    for (let page = 1; ; page++) {
      const res = await post(sim, '/teams/filtered-usage-events', { startDate: ms(SEED_FIRST_DAY), endDate: END, page, pageSize: 500 });
      valid(eventsResponseSchema, res, `events page ${page}`);
      events += res.body.usageEvents.length;
      if (!res.body.pagination.hasNextPage) break;
    }
    assert.ok(events > 5000, String(events));
    valid(eventsResponseSchema, await post(sim, '/teams/filtered-usage-events', {}), 'events without a body');
    valid(
      eventsResponseSchema,
      await post(sim, '/teams/filtered-usage-events', { email: 'ada@tessera.example', startDate: ms('2026-11-01'), endDate: END }),
      'events of one member',
    );
  });

  test('every error status answers in the documented error body', async () => {
    const errors: Res[] = [
      await post(sim, '/teams/spend', { sortBy: 'nope' }),
      await post(sim, '/teams/daily-usage-data', { startDate: 0, endDate: END }),
      await get(sim, '/teams/members', { key: null }),
      await get(sim, '/teams/members', { key: 'key_unknown_000000' }),
      await get(sim, '/teams/unknown-route'),
    ];
    sim.injectFault({ path: '/teams/members', status: 500 });
    errors.push(await get(sim, '/teams/members'));
    const limited = await startCursorSimulator({ rateLimit: { limit: 1, windowMs: 60_000 } });
    try {
      await get(limited, '/teams/members');
      errors.push(await get(limited, '/teams/members'));
    } finally {
      await limited.close();
    }
    assert.deepEqual(
      errors.map((e) => e.status),
      [400, 400, 401, 401, 404, 500, 429],
    );
    for (const e of errors) assert.deepEqual(problems(errorSchema, e.body), [], JSON.stringify(e.body));
    assert.deepEqual(errors.at(-1)!.body, DOCUMENTED_ERROR, 'the 429 is the documented one, word for word');
  });
});
