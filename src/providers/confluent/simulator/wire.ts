import { dollars, units } from './money.ts';
import type { ConfluentEnvironment, ConfluentOrganization } from './seed-schema.ts';
import type { ConfluentState, PricedLine } from './state.ts';
import { DAY_MS } from './state.ts';

/**
 * Confluent's JSON shapes (docs/providers/sources-additions.md §2.6; the org/v2 shapes as the
 * published Organization Management spec writes them). Money and quantities leave the simulator
 * here, and only here, as floating-point numbers, the way Confluent sends them.
 */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

export function costJson(line: PricedLine, state: ConfluentState): Record<string, unknown> {
  const resource = line.resource_id ? state.resources.get(line.resource_id) : undefined;
  return {
    id: line.id,
    start_date: line.date,
    end_date: nextDay(line.date),
    granularity: 'DAILY',
    ...(line.product ? { product: line.product } : {}),
    line_type: line.line_type,
    price: dollars(line.price_micro),
    unit: line.unit,
    quantity: units(line.quantity_milli),
    original_amount: dollars(line.original_micro),
    discount_amount: dollars(line.discount_micro),
    amount: dollars(line.amount_micro),
    ...(line.description ? { description: line.description } : {}),
    ...(line.network_access_type ? { network_access_type: line.network_access_type } : {}),
    ...(resource ? { resource: { id: resource.id, display_name: resource.display_name, environment: { id: resource.environment_id } } } : {}),
  };
}

function objectMeta(origin: string, path: string, crn: string, createdAt: string) {
  return { self: `${origin}${path}`, resource_name: crn, created_at: createdAt, updated_at: createdAt };
}

export function environmentJson(env: ConfluentEnvironment, state: ConfluentState, origin: string): Record<string, unknown> {
  return {
    api_version: 'org/v2',
    kind: 'Environment',
    id: env.id,
    metadata: objectMeta(
      origin,
      `/org/v2/environments/${env.id}`,
      `crn://confluent.cloud/organization=${state.seed.organization.id}/environment=${env.id}`,
      env.created_at,
    ),
    display_name: env.display_name,
    ...(env.stream_governance_package ? { stream_governance_config: { package: env.stream_governance_package } } : {}),
  };
}

export function organizationJson(org: ConfluentOrganization, origin: string): Record<string, unknown> {
  return {
    api_version: 'org/v2',
    kind: 'Organization',
    id: org.id,
    metadata: objectMeta(origin, `/org/v2/organizations/${org.id}`, `crn://confluent.cloud/organization=${org.id}`, org.created_at),
    display_name: org.display_name,
    jit_enabled: false,
  };
}
