import { parseNonNegativeInt } from '../../../simulator-kit/cli-args.ts';
import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { DEFAULT_OPENAI_ADMIN_KEY, DEFAULT_OPENAI_FIXTURES, DEFAULT_OPENAI_ORG, USAGE_END_S, defaultOpenAISeed } from './default-seed.ts';
import { faultMessage, MESSAGES, openaiErrorBody, typeForStatus } from './errors.ts';
import { mountListRoutes } from './list-routes.ts';
import { OPENAI_ADMIN_RATE_LIMIT, OpenAIRateLimits, type OpenAIRateLimitConfig, type OpenAIRouteDeps } from './route-kit.ts';
import { parseOpenAISeed, type OpenAISeed, type OpenAISeedInput } from './seed-schema.ts';
import { OpenAIState } from './state.ts';
import { mountUsageRoutes } from './usage-routes.ts';

/** OpenAI's switches for behaviour tests want to pin down. */
export interface OpenAISwitches {
  /** Default 300 admin requests per minute per organization; `false` never refuses. */
  rateLimit?: false | OpenAIRateLimitConfig;
}

export interface OpenAISimulatorOptions extends OpenAISwitches {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default defaultOpenAISeed(). Validated; an invalid seed rejects the start. */
  seed?: OpenAISeed | OpenAISeedInput;
  /** One line per request on stderr. */
  logRequests?: boolean;
}

/** `baseUrl` is `<origin>/v1`, as OpenAI's `https://api.openai.com/v1`. */
export type OpenAISimulator = RunningSimulator<OpenAIState, OpenAISeed | OpenAISeedInput>;

function banner(seed: OpenAISeed): string[] {
  const day = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
  const dates = seed.usage.map((u) => u.date).sort();
  const pending = seed.invites.filter((i) => i.status === 'pending').length;
  return [
    `  organization ${seed.organization.name} (${seed.organization.id}): ${seed.users.length} users, ${pending} pending invites, ${seed.projects.length} projects`,
    `  usage: ${seed.usage.length} daily records${dates.length ? ` from ${dates[0]} to ${dates[dates.length - 1]}` : ''}; clock ${new Date(seed.clock * 1000).toISOString()}`,
    `  e.g. GET /v1/organization/costs?start_time=${Date.parse(`${dates[0] ?? day(seed.clock)}T00:00:00Z`) / 1000}&limit=7`,
    'admin keys:',
    ...seed.admin_keys.filter((k) => !k.revoked).map((k) => `  ${k.value}  (${k.name})`),
    ...(seed.project_keys.length ? [`project key (403 on admin routes): ${seed.project_keys[0].value}`] : []),
  ];
}

/** The OpenAI Admin API simulator. See README.md in this folder. */
export const simulator = defineSimulator<OpenAISeed, OpenAIState, OpenAISwitches>({
  name: 'openai',
  title: 'OpenAI Admin API simulator',
  apiPrefix: '/v1',
  requestIdHeader: 'x-request-id',
  errorBody: (c, status, message) =>
    status === 404 && message === 'Not Found'
      ? openaiErrorBody(MESSAGES.invalidUrl(c.req.method, new URL(c.req.url).pathname))
      : openaiErrorBody(message, typeForStatus(status), null, status === 429 ? 'rate_limit_exceeded' : null),
  faultMessage,
  seed: { parse: parseOpenAISeed, default: defaultOpenAISeed },
  create(seed, options, kit) {
    const state = new OpenAIState(seed);
    const rateLimits = new OpenAIRateLimits(!kit.rateLimits ? false : options.rateLimit === undefined ? OPENAI_ADMIN_RATE_LIMIT : options.rateLimit);
    const deps: OpenAIRouteDeps = { state, rateLimits };
    return {
      state,
      mount(app) {
        mountListRoutes(app, deps);
        mountUsageRoutes(app, deps);
      },
      load(next) {
        state.load(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  sandbox: {
    context: { admin_key: DEFAULT_OPENAI_ADMIN_KEY, organization_id: DEFAULT_OPENAI_ORG.id, organization_name: DEFAULT_OPENAI_ORG.name },
    exampleUserId: DEFAULT_OPENAI_FIXTURES.owner,
    exampleUsageQuery: {
      start_date: new Date((USAGE_END_S - 7 * 86_400) * 1000).toISOString(),
      end_date: new Date(USAGE_END_S * 1000).toISOString(),
    },
  },
  cli: {
    defaultPort: 4030,
    options: { 'rate-limit': { type: 'string' } },
    usage: ['--rate-limit n                 admin requests per minute per organization (default 300)'],
    toOptions(values) {
      const perMinute = parseNonNegativeInt('rate-limit', values['rate-limit'] as string | undefined);
      return { options: perMinute === undefined ? {} : { rateLimit: { perMinute } } };
    },
    banner,
  },
});

/** Starts the OpenAI simulator on loopback (tests; the sandbox goes through the kit). */
export function startOpenAISimulator(opts: OpenAISimulatorOptions = {}): Promise<OpenAISimulator> {
  const { port, host, seed, logRequests, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, options }) as Promise<OpenAISimulator>;
}
