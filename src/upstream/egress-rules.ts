import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';

/**
 * The pure half of the egress policy (egress-policy.ts): what the operator's allow-list entries
 * and an integration's shipped definition allow, and which addresses are internal. No DNS here.
 */

/** One entry of TESSERA_UPSTREAM_ALLOW. */
export type AllowEntry =
  | { kind: 'host'; host: string; port?: string; text: string }
  /** `*.example.com`: any name below example.com (not example.com itself). */
  | { kind: 'suffix'; suffix: string; port?: string; text: string }
  /** An IP address is a CIDR of its full length. */
  | { kind: 'cidr'; range: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: string; text: string };

/** Where an integration's definition sends requests: a scheme, a port and a host or host pattern. */
export interface OriginPattern {
  protocol: 'http' | 'https';
  port: string;
  host: RegExp;
  /** The template it came from, for messages. */
  source: string;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

function parsePort(text: string | undefined, entry: string): string | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw new Error(`TESSERA_UPSTREAM_ALLOW: "${entry}" has an invalid port`);
  return String(n);
}

/**
 * Parses TESSERA_UPSTREAM_ALLOW: comma-separated `host`, `host:port`, `*.example.com[:port]`, an
 * IPv4 or IPv6 address (`[v6]:port` with a port), or a CIDR. An invalid entry stops the server
 * at start-up: a typo must not silently leave a provider unreachable or open something else.
 */
export function parseAllowList(text: string | readonly string[]): AllowEntry[] {
  const items = typeof text === 'string' ? text.split(',') : text;
  return items
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map(parseAllowEntry);
}

export function parseAllowEntry(entry: string): AllowEntry {
  const text = entry.trim().toLowerCase();
  if (text.includes('/')) {
    if (!ipaddr.isValidCIDR(text)) throw new Error(`TESSERA_UPSTREAM_ALLOW: "${entry}" is not a valid CIDR`);
    const [addr, bits] = ipaddr.parseCIDR(text);
    return { kind: 'cidr', range: [addr, bits], text };
  }
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    if (net.isIP(bracketed[1]) !== 6) throw new Error(`TESSERA_UPSTREAM_ALLOW: "${entry}" is not a valid IPv6 address`);
    return ipEntry(bracketed[1], parsePort(bracketed[2], entry), text);
  }
  if (net.isIP(text)) return ipEntry(text, undefined, text);
  const m = /^(\*\.)?([^:]+)(?::([^:]*))?$/.exec(text);
  if (!m || !HOSTNAME.test(m[2])) throw new Error(`TESSERA_UPSTREAM_ALLOW: "${entry}" is not a host, host:port, *.domain, IP address or CIDR`);
  const port = parsePort(m[3], entry);
  if (m[1]) return { kind: 'suffix', suffix: `.${m[2]}`, port, text };
  if (net.isIP(m[2]) === 4) return ipEntry(m[2], port, text);
  return { kind: 'host', host: m[2], port, text };
}

function ipEntry(address: string, port: string | undefined, text: string): AllowEntry {
  const addr = ipaddr.process(address);
  return { kind: 'cidr', range: [addr, addr.kind() === 'ipv4' ? 32 : 128], port, text };
}

/** A URL's host as the rules compare it: lower case, IPv6 without brackets. */
export function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

export function portOf(url: URL): string {
  return url.port || DEFAULT_PORT[url.protocol.replace(':', '')] || '';
}

function inRange(address: string, range: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  const addr = ipaddr.process(address);
  return addr.kind() === range[0].kind() && addr.match(range);
}

/**
 * Whether an entry names this host (and port, when both say one). `port` undefined: the caller
 * cannot know it (a DNS lookup sees only the name), so any port of the entry matches.
 */
export function entryMatches(entry: AllowEntry, host: string, port: string | undefined, address?: string): boolean {
  if (entry.port !== undefined && port !== undefined && entry.port !== port) return false;
  switch (entry.kind) {
    case 'host':
      return host === entry.host;
    case 'suffix':
      return host.endsWith(entry.suffix);
    case 'cidr': {
      const candidate = address ?? (net.isIP(host) ? host : undefined);
      return candidate !== undefined && inRange(candidate, entry.range);
    }
  }
}

/**
 * The address's class by ipaddr.js: only `unicast` (public) is reachable without the operator's
 * say-so. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is classified as the IPv4 it carries, and so is
 * the deprecated IPv4-compatible form (`::7f00:1`), which ipaddr.js calls unicast.
 */
