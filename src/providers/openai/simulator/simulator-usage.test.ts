import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DAY_S,
  DEFAULT_OPENAI_FIXTURES as F,
  DEFAULT_OPENAI_PRICES,
  KIND_SPECS,
  USAGE_DAYS,
  USAGE_END_S,
  USAGE_FIRST_DAY_S,
  USAGE_KINDS,
  priceCents,
  startOpenAISimulator,
  type OpenAISimulator,
} from './index.ts';
import { allBuckets, assertOpenAIError, get, sum } from './simulator-test-kit.ts';

const FIRST = USAGE_FIRST_DAY_S;
const LAST_DAY = USAGE_END_S - DAY_S;
const USAGE = '/organization/usage';

describe('openai simulator: buckets', () => {
  let sim: OpenAISimulator;
  before(async () => {
    sim = await startOpenAISimulator({ rateLimit: false });
  });
  after(() => sim.close());

  it('default limits per width: 7 days, 24 hours, 60 minutes; start_time aligned down', async () => {
    for (const [width, n, size] of [
      ['1d', 7, DAY_S],
      ['1h', 24, 3_600],
      ['1m', 60, 60],
    ] as const) {
      const { body } = await get(sim, `${USAGE}/completions?start_time=${FIRST + 125}&bucket_width=${width}`);
      assert.equal(body.object, 'page');
      assert.equal(body.data.length, n, width);
      assert.equal(body.data[0].start_time, Math.floor((FIRST + 125) / size) * size);
      assert.ok(
        body.data.every(
          (b: any, i: number) => b.object === 'bucket' && b.end_time - b.start_time === size && b.start_time === body.data[0].start_time + i * size,
        ),
        width,
      );
      assert.equal(body.has_more, true);
      assert.match(body.next_page, /^page_[A-Za-z0-9+/]+=*$/);
    }
  });

  it('maxima: 31 days, 168 hours, 1440 minutes, 180 days of costs; one more is a 400', async () => {
    for (const [path, width, max] of [
      [`${USAGE}/embeddings`, '1d', 31],
      [`${USAGE}/embeddings`, '1h', 168],
      [`${USAGE}/embeddings`, '1m', 1440],
      ['/organization/costs', '1d', 180],
    ] as const) {
      const ok = await get(sim, `${path}?start_time=${FIRST - 100 * DAY_S}&bucket_width=${width}&limit=${max}`);
      assert.equal(ok.body.data.length, max, `${path} ${width}`);
      assertOpenAIError(await get(sim, `${path}?start_time=${FIRST}&bucket_width=${width}&limit=${max + 1}`), 400, { param: 'limit' });
    }
  });

  it('bad parameters are 400s naming them', async () => {
    assertOpenAIError(await get(sim, `${USAGE}/completions`), 400, { param: 'start_time', message: /^Missing required parameter: 'start_time'\.$/ });
    assertOpenAIError(await get(sim, `${USAGE}/completions?start_time=abc`), 400, { param: 'start_time' });
    assertOpenAIError(await get(sim, `${USAGE}/completions?start_time=${FIRST}&end_time=${FIRST}`), 400, { param: 'end_time' });
    assertOpenAIError(await get(sim, `${USAGE}/completions?start_time=${FIRST}&bucket_width=1w`), 400, { param: 'bucket_width' });
    assertOpenAIError(await get(sim, `${USAGE}/completions?start_time=${FIRST}&group_by[]=size`), 400, { param: 'group_by' });
    assertOpenAIError(await get(sim, `${USAGE}/vector_stores?start_time=${FIRST}&group_by[]=user_id`), 400, { param: 'group_by' });
    assertOpenAIError(await get(sim, `/organization/costs?start_time=${FIRST}&bucket_width=1h`), 400, { param: 'bucket_width' });
    assertOpenAIError(await get(sim, `/organization/costs?start_time=${FIRST}&group_by[]=user_id`), 400, { param: 'group_by' });
    assertOpenAIError(await get(sim, `${USAGE}/completions?start_time=${FIRST}&page=page_bogus`), 400, { param: 'page' });
    const other = await get(sim, `${USAGE}/completions?start_time=${FIRST}`);
    assertOpenAIError(await get(sim, `${USAGE}/completions?start_time=${FIRST + 3 * DAY_S}&page=${encodeURIComponent(other.body.next_page)}`), 400, {
      param: 'page',
    });
  });

  it('next_page walks every day of the window once; buckets past the data are empty; the clock bounds the end', async () => {
    const { pages, buckets } = await allBuckets(sim, `${USAGE}/completions`, `start_time=${FIRST}&limit=31`);
    // 90 days of data plus the seed clock's current (partial, empty) day.
    assert.equal(buckets.length, USAGE_DAYS + 1);
    assert.equal(pages.length, Math.ceil((USAGE_DAYS + 1) / 31));
    assert.deepEqual(
      buckets.map((b) => b.start_time),
      buckets.map((_, i) => FIRST + i * DAY_S),
    );
    assert.ok(
      buckets.slice(0, USAGE_DAYS).every((b) => b.results.length === 1),
      'one ungrouped result a day',
    );
    assert.deepEqual(buckets.at(-1).results, []);
    const before = await get(sim, `${USAGE}/completions?start_time=${FIRST - 3 * DAY_S}&end_time=${FIRST}`);
    assert.deepEqual(
      before.body.data.map((b: any) => b.results),
      [[], [], []],
    );
    assert.equal(before.body.has_more, false);
    assert.equal(before.body.next_page, null);
  });

  it('every group key is present, null unless grouped; group_by[]=, group_by= and repeated keys agree', async () => {
    const q = `start_time=${LAST_DAY}&limit=1`;
    const plain = await get(sim, `${USAGE}/completions?${q}`);
    const [result] = plain.body.data[0].results;
    for (const k of KIND_SPECS.completions.groupKeys) assert.equal(result[k], null, k);
    const brackets = await get(sim, `${USAGE}/completions?${q}&group_by%5B%5D=user_id&group_by%5B%5D=model`);
    const repeated = await get(sim, `${USAGE}/completions?${q}&group_by=user_id&group_by=model`);
    const indexed = await get(sim, `${USAGE}/completions?${q}&group_by[0]=user_id&group_by[1]=model`);
    assert.ok(brackets.body.data[0].results.length > 1, 'several users and models');
    assert.deepEqual(repeated.body, brackets.body);
    assert.deepEqual(indexed.body, brackets.body);
    for (const r of brackets.body.data[0].results) {
      assert.match(r.user_id, /^user-/);
      assert.equal(typeof r.model, 'string');
      assert.equal(r.project_id, null);
    }
    assert.equal(sum(brackets.body.data[0].results.map((r: any) => r.input_tokens)), result.input_tokens, 'groups add up to the total');
    const images = await get(sim, `${USAGE}/images?start_time=${FIRST}&limit=31&group_by[]=size&group_by[]=source`);
    const some = images.body.data.flatMap((b: any) => b.results);
    assert.ok(some.length > 0 && some.every((r: any) => r.size === '1024x1024' && r.source === 'image.generation'), 'image groups');
  });

  it('filters: project_ids[], user_ids[], models[], api_key_ids[]', async () => {
    const q = `start_time=${FIRST}&limit=31&group_by[]=project_id&group_by[]=user_id&group_by[]=model&group_by[]=api_key_id`;
    const all = (await allBuckets(sim, `${USAGE}/completions`, q)).buckets.flatMap((b) => b.results);
    const only = async (filter: string) => (await allBuckets(sim, `${USAGE}/completions`, `${q}&${filter}`)).buckets.flatMap((b) => b.results);
    assert.deepEqual(
      await only(`project_ids[]=${F.projects.support}`),
      all.filter((r) => r.project_id === F.projects.support),
    );
    assert.deepEqual(
      await only(`user_ids[]=${F.owner}&models[]=o3`),
      all.filter((r) => r.user_id === F.owner && r.model === 'o3'),
    );
    const key = all[0].api_key_id;
    assert.deepEqual(
      await only(`api_key_ids=${key}`),
      all.filter((r) => r.api_key_id === key),
    );
    // The archived project has usage until the day before it was archived, none after.
    const legacy = (await allBuckets(sim, `${USAGE}/completions`, `start_time=${FIRST}&limit=31&project_ids[]=${F.projects.legacy}`)).buckets;
    const archivedAt = Date.UTC(2026, 9, 15) / 1000;
    assert.ok(
      legacy.some((b) => b.start_time < archivedAt && b.results.length > 0),
      'usage before archiving',
    );
    assert.ok(
      legacy.every((b) => b.start_time < archivedAt || b.results.length === 0),
      'none after',
    );
  });

  it('hours and minutes split each day evenly: they add up to the day; storage is a level', async () => {
    const day = (await get(sim, `${USAGE}/completions?start_time=${LAST_DAY}&limit=1`)).body.data[0].results[0];
    const hours = (await get(sim, `${USAGE}/completions?start_time=${LAST_DAY}&bucket_width=1h&limit=24`)).body.data.flatMap((b: any) => b.results);
    for (const k of ['input_tokens', 'input_cached_tokens', 'input_uncached_tokens', 'output_tokens', 'num_model_requests'])
      assert.equal(sum(hours.map((r: any) => r[k])), day[k], k);
    assert.ok(
      hours.every((r: any) => r.input_tokens === r.input_cached_tokens + r.input_uncached_tokens + r.input_cache_write_tokens),
      'input = its parts in every hour',
    );
    const minutes = (await allBuckets(sim, `${USAGE}/completions`, `start_time=${LAST_DAY}&end_time=${LAST_DAY + DAY_S}&bucket_width=1m&limit=1440`)).buckets;
    assert.equal(minutes.length, 1440);
    assert.equal(sum(minutes.flatMap((b) => b.results).map((r: any) => r.output_tokens)), day.output_tokens);
    const storageDay = (await get(sim, `${USAGE}/vector_stores?start_time=${LAST_DAY}&limit=1`)).body.data[0].results[0].usage_bytes;
    const storageHours = (await get(sim, `${USAGE}/vector_stores?start_time=${LAST_DAY}&bucket_width=1h&limit=24`)).body.data;
    assert.ok(
      storageHours.every((b: any) => b.results[0].usage_bytes === storageDay),
      'bytes stored repeat in every hour',
    );
  });
});

