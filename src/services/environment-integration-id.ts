import { createHash } from 'node:crypto';
import type { Catalog } from '../integrations/catalog.ts';

/**
 * Every bundled integration is installed in every environment until someone changes that, so most
 * (environment, integration) pairs have no row to take an id from. Their id is derived instead: a
 * name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and the name) of the environment id and
 * the integration name. The same pair always has the same id, before and after a row exists, and
 * on every replica, so GET, PATCH and DELETE by id never depend on a row having been written.
 */
const NAMESPACE = Buffer.from('5d1c2f0e8a7b4c3d9e6f1a2b3c4d5e6f', 'hex');

export function environmentIntegrationId(environmentId: string, integration: string): string {
  // NUL cannot occur in either part (ids are UUIDs, names refuse control characters): no two pairs collide by concatenation.
  const bytes = createHash('sha1').update(NAMESPACE).update(`${environmentId}\u0000${integration}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The integration an environment-integration id names in this environment, if any: the catalog is small, so derive and compare. */
export function integrationForId(catalog: Catalog, environmentId: string, id: string): string | undefined {
  const wanted = id.toLowerCase();
  for (const name of catalog.integrations.keys()) if (environmentIntegrationId(environmentId, name) === wanted) return name;
  return undefined;
}
