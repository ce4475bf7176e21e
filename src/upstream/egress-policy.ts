import dns from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { errors, type TesseraError } from '../errors/catalogue.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import {
  addressClass,
  bareHost,
  definitionOrigins,
  entryMatches,
  parseAllowList,
  parseAllowEntry,
  patternMatches,
  portOf,
  type AllowEntry,
  type OriginPattern,
} from './egress-rules.ts';

/**
 * Where Tessera may send requests, and so the credentials it holds (docs/security.md).
 *
 * Two checks, both needed:
 * - by name, before a request leaves (`checkUrl`): the host must be one the integration's shipped
 *   definition names (not an account's override) or one the operator allow-listed
 *   (TESSERA_UPSTREAM_ALLOW);
 * - by address, when a connection opens (the undici `dispatcher`): every address the name resolves
 *   to must be public unicast, unless the operator allow-listed that name or address. Checking at
 *   connect time, on the very addresses the socket uses, leaves no DNS-rebinding window between
 *   a check and the connection.
 *
 * One instance per running Tessera, built from its config by the composition root.
 */
export interface EgressVerdict {
  allowed: boolean;
  reason?: string;
}

export const ALLOW_SETTING = 'TESSERA_UPSTREAM_ALLOW';

export interface EgressPolicyOptions {
  /** TESSERA_UPSTREAM_ALLOW, already split or as written. */
  allow: string | readonly string[];
  /** The shipped definitions (the catalog), whose hosts are allowed to their own integration. */
  integrations: Iterable<IntegrationDefinition>;
  /** For tests: resolve names some other way. */
  lookup?: typeof dns.lookup;
}

export class EgressPolicy {
  private readonly entries: AllowEntry[];
  private readonly origins = new Map<string, OriginPattern[]>();
  private readonly resolve: typeof dns.lookup;
  private agent?: Agent;
  /**
   * checkUrl's verdicts by integration and origin text: the verdict is a function of the origin
   * alone (never the path), and re-matching every allow entry per call showed in the profile.
   * Cleared whenever the allow list changes.
   */
  private readonly verdicts = new Map<string, EgressVerdict>();

  constructor(options: EgressPolicyOptions) {
    this.entries = parseAllowList(options.allow);
    for (const def of options.integrations) this.origins.set(def.name, definitionOrigins(def));
    this.resolve = options.lookup ?? dns.lookup;
  }

  /**
   * Allows one exact origin (`http://127.0.0.1:41234`) as if the operator had listed its
   * host:port: the sandbox's simulators, started on loopback after the server.
   */
  allowOrigin(origin: string): void {
    const url = new URL(origin);
    // hostname keeps an IPv6 address's brackets, which the entry syntax wants before a port.
    this.entries.push(parseAllowEntry(`${url.hostname}:${portOf(url)}`));
    this.verdicts.clear();
  }

  /**
   * The by-name check, without DNS: may a request go to this URL? With `integration`, the hosts
   * its shipped definition names count too; without, only what the operator (or the sandbox)
   * allowed: what an account's override may point at (services validating overrides).
   */
  checkUrl(url: string | URL, integration?: string): EgressVerdict {
    const origin = typeof url === 'string' ? PLAIN_ORIGIN.exec(url)?.[0] : undefined;
    if (origin === undefined) return this.judgeUrl(url, integration);
    const key = `${integration ?? ''}\u0000${origin}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = Object.freeze(this.judgeUrl(url, integration));
      if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.clear();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private judgeUrl(url: string | URL, integration?: string): EgressVerdict {
    if (typeof url === 'string' && url.includes('{{')) return this.checkTemplate(url, integration);
    let u: URL;
    try {
      u = typeof url === 'string' ? new URL(url) : url;
    } catch {
      return { allowed: false, reason: `${String(url)} is not an absolute URL` };
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { allowed: false, reason: `${u.protocol} URLs are not allowed, only http and https` };
    const host = bareHost(u.hostname);
    const port = portOf(u);
    if (this.operatorAllows(host, port)) return { allowed: true };
    // An address in the URL is checked now: no lookup will see it.
    if (net.isIP(host)) {
      const cls = addressClass(host);
      if (cls !== 'unicast') return { allowed: false, reason: `${u.host} is a ${cls} address; add it to ${ALLOW_SETTING} to allow it` };
    }
    const named = integration !== undefined && (this.origins.get(integration) ?? []).some((p) => patternMatches(p, u));
    if (named) return { allowed: true };
    const whose = integration === undefined ? 'allowed' : `named by the ${integration} integration's definition nor allowed`;
    return { allowed: false, reason: `${u.protocol}//${u.host} is not ${whose} by ${ALLOW_SETTING}` };
  }

  /**
   * A URL template (an override's `http://127.0.0.1:{{context.port}}/{{context.org}}`), checked for
   * every value its placeholders could take: placeholders after the authority do not matter; one
   * in the port needs an entry allowing the host at any port; one in the host cannot be checked.
   */
  private checkTemplate(template: string, integration?: string): EgressVerdict {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(template.trim());
    if (!m) return { allowed: false, reason: `${template} is not an absolute URL` };
    const authority = m[2];
    if (!authority.includes('{{')) return this.checkUrl(`${m[1]}${authority}/`, integration);
    const portOnly = /^(.*):\{\{[^{}]+\}\}$/.exec(authority);
    if (!portOnly || portOnly[1].includes('{{')) return { allowed: false, reason: `the host of ${template} is a placeholder, which cannot be checked` };
    let u: URL;
    try {
      u = new URL(`${m[1]}${portOnly[1]}/`);
    } catch {
      return { allowed: false, reason: `${template} is not an absolute URL` };
    }
    const host = bareHost(u.hostname);
    if (this.entries.some((e) => e.port === undefined && entryMatches(e, host, undefined))) return { allowed: true };
    return { allowed: false, reason: `the port of ${template} is a placeholder: ${ALLOW_SETTING} must allow ${host} at any port` };
  }