describe('openai simulator: costs add up', () => {
  let sim: OpenAISimulator;
  before(async () => {
    sim = await startOpenAISimulator({ rateLimit: false });
  });
  after(() => sim.close());

  const prices = new Map(DEFAULT_OPENAI_PRICES.map((p) => [`${p.product} ${p.item}`, p.micro_usd_per_million]));
  /** A usage result's billable quantities, read independently of the simulator's pricing code. */
  const quantities = (kind: string, r: any): [string, string, number][] => {
    switch (kind) {
      case 'completions':
        return [
          [r.model, 'input', r.input_tokens - r.input_cached_tokens],
          [r.model, 'cached_input', r.input_cached_tokens],
          [r.model, 'output', r.output_tokens],
        ];
      case 'embeddings':
      case 'moderations':
        return [[r.model, 'input', r.input_tokens]];
      case 'images':
        return [[r.model, 'images', r.images]];
      case 'audio_speeches':
        return [[r.model, 'characters', r.characters]];
      case 'audio_transcriptions':
        return [[r.model, 'seconds', r.seconds]];
      case 'vector_stores':
        return [['vector_stores', 'storage', r.usage_bytes]];
      default:
        return [['code_interpreter_sessions', 'sessions', r.num_sessions]];
    }
  };

  it("every day: usage × the seed's prices (per project, key and model, rounded per line) equals the costs total", async () => {
    const expected = new Map<number, number>();
    for (const kind of USAGE_KINDS) {
      const groups = KIND_SPECS[kind].groupKeys.filter((k) => ['project_id', 'api_key_id', 'model'].includes(k));
      const q = `start_time=${FIRST}&limit=31${groups.map((g) => `&group_by[]=${g}`).join('')}`;
      for (const b of (await allBuckets(sim, `${USAGE}/${kind}`, q)).buckets) {
        for (const r of b.results) {
          for (const [product, item, quantity] of quantities(kind, r)) {
            const price = prices.get(`${product} ${item}`);
            if (price !== undefined && quantity > 0) expected.set(b.start_time, (expected.get(b.start_time) ?? 0) + priceCents(quantity, price));
          }
        }
      }
    }
    const costs = (await allBuckets(sim, '/organization/costs', `start_time=${FIRST}&limit=180`)).buckets;
    assert.equal(costs.length, USAGE_DAYS + 1);
    for (const b of costs.slice(0, USAGE_DAYS)) {
      assert.equal(b.results.length, 1);
      const [r] = b.results;
      assert.deepEqual(Object.keys(r), ['object', 'amount', 'line_item', 'project_id', 'api_key_id', 'quantity', 'quantity_unit']);
      assert.equal(r.amount.currency, 'usd');
      assert.equal(r.amount.value, Number(r.amount.value.toFixed(2)), 'whole cents, no float drift');
      assert.equal(Math.round(r.amount.value * 100), expected.get(b.start_time), new Date(b.start_time * 1000).toISOString());
    }
  });

  it('groupings of the same day add up to the same total', async () => {
    const q = `start_time=${LAST_DAY - 6 * DAY_S}&limit=7`;
    const cents = (rs: any[]) => sum(rs.map((r) => Math.round(r.amount.value * 100)));
    const total = (await get(sim, `/organization/costs?${q}`)).body.data;
    for (const groups of ['line_item', 'project_id', 'api_key_id', 'project_id&group_by[]=line_item&group_by[]=api_key_id']) {
      const grouped = (await get(sim, `/organization/costs?${q}&group_by[]=${groups}`)).body.data;
      grouped.forEach((b: any, i: number) => assert.equal(cents(b.results), cents(total[i].results), `${groups} on day ${i}`));
    }
    const items = (await get(sim, `/organization/costs?${q}&group_by[]=line_item`)).body.data.flatMap((b: any) => b.results);
    assert.ok(
      items.some((r: any) => r.line_item === 'gpt-4o, cached input' && r.quantity_unit === 'tokens' && r.quantity > 0),
      'line items carry quantities',
    );
    assert.ok(
      items.every((r: any) => !r.line_item.startsWith('omni-moderation')),
      'moderations are free',
    );
    const support = (await get(sim, `/organization/costs?${q}&project_ids[]=${F.projects.support}&group_by[]=project_id`)).body.data.flatMap(
      (b: any) => b.results,
    );
    assert.ok(support.length > 0 && support.every((r: any) => r.project_id === F.projects.support), 'project filter');
  });
});
