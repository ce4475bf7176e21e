/**
 * Contract test (docs/providers/sources.md §0, §7): the simulator's real HTTP responses are validated
 * against GitHub's own REST OpenAPI description, `@octokit/openapi@23.0.2`
 * `generated/api.github.com.json`. That package unpacks to ~400 MB, so it is not a dependency:
 * `spec/api.github.com.copilot.json` is the slice of it that covers the operations we serve, cut
 * by `spec/extract-openapi-slice.ts` (the header names the package version and the SHA-256 of the
 * file it came from). When GitHub's spec is bumped, regenerate the slice and run this test: it is
 * what tells us the simulator has drifted from GitHub.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createOpenApiAjv, openApiToJsonSchema } from '../../../simulator-kit/openapi-schema.ts';
import {
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_ORG_ID as ORG_ID,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  generateGithubCopilotSeed,
  startGithubCopilotSimulator,
  type GithubCopilotSimulator,
} from './index.ts';
import { SLICED_PATHS, SLICE_FILE, sliceOpenApi } from './spec/extract-openapi-slice.ts';

type Json = Record<string, any>;

// ---- GitHub's spec (the vendored slice) ----

const spec = JSON.parse(readFileSync(SLICE_FILE, 'utf8')) as Json;
const SPEC_ID = 'github-spec';

const toJsonSchema = (node: unknown) => openApiToJsonSchema(node, SPEC_ID);
const ajv = createOpenApiAjv();
ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(spec.components) as Json });

const resolveRef = (node: Json): Json =>
  typeof node.$ref === 'string'
    ? resolveRef(
        (node.$ref as string)
          .slice(2)
          .split('/')
          .reduce<Json>((at, part) => at[part], spec),
      )
    : node;

const operations = new Map<string, { path: string; op: Json }>();
for (const [path, item] of Object.entries(spec.paths as Json)) operations.set(item.get.operationId, { path, op: item.get });

function operation(operationId: string) {
  const found = operations.get(operationId);
  assert.ok(found, `operationId ${operationId} is not in the spec slice`);
  return found;
}

const validators = new Map<string, ValidateFunction>();
/** The validator of an operation's documented response for `status`; fails if GitHub documents no such status. */
function responseValidator(operationId: string, status: number): ValidateFunction {
  const key = `${operationId}:${status}`;
  if (!validators.has(key)) {
    const declared = operation(operationId).op.responses[String(status)];
    assert.ok(declared, `${operationId} does not document a ${status} response (it documents ${Object.keys(operation(operationId).op.responses).join(', ')})`);
    const schema = resolveRef(declared).content?.['application/json']?.schema;
    assert.ok(schema, `${operationId} ${status} has no JSON schema`);
    validators.set(key, ajv.compile(toJsonSchema(schema) as Json));
  }
  return validators.get(key)!;
}

const basicError = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/basic-error` });

function errorsOf(validate: ValidateFunction, body: unknown): ErrorObject[] {
  return validate(body) ? [] : [...(validate.errors ?? [])];
}

function assertValid(validate: ValidateFunction, body: unknown, what: string): void {
  const errors = errorsOf(validate, body);
  assert.deepEqual(errors, [], `${what} does not match GitHub's spec: ${JSON.stringify(errors, null, 2)}`);
}

// ---- The simulator ----

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

let sim: GithubCopilotSimulator;
let checked = 0;

