import { microsToDollars } from './pricing.ts';
import { sha256, type ChargeLine, type HourlyRow } from './state.ts';
import type { DatadogDimension, DatadogOrg } from './seed-schema.ts';

/**
 * Datadog's JSON shapes (docs/providers/sources-additions.md §2.5), as @datadog/datadog-api-client
 * 1.64.0 models them and as Datadog's recorded responses write them: JSON:API `{data: [{id,
 * type, attributes}]}` with 64-hex ids, timestamps as `YYYY-MM-DDThh:mm:ss+00:00`.
 */

/** `2026-11-27T10:00:00+00:00`, the form Datadog's usage responses use. */
export function datadogTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function hourlyRecord(row: HourlyRow) {
  return {
    id: row.id,
    type: 'usage_timeseries',
    attributes: {
      org_name: row.org.name,
      public_id: row.org.public_id,
      region: row.org.region,
      product_family: row.family,
      timestamp: datadogTime(row.hourMs),
      measurements: row.measurements,
    },
  };
}

/**
 * A CostByOrg record: per billing dimension the `committed`, `on_demand` and `total` charges (the
 * order Datadog's recorded cost responses use), `total_cost` the sum of the `total` charges.
 */
export function costRecord(view: string, org: DatadogOrg, dateMs: number, lines: ChargeLine[]) {
  const charges = lines.flatMap(({ dimension, charge }) => [
    { charge_type: 'committed', cost: microsToDollars(charge.committed), product_name: dimension.id },
    { charge_type: 'on_demand', cost: microsToDollars(charge.on_demand), product_name: dimension.id },
    { charge_type: 'total', cost: microsToDollars(charge.total), product_name: dimension.id },
  ]);
  const total = lines.reduce((sum, l) => sum + l.charge.total, 0n);
  const date = datadogTime(dateMs);
  return {
    id: sha256(`cost:${view}:${org.public_id}:${date}`),
    type: 'cost_by_org',
    attributes: {
      org_name: org.name,
      public_id: org.public_id,
      region: org.region,
      date,
      total_cost: microsToDollars(total),
      charges,
    },
  };
}

export const HOURLY_USAGE_ENDPOINT = 'api/v2/usage/hourly_usage';

/**
 * A billing_dimension_mapping item. For hourly_usage the keys name `product_family.usage_type`
 * (our form: Datadog documents keys only as "the billing dimension"); a dimension no supported
 * endpoint meters reports `status: NOT_FOUND` with no keys.
 */
export function dimensionMapping(d: DatadogDimension, monthMs: number) {
  const metered = d.product_family !== null && d.usage_type !== null;
  return {
    id: d.id,
    type: 'billing_dimensions',
    attributes: {
      in_app_label: d.in_app_label,
      timestamp: datadogTime(monthMs),
      endpoints: [
        {
          id: HOURLY_USAGE_ENDPOINT,
          keys: metered ? [`${d.product_family}.${d.usage_type}`] : [],
          status: metered ? 'OK' : 'NOT_FOUND',
        },
      ],
    },
  };
}

/** v1 Organization, as GET /api/v1/org lists it (SAML off, billed through the parent). */
export function organization(o: DatadogOrg) {
  return {
    billing: { type: 'parent_billing' },
    created: o.created,
    description: o.description,
    name: o.name,
    public_id: o.public_id,
    settings: {
      private_widget_share: false,
      saml: { enabled: false },
      saml_autocreate_access_role: 'st',
      saml_autocreate_users_domains: { domains: [], enabled: false },
      saml_can_be_enabled: false,
      saml_idp_endpoint: '',
      saml_idp_initiated_login: { enabled: false },
      saml_idp_metadata_uploaded: false,
      saml_login_url: '',
      saml_strict_mode: { enabled: false },
    },
    subscription: { type: o.subscription },
    trial: o.trial,
  };
}
