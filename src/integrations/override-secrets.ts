import { errors } from '../errors/catalogue.ts';
import type { KeyPredicate } from '../store/secret-keys.ts';

/**
 * What an override (an account's `integration_override` or `unified_model_override`, an
 * environment's mapping rows) may not do, because it is written by whoever holds an API token and
 * the stored credentials must never reach them (docs/security.md):
 *
 * - name a secret in a placeholder: `{{credentials.*}}`, or `{{context.<secret>}}` at any depth;
 * - replace how requests are authorized (`authorization`, `credentials` anywhere in the override);
 * - send requests, and so the credentials, to another host (`base_url`, `token_url`…) unless the
 *   operator allowed that host (TESSERA_UPSTREAM_ALLOW; the sandbox allows its simulators).
 *
 * Expressions need no such check: they evaluate against the context without its secrets.
 */
const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;
const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;
/**
 * Under `credentials` an override may only move the OAuth2 endpoints (a self-hosted provider),
 * and the hosts are then checked like `base_url`; client ids, secrets and scopes stay the definition's.
 */
const MOVABLE_CREDENTIAL_PATHS = /^config\.auth\.(tokenHost|authorizeHost|tokenPath|authorizePath|refreshPath)$/;
const URL_KEYS = /^(base_url|token_url|authorize_url|refresh_url|tokenHost|authorizeHost)$/;

export interface OverrideRules {
  isSecret: KeyPredicate;
  /** Whether the operator allows upstream calls to this URL's host (the egress allow-list). */
  hostAllowed(url: string): boolean;
}

interface Finding {
  path: string;
  message: string;
}

/** Placeholders that read a secret: `credentials.…`, or a context path with a secret segment. */
export function secretPlaceholders(text: string, isSecret: KeyPredicate): string[] {
  const found: string[] = [];
  for (const [, inner] of text.matchAll(PLACEHOLDER)) {
    for (const alternative of inner.split('|')) {
      const ref = alternative.trim().split(':')[0];
      const [root, ...rest] = ref.split('.');
      // The whole context, a pattern segment (`/key/`, `*`) or a secret's name could each reach a credential.
      const unsafe =
        root === 'credentials' || (root === 'context' && (!rest.length || rest.some((segment) => !PLAIN_SEGMENT.test(segment) || isSecret(segment))));
      if (unsafe) found.push(ref);
    }
  }
  return found;
}

function walk(value: unknown, at: string[], visit: (key: string | undefined, value: unknown, at: string[]) => void) {
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...at, String(i)], visit));
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v, [...at, k]);
      walk(v, [...at, k], visit);
    }
    return;
  }
  visit(undefined, value, at);
}

function refuse(findings: Finding[], what: string) {
  if (!findings.length) return;
  throw errors.validation(`${what}: ${findings.map((f) => `${f.path}: ${f.message}`).join('; ')}`, findings);
}

/** Any override: no placeholder (in a key or a value) may name a secret. */
export function checkOverrideSecrets(override: unknown, where: string, rules: Pick<OverrideRules, 'isSecret'>): void {
  const findings: Finding[] = [];
  // Each key is visited once as a key, each string once as a leaf value.
  walk(override, [where], (key, value, at) => {
    for (const text of [key ?? (typeof value === 'string' ? value : undefined)]) {
      if (text === undefined || !text.includes('{{')) continue;
      for (const ref of secretPlaceholders(text, rules.isSecret))
        findings.push({
          path: at.join('.'),
          message: `placeholder {{${ref}}} could read a credential; overrides may name plain, non-secret context keys only`,
        });
    }
  });
  refuse(findings, 'Override refused');
}

/** An `integration_override`: no secret placeholders, no authorization, no host the operator has not allowed. */
export function checkIntegrationOverride(override: Record<string, unknown>, where: string, rules: OverrideRules): void {
  checkOverrideSecrets(override, where, rules);
  const findings: Finding[] = [];
  walk(override, [where], (key, value, at) => {
    if (key === undefined) return;
    if (key === 'authorization' || (key === 'credentials' && at.length === 2))
      for (const leaf of leafPaths(value)) {
        if (key === 'credentials' && MOVABLE_CREDENTIAL_PATHS.test(leaf)) continue;
        findings.push({
          path: [...at, ...(leaf ? [leaf] : [])].join('.'),
          message: `an override cannot change how requests are authorized (${key} comes from the integration definition)`,
        });
      }
    else if (URL_KEYS.test(key) && value !== null && value !== undefined) {
      if (typeof value !== 'string') findings.push({ path: at.join('.'), message: 'must be a URL string' });
      else if (templatedHost(value)) findings.push({ path: at.join('.'), message: 'an overridden URL cannot take its host from a placeholder' });
      else if (!rules.hostAllowed(value.replace(/:\{\{[^{}]*\}\}/, '').replace(/\{\{[^{}]*\}\}/g, 'x')))
        findings.push({
          path: at.join('.'),
          message: `${hostOf(value)} is not an allowed upstream host; an operator can allow it with TESSERA_UPSTREAM_ALLOW`,
        });
    }
  });
  refuse(findings, 'integration_override refused');
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.keys(value).length) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** A placeholder in the host itself (a port or a path may come from the account's context; the host may not). */
function templatedHost(url: string): boolean {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? url;
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  return hostAndPort.replace(/:\{\{[^{}]*\}\}$/, '').includes('{{');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return JSON.stringify(url);
  }
}
