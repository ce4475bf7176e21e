import type { UnifiedModel } from '../types.ts';

const dateTime = { type: 'string', format: 'date-time' } as const;
const idName = (required: string[] = ['id', 'name']) =>
  ({
    type: 'object',
    properties: { id: { type: 'string' }, name: { type: 'string' } },
    required,
    additionalProperties: false,
  }) as const;
const remoteData = { type: 'object', additionalProperties: true, description: 'The raw upstream object' } as const;

/**
 * The usage-metering unified model (docs/contract.md §17): JSON Schemas with `id` and `name`
 * required, properties in the documented order, `additionalProperties: false` except inside
 * `remote_data`.
 */
export const usageMetering: UnifiedModel = {
  name: 'usage-metering',
  label: 'Usage Metering',
  description: 'Seats, spend and usage of SaaS and AI tools.',
  resources: {
    users: {
      label: 'User',
      description: "The members or seats inside the source application's team, workspace or organization.",
      methods: ['list', 'get', 'create', 'update', 'delete'],
      schema: {
        $id: 'https://tessera.dev/schemas/usage-metering/users.json',
        title: 'UsageMeteringUser',
        type: 'object',
        properties: {
          id: { type: 'string', description: "The user's unique id inside the source application" },
          name: { type: 'string', description: 'Display name' },
          created_at: dateTime,
          emails: {
            type: 'array',
            items: {
              type: 'object',
              properties: { email: { type: 'string' }, is_primary: { type: 'boolean' } },
              required: ['email', 'is_primary'],
              additionalProperties: false,
            },
          },
          first_name: { type: 'string' },
          last_active_at: dateTime,
          last_name: { type: 'string' },
          organization: { ...idName(), description: 'The organization / team / workspace the user belongs to' },
          remote_data: remoteData,
          roles: { type: 'array', items: idName() },
          spend_limit: {
            type: 'object',
            properties: {
              amount: { type: 'integer', description: 'In the smallest currency unit (e.g. cents)' },
              currency: { type: 'string', description: 'Upper-case ISO 4217 code' },
            },
            required: ['amount', 'currency'],
            additionalProperties: false,
          },
          status: { type: 'string', enum: ['active', 'inactive', 'deleted', 'invited'] },
          updated_at: dateTime,
        },
        required: ['id', 'name'],
        additionalProperties: false,
      },
    },
    organizations: {
      label: 'Organization',
      description: 'The organizations the connected account can see.',
      methods: ['list', 'get'],
      schema: {
        $id: 'https://tessera.dev/schemas/usage-metering/organizations.json',
        title: 'UsageMeteringOrganization',
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, created_at: dateTime, updated_at: dateTime, remote_data: remoteData },
        required: ['id', 'name'],
        additionalProperties: false,
      },
    },
    workspaces: {
      label: 'Workspace',
      description: 'Workspaces (projects, teams) inside an organization.',
      methods: ['list', 'get'],
      schema: {
        $id: 'https://tessera.dev/schemas/usage-metering/workspaces.json',
        title: 'UsageMeteringWorkspace',
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          organization: idName(),
          created_at: dateTime,
          updated_at: dateTime,
          remote_data: remoteData,
        },
        required: ['id', 'name'],
        additionalProperties: false,
      },
    },
    usage: {
      label: 'Usage',
      description: 'A per-period usage record: (product, period) or (user, product, period).',
      methods: ['list'],
      query: {
        type: 'object',
        properties: {
          start_date: {
            type: 'string',
            description: 'Inclusive start of the window: YYYY-MM-DD or an ISO 8601 date-time with a zone. Default and maximum window per integration.',
          },
          end_date: { type: 'string', description: 'Exclusive end of the window (default: now).' },
          date: { type: 'string', description: 'One day (YYYY-MM-DD), for sources that report a single day.' },
          bucket_width: { type: 'string', enum: ['day', 'hour', 'minute'], description: 'Row period, where the source allows it (default day).' },
          group_by: { type: 'array', items: { type: 'string', enum: ['product', 'surface', 'model', 'user', 'charge_type', 'token_type', 'workspace'] } },
          user_ids: { type: 'array', items: { type: 'string' } },
          model_ids: { type: 'array', items: { type: 'string' } },
          product_ids: { type: 'array', items: { type: 'string' } },
          surfaces: { type: 'array', items: { type: 'string' } },
          report_type: { type: 'string', description: "Which of the source's reports (Claude: activity, summary, usage, cost, user_usage, user_cost, …)." },
        },
      },
      schema: {
        $id: 'https://tessera.dev/schemas/usage-metering/usage.json',
        title: 'UsageMeteringUsage',
        type: 'object',
        properties: {
          id: { type: 'string' },
          product: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'], additionalProperties: false },
          metric_name: { type: 'string' },
          resources: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                workspace: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, additionalProperties: false },
              },
              additionalProperties: false,
            },
          },
          organization: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'], additionalProperties: false },
          user: {
            type: 'object',
            properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } },
            additionalProperties: false,
          },
          model: { type: 'object', properties: { id: { type: 'string' }, provider: { type: 'string' } }, additionalProperties: false },
          charges: {
            type: 'array',
            description:
              'Money for the period. Amounts are integers in minor units of the currency (cents for USD), converted from the source without floating-point arithmetic.',
            items: {
              type: 'object',
              properties: {
                amount: { type: 'integer', description: 'Minor units of currency (e.g. 1234 = $12.34)' },
                currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'Upper-case ISO 4217 code' },
                type: {
                  type: 'string',
                  enum: ['total', 'net', 'on_demand', 'committed', 'included', 'usage_based', 'discount', 'tax', 'credit', 'platform_fee'],
                },
              },
              required: ['amount', 'currency', 'type'],
              additionalProperties: false,
            },
          },
          usage: {
            type: 'object',
            description: 'What was used in the period. Sub-objects appear when the source reports them.',
            properties: {
              quantity: { type: 'number', description: 'A generic quantity, in `unit`' },
              unit: { type: 'string', description: 'The unit of `quantity` (tokens, requests, GB, hours, images, …)' },
              requests: {
                type: 'object',
                description: 'Request counts; `total` always, kinds where the source splits them',
                properties: { total: { type: 'integer' } },
                additionalProperties: { type: 'number' },
              },
              tokens: {
                type: 'object',
                properties: {
                  input: { type: 'integer', description: 'Input tokens not read from a cache' },
                  output: { type: 'integer' },
                  cache_read: { type: 'integer' },
                  cache_write: { type: 'integer' },
                  total: { type: 'integer', description: 'input + output + cache_read + cache_write' },
                },
                additionalProperties: false,
              },
              code: { type: 'object', additionalProperties: { type: 'number' }, description: 'Coding-assistant counters (lines, accepts, applies, …)' },
              activity: { type: 'object', additionalProperties: true },
            },
            additionalProperties: true,
          },
          surface: { type: 'string', enum: ['chat', 'claude_code', 'cowork', 'office_agent', 'composer', 'api'] },
          start_date: dateTime,
          end_date: dateTime,
          created_at: dateTime,
          updated_at: dateTime,
          remote_data: remoteData,
        },
        required: ['id'],
        additionalProperties: false,
      },
    },
    products: {
      label: 'Product',
      description: 'Billable products of the source.',
      methods: ['list'],
      schema: {
        $id: 'https://tessera.dev/schemas/usage-metering/products.json',
        title: 'UsageMeteringProduct',
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          created_at: dateTime,
          updated_at: dateTime,
          remote_data: remoteData,
        },
        required: ['id', 'name'],
        additionalProperties: false,
      },
    },
  },
};