async function call(path: string, token: string | null = OWNER): Promise<Res> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path.startsWith('http') ? path : `${sim.baseUrl}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Calls `path`, expects `status`, and validates the body against what the spec documents for it. */
async function expect(operationId: string, path: string, status = 200, token: string | null = OWNER): Promise<Res> {
  const res = await call(path, token);
  assert.equal(res.status, status, `${operationId} ${path}: ${JSON.stringify(res.body)}`);
  assertValid(responseValidator(operationId, status), res.body, `${operationId} ${status} ${path}`);
  checked++;
  return res;
}

function nextLink(res: Res): string | undefined {
  const m = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '');
  return m?.[1];
}

/** Every page of the seats list from `first`, each page validated; returns the seats. */
async function allSeats(first: string, token = OWNER): Promise<Json[]> {
  const seats: Json[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const res = await expect('copilot/list-copilot-seats', url, 200, token);
    seats.push(...res.body.seats);
    url = nextLink(res);
    assert.ok(++pages <= 300, 'paging did not terminate');
  }
  return seats;
}

describe('contract: GitHub Copilot simulator against @octokit/openapi 23.0.2 (api.github.com)', () => {
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
  });
  after(async () => {
    await sim.close();
    assert.ok(checked > 300, `only ${checked} responses were validated`);
  });

  it('the slice is from the pinned package, self-contained, and what the extractor makes of it', () => {
    assert.equal(spec['x-tessera-source'].package, '@octokit/openapi@23.0.2');
    assert.match(spec['x-tessera-source'].sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(spec.paths), [...SLICED_PATHS]);
    // Every $ref resolves inside the slice, and slicing it again changes nothing.
    assert.deepEqual(sliceOpenApi(spec, SLICED_PATHS, spec['x-tessera-source']), spec);
  });

  it('the simulated operations exist in the spec under the routes we serve', () => {
    const expected: Record<string, string> = {
      'users/get-authenticated': '/user',
      'orgs/get': '/orgs/{org}',
      'copilot/get-copilot-organization-details': '/orgs/{org}/copilot/billing',
      'copilot/list-copilot-seats': '/orgs/{org}/copilot/billing/seats',
      'copilot/get-copilot-seat-details-for-user': '/orgs/{org}/members/{username}/copilot',
    };
    for (const [operationId, path] of Object.entries(expected)) assert.equal(operation(operationId).path, path, operationId);
  });

  it("GitHub's own examples pass the converted schemas, but for known gaps (so failures below are the simulator's)", () => {
    const pairs: [string, string][] = [
      ['copilot/list-copilot-seats', 'copilot-seats-list'],
      ['copilot/get-copilot-seat-details-for-user', 'copilot-seat-detail-active'],
      ['copilot/get-copilot-organization-details', 'copilot-organization-details'],
      ['orgs/get', 'organization-full'],
    ];
    for (const [operationId, name] of pairs) {
      const example = structuredClone(spec.components.examples[name].value) as Json;
      // Known gaps in GitHub's examples: they predate properties the schemas now require — the
      // `team` schema's `type` (organization|enterprise) and organization-full's `archived_at`.
      const missing = errorsOf(responseValidator(operationId, 200), example)
        .filter((e) => !e.schemaPath.includes('/enterprise-team/')) // the other oneOf branch
        .map((e) => `${e.instancePath} ${e.keyword} ${e.params.missingProperty ?? ''}`.trim());
      const teams = [example.assigning_team, ...(example.seats ?? []).map((s: Json) => s.assigning_team)].filter((t) => t && typeof t === 'object');
      const expectedGaps = [
        ...(name === 'organization-full' && !('archived_at' in example) ? ['required archived_at'] : []),
        ...teams.filter((t) => !('type' in t)).map(() => 'required type'),
      ];
      assert.deepEqual(
        missing.filter((m) => m.includes('required')).map((m) => m.replace(/^\S*assigning_team /, '')),
        expectedGaps,
        `example ${name}`,
      );
      for (const team of teams) team.type ??= 'organization';
      if (name === 'organization-full') example.archived_at ??= null;
      assertValid(responseValidator(operationId, 200), example, `example ${name} (known gaps filled in)`);
    }
  });

  it('list-copilot-seats: every page at several page sizes, Link-paged, each seat valid', async () => {
    for (const perPage of [1, 7, 50, 100]) {
      const seats = await allSeats(`/orgs/${ORG}/copilot/billing/seats?per_page=${perPage}`);
      assert.equal(seats.length, SEAT_COUNT, `per_page=${perPage}`);
      assert.equal(new Set(seats.map((s) => s.assignee.id)).size, SEAT_COUNT);
    }
  });

  it("list-copilot-seats: the spec's defaults (page 1, per_page 50) and the documented Link header", async () => {
    const first = await expect('copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats`);
    const perPage = operation('copilot/list-copilot-seats')
      .op.parameters.map(resolveRef)
      .find((p: Json) => p.name === 'per_page');
    assert.equal(first.body.seats.length, perPage.schema.default);
    assert.equal(first.body.total_seats, SEAT_COUNT);
    assert.ok(operation('copilot/list-copilot-seats').op.responses['200'].headers.Link, 'the spec documents a Link header');
    assert.ok(nextLink(first), 'a Link header with rel="next" on a partial first page');
    const explicit = await expect('copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats?page=1&per_page=50`);
    assert.deepEqual(explicit.body, first.body);
  });

  it('get-copilot-seat-details-for-user for every seat, equal to its list entry', async () => {
    const seats = await allSeats(`/orgs/${ORG}/copilot/billing/seats?per_page=100`);
    for (const seat of seats) {
      const res = await expect('copilot/get-copilot-seat-details-for-user', `/orgs/${ORG}/members/${seat.assignee.login}/copilot`);
      assert.deepEqual(res.body, seat);
    }
  });

  it('get-copilot-organization-details and orgs/get for both orgs; users/get-authenticated', async () => {
    await expect('copilot/get-copilot-organization-details', `/orgs/${ORG}/copilot/billing`);
    for (const login of [ORG, OTHER_ORG]) {
      const org = await call(`/orgs/${login}`);
      assert.equal(org.status, 200);
      checked++;
      // The spec types company, email and location as plain strings and blog as a URI, but GitHub
      // sends null (and "" for blog) when an org has not set them, as api.github.com/orgs/<org>
      // shows. Only those unset values may fail, and the rest of the body must be valid.
      const unset = [
        ...['company', 'email', 'location'].filter((k) => org.body[k] === null).map((k) => `/${k} type`),
        ...(org.body.blog === '' ? ['/blog format'] : []),
      ];
      const errors = errorsOf(responseValidator('orgs/get', 200), org.body);
      assert.deepEqual(errors.map((e) => `${e.instancePath} ${e.keyword}`).sort(), unset.sort(), `orgs/get /orgs/${login}`);
      const unsetKeys = unset.map((u) => u.slice(1).split(' ')[0]);
      const withoutUnset = Object.fromEntries(Object.entries(org.body as Json).filter(([k]) => !unsetKeys.includes(k)));
      assertValid(responseValidator('orgs/get', 200), withoutUnset, `orgs/get ${login} (unset company/email/location/blog left out)`);
      if (login === ORG) assert.equal(org.body.id, ORG_ID);
    }
    const me = await expect('users/get-authenticated', '/user');
    assert.equal(me.body.login, F.owner.login);
    await expect('users/get-authenticated', '/user', 200, TOKENS.member);
  });

  it('errors are basic-error, with statuses each operation documents', async () => {
    const cases: [string, string, number, string | null][] = [
      ['copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats`, 401, null],
      ['copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats`, 401, TOKENS.revoked],
      ['copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats`, 403, TOKENS.member],
      ['copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats`, 403, TOKENS.noScopes],
      ['copilot/list-copilot-seats', `/orgs/${OTHER_ORG}/copilot/billing/seats`, 404, OWNER],
      ['copilot/list-copilot-seats', '/orgs/no-such-org/copilot/billing/seats', 404, OWNER],
      ['copilot/get-copilot-seat-details-for-user', `/orgs/${ORG}/members/${F.memberWithoutSeat.login}/copilot`, 404, OWNER],
      ['copilot/get-copilot-seat-details-for-user', `/orgs/${ORG}/members/nobody-here/copilot`, 404, OWNER],
      ['copilot/get-copilot-seat-details-for-user', `/orgs/${ORG}/members/${F.owner.login}/copilot`, 403, TOKENS.member],
      ['copilot/get-copilot-organization-details', `/orgs/${ORG}/copilot/billing`, 401, null],
      ['copilot/get-copilot-organization-details', `/orgs/${ORG}/copilot/billing`, 403, TOKENS.member],
      ['orgs/get', '/orgs/no-such-org', 404, OWNER],
      ['users/get-authenticated', '/user', 401, TOKENS.revoked],
    ];
    for (const [operationId, path, status, token] of cases) {
      const res = await expect(operationId, path, status, token);
      assertValid(basicError, res.body, `${operationId} ${status}`);
    }
    // A server error, as fault injection produces it.
    sim.injectFault({ path: `/orgs/${ORG}/copilot/billing/seats`, status: 500 });
    await expect('copilot/list-copilot-seats', `/orgs/${ORG}/copilot/billing/seats`, 500);
  });

  it('seats from a generated seed (names and emails absent, null or set; teams; cancellations) are valid too', async () => {
    const seed = generateGithubCopilotSeed({ seats: 120, seed: 42 });
    const generated = await startGithubCopilotSimulator({ rateLimit: false, seed });
    try {
      const previous = sim;
      sim = generated;
      try {
        const seats = await allSeats(`/orgs/${seed.orgs[0].login}/copilot/billing/seats?per_page=100`, seed.tokens[0].token);
        assert.equal(seats.length, 120);
        assert.ok(
          seats.some((s) => s.assigning_team !== null),
          'some seats come through a team',
        );
        assert.ok(
          seats.some((s) => s.pending_cancellation_date !== null),
          'some seats are pending cancellation',
        );
      } finally {
        sim = previous;
      }
    } finally {
      await generated.close();
    }
  });
});