export function addressClass(address: string): string {
  if (!ipaddr.isValid(address)) return 'invalid';
  const addr = ipaddr.process(address);
  if (addr.kind() === 'ipv6') {
    const parts = (addr as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7] > 1)) {
      return ipaddr.fromByteArray([parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff]).range();
    }
  }
  return addr.range();
}

const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;

/** The values a `{{context.x}}` placeholder can take: its credential field's single_select options, or any value (undefined). */
function placeholderOptions(inner: string, def: IntegrationDefinition): string[] | undefined {
  const fields = def.credentials.format === 'api_key' ? def.credentials.config.fields : [];
  const values: string[] = [];
  for (const alternative of inner.split('|')) {
    const [root, name] = alternative.trim().split(':')[0].split('.');
    if (root !== 'context' && root !== 'credentials') return undefined;
    const field = fields.find((f) => f.name === name);
    if (field?.type !== 'single_select' || !field.options?.length) return undefined;
    values.push(...field.options.map((o) => o.value.toLowerCase()));
  }
  return values;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An origin pattern from a URL template of the definition. A placeholder in the host expands to
 * its credential field's options (Datadog's `https://api.{{context.site}}`: api.datadoghq.com,
 * api.datadoghq.eu, …) or, without options, to exactly one DNS label. A template whose scheme or
 * port is a placeholder allows nothing: the operator must name such hosts.
 */
export function originPattern(template: string, def: IntegrationDefinition): OriginPattern | undefined {
  const tokens: string[] = [];
  const marked = template.trim().replace(PLACEHOLDER, (_, inner: string) => `\u0000${tokens.push(inner) - 1}\u0000`);
  const m = /^(https?):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([0-9]+))?(?:[/?#]|$)/i.exec(marked);
  if (!m || !m[2]) return undefined;
  const protocol = m[1].toLowerCase() as OriginPattern['protocol'];
  const port = m[3] ? String(Number(m[3])) : DEFAULT_PORT[protocol];
  const hostTemplate = m[2].toLowerCase();
  let source = '^';
  for (const [i, part] of hostTemplate.split('\u0000').entries()) {
    if (i % 2 === 0) {
      // Literal text; a literal host goes through URL so it compares as fetch will see it.
      source += escape(tokens.length || !part ? part : bareHost(new URL(`${protocol}://${part}`).hostname));
      continue;
    }
    const options = placeholderOptions(tokens[Number(part)], def);
    source += options ? `(?:${options.map(escape).join('|')})` : LABEL;
  }
  return { protocol, port, host: new RegExp(`${source}$`), source: template };
}

/** Every URL template of the shipped definition that Tessera calls or sends a person to. */
export function definitionTemplates(def: IntegrationDefinition): string[] {
  const out = [def.base_url];
  for (const methods of Object.values(def.resources)) for (const m of Object.values(methods)) if (m.base_url) out.push(m.base_url);
  if (def.credentials.format === 'oauth2') {
    const a = def.credentials.config.auth;
    out.push(a.tokenHost);
    if (a.authorizeHost) out.push(a.authorizeHost);
    // A path may be a whole URL (settings.ts joinUrl).
    for (const p of [a.tokenPath, a.refreshPath, a.authorizePath]) if (p && /^https?:\/\//i.test(p)) out.push(p);
  }
  return out;
}

export function definitionOrigins(def: IntegrationDefinition): OriginPattern[] {
  return [
    ...definitionTemplates(def)
      .map((t) => originPattern(t, def))
      .filter((p): p is OriginPattern => p !== undefined),
    ...(def.egress_hosts ?? []).map(egressHostPattern),
  ];
}

/**
 * An `egress_hosts` entry of the definition (the file hosts of signed download links): HTTPS on
 * 443 only; `*` is any run of letters, digits and hyphens inside one label, never a dot, so
 * `reports-*.cdn.example.net` matches `reports-eu1.cdn.example.net` but not `reports-x.other.cdn.example.net`.
 */
export function egressHostPattern(host: string): OriginPattern {
  const source = host.toLowerCase().split('*').map(escape).join('[a-z0-9-]+');
  return { protocol: 'https', port: '443', host: new RegExp(`^${source}$`), source: `https://${host}` };
}

export function patternMatches(pattern: OriginPattern, url: URL): boolean {
  return url.protocol === `${pattern.protocol}:` && portOf(url) === pattern.port && pattern.host.test(bareHost(url.hostname));
}