  /** The by-address check at connect time: `hostname` is the name that resolved to `address`. */
  checkAddress(address: string, hostname: string, port?: string): EgressVerdict {
    const cls = addressClass(address);
    if (cls === 'unicast') return { allowed: true };
    const host = bareHost(hostname);
    // The operator named this host (it may live on a private network) or this address.
    const named = !net.isIP(host) && this.entries.some((e) => e.kind !== 'cidr' && entryMatches(e, host, port));
    if (named || this.entries.some((e) => e.kind === 'cidr' && entryMatches(e, host, port, address))) return { allowed: true };
    const what = net.isIP(host) ? `${host} is` : `${host} resolves to`;
    return { allowed: false, reason: `${what} a ${cls} address; add ${host} to ${ALLOW_SETTING} to allow it` };
  }

  private operatorAllows(host: string, port: string): boolean {
    return this.entries.some((e) => entryMatches(e, host, port));
  }

  /**
   * dns.lookup for connections to `port`, keeping only the addresses the policy allows: the
   * socket connects to nothing else. No allowed address left: the connection fails with the refusal.
   */
  lookupFor(port: string | undefined): typeof dns.lookup {
    return ((hostname: string, options: dns.LookupOptions, callback: (...args: any[]) => void) => {
      this.resolve(hostname, { ...options, all: true }, (err, addresses: dns.LookupAddress[]) => {
        if (err) return callback(err);
        const verdicts = addresses.map((a) => ({ a, v: this.checkAddress(a.address, hostname, port) }));
        const ok = verdicts.filter((x) => x.v.allowed).map((x) => x.a);
        if (!ok.length) return callback(refusal(hostname, verdicts[0]?.v.reason ?? `${hostname} did not resolve`));
        if (options.all) return callback(null, ok);
        callback(null, ok[0].address, ok[0].family);
      });
    }) as unknown as typeof dns.lookup;
  }

  /**
   * The undici dispatcher every upstream request goes through: connections are opened only to
   * allowed addresses. One connector per port, because a lookup sees only the name and an entry
   * may allow an address at one port only (the sandbox's `127.0.0.1:41234`).
   */
  get dispatcher(): Agent {
    if (!this.agent) {
      const connectors = new Map<string, buildConnector.connector>();
      this.agent = new Agent({
        connect: (opts, callback) => {
          const port = opts.port || (opts.protocol === 'https:' ? '443' : '80');
          // A URL with an address never reaches lookup: net.connect skips it.
          const host = bareHost(opts.hostname);
          if (net.isIP(host)) {
            const v = this.checkAddress(host, host, port);
            if (!v.allowed) return callback(refusal(host, v.reason!), null);
          }
          let connector = connectors.get(port);
          if (!connector) connectors.set(port, (connector = buildConnector({ lookup: this.lookupFor(port) })));
          connector(opts, callback);
        },
      });
    }
    return this.agent;
  }

  /**
   * A fetch for calls outside the sender (the OAuth token endpoint): the same two checks, no
   * redirects. Refusals are thrown as the coded TesseraError.
   */
  fetchFor(integration: string | undefined): typeof fetch {
    return (async (input: string | URL | Request, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const verdict = this.checkUrl(url, integration);
      if (!verdict.allowed) throw refusal(new URL(url).host, verdict.reason!);
      try {
        return await undiciFetch(url, { ...(init as object), redirect: 'error', dispatcher: this.dispatcher } as Parameters<typeof undiciFetch>[1]);
      } catch (e) {
        throw egressCause(e) ?? e;
      }
    }) as unknown as typeof fetch;
  }

  /** Shutdown: pooled connections are dropped (a hung upstream call must not hold the process open). */
  async close(): Promise<void> {
    await this.agent?.destroy();
  }
}

/**
 * The cacheable prefix of a URL: scheme, plain host (name, IPv4 or bracketed IPv6, no user info,
 * no escapes) and port, followed by the end or a path, query or fragment delimiter. The URL
 * parser's protocol, host and port are then a function of this text alone; anything else
 * (templates, `\\`, user info, odd slashes) is judged afresh every time.
 */
const PLAIN_ORIGIN = /^https?:\/\/(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?(?=[/?#]|$)/;
/** Origins are few (the catalog, overrides, sandbox simulators); the bound only stops a flood of distinct hosts. */
const MAX_VERDICTS = 1000;

export function refusal(host: string, reason: string): TesseraError {
  return errors.egressRefused(`Upstream call to ${host} refused by the egress policy: ${reason}`);
}

/** The egress refusal behind a fetch failure (undici wraps the connector's error as its cause). */
export function egressCause(e: unknown): TesseraError | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    if ((c as TesseraError).code === 'TESSERA_EGRESS_REFUSED') return c as TesseraError;
  }
  return undefined;
}
