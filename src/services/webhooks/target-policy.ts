import type dns from 'node:dns';
import net from 'node:net';
import type { Agent } from 'undici';
import { EgressPolicy, type EgressVerdict } from '../../upstream/egress-policy.ts';
import { addressClass, bareHost } from '../../upstream/egress-rules.ts';

export const ALLOW_LOCALHOST_SETTING = 'TESSERA_WEBHOOK_ALLOW_LOCALHOST';
/** What the localhost allowance adds: the name and both loopback ranges, at any port. */
const LOOPBACK_ENTRIES = ['localhost', '127.0.0.0/8', '::1/128'];

/**
 * Where webhook deliveries may go: the egress policy of provider calls (upstream/egress-policy.ts),
 * with one difference in intent. A webhook target is the customer's own public endpoint, so any
 * public host is allowed; private, loopback and link-local addresses are refused unless the
 * operator allow-listed them (TESSERA_UPSTREAM_ALLOW), or, for loopback only, the localhost
 * allowance is on (TESSERA_WEBHOOK_ALLOW_LOCALHOST; the sandbox turns it on so a developer
 * receives events on their own machine). Plain http is accepted only for allow-listed targets.
 *
 * Checked twice, like provider calls: by URL when a webhook is saved and again before each send
 * (`check`), and on the resolved addresses when the connection opens (`dispatcher`), which leaves
 * no DNS-rebinding window.
 */
export class WebhookTargetPolicy {
  private policy: EgressPolicy;
  private localhost: boolean;

  constructor(
    private readonly allow: readonly string[],
    allowLocalhost: boolean,
    /** For tests: resolve names some other way (a name that resolves to a private address). */
    private readonly lookup?: typeof dns.lookup,
  ) {
    this.localhost = allowLocalhost;
    this.policy = this.build();
  }

  private build(): EgressPolicy {
    return new EgressPolicy({ allow: [...this.allow, ...(this.localhost ? LOOPBACK_ENTRIES : [])], integrations: [], lookup: this.lookup });
  }

  /** The sandbox: loopback targets from now on. */
  allowLocalhost(): void {
    if (this.localhost) return;
    this.localhost = true;
    const old = this.policy;
    this.policy = this.build();
    void old.close();
  }

  get allowsLocalhost(): boolean {
    return this.localhost;
  }

  check(target: string): EgressVerdict {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { allowed: false, reason: `${target} is not an absolute URL` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { allowed: false, reason: `${url.protocol} URLs are not allowed; use https` };
    if (url.username || url.password) return { allowed: false, reason: 'a target URL may not carry a user name or password' };
    // Allow-listed by the operator (or loopback under the localhost allowance): http is fine too.
    if (this.policy.checkUrl(url).allowed) return { allowed: true };
    const host = bareHost(url.hostname);
    if (net.isIP(host)) {
      const cls = addressClass(host);
      if (cls !== 'unicast') return { allowed: false, reason: `${url.host} is a ${cls} address; ${this.privateHint(cls)}` };
    } else if (host === 'localhost' || host.endsWith('.localhost')) {
      return { allowed: false, reason: `${url.host} is a loopback address; ${this.privateHint('loopback')}` };
    }
    if (url.protocol !== 'https:')
      return { allowed: false, reason: `webhook targets must use https (http only for hosts allowed by TESSERA_UPSTREAM_ALLOW or ${ALLOW_LOCALHOST_SETTING})` };
    return { allowed: true };
  }

  private privateHint(cls: string): string {
    return cls === 'loopback'
      ? `set ${ALLOW_LOCALHOST_SETTING}=true (the sandbox does) or add it to TESSERA_UPSTREAM_ALLOW`
      : 'add it to TESSERA_UPSTREAM_ALLOW to allow it';
  }

  /** Connections open only to allowed addresses (the resolved ones, at connect time). */
  get dispatcher(): Agent {
    return this.policy.dispatcher;
  }

  async close(): Promise<void> {
    await this.policy.close();
  }
}
