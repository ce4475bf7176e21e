import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The floor a unified API is measured against (issue "speed"): a hand-written node:http proxy that
 * makes the same Neon calls Tessera makes for `usage-metering/users` and maps the records with the
 * same rules, written out in plain JavaScript. No auth, no store, no definition, no JSONata.
 * Before any timing, bench/throughput.ts checks its `result` is identical to Tessera's.
 *
 *   GET /users?limit=N   first page of members (limit capped at 500), mapped
 *   GET /users/{id}      scans member pages of 500 for member.id or member.user_id
 */
export interface BaselineProxy {
  url: string;
  close(): Promise<void>;
}

interface NeonMember {
  member: { id: string; user_id: string; org_id: string; role: string; joined_at: string };
  user: { email: string; deactivated_at?: string };
}

export async function startBaselineProxy(neonBaseUrl: string, apiKey: string, orgId: string): Promise<BaselineProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
  const neonGet = (path: string) =>
    new Promise<any>((resolve, reject) => {
      http
        .get(`${neonBaseUrl}${path}`, { agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`neon ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
  // The organization's name is side-loaded and cached, as Tessera caches it (cache_ttl_seconds).
  let orgName: Promise<string> | undefined;
  const organization = () => (orgName ??= neonGet(`/organizations/${orgId}`).then((o) => o.name as string));
  const toUser = (r: NeonMember, org: string) => ({
    id: r.member.id,
    name: r.user.email,
    emails: [{ email: r.user.email, is_primary: true }],
    organization: { id: r.member.org_id, name: org },
    roles: [{ id: r.member.role, name: r.member.role }],
    status: r.user.deactivated_at !== undefined ? 'inactive' : 'active',
    created_at: r.member.joined_at,
    remote_data: r,
  });

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url!, 'http://x');
      const id = /^\/users\/([^/]+)$/.exec(url.pathname)?.[1];
      const [org, body] = await Promise.all([organization(), id ? findMember(decodeURIComponent(id)) : firstPage(url)]);
      const out = id ? (body ? toUser(body as NeonMember, org) : undefined) : { result: (body as NeonMember[]).map((m) => toUser(m, org)) };
      res.writeHead(out ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(out ?? { message: 'not found' }));
    } catch (e) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (e as Error).message }));
    }
  });
  const firstPage = async (url: URL) => {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 500);
    return (await neonGet(`/organizations/${orgId}/members?limit=${limit}`)).members as NeonMember[];
  };
  const findMember = async (id: string) => {
    for (let cursor: string | undefined; ;) {
      const page = await neonGet(`/organizations/${orgId}/members?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const hit = (page.members as NeonMember[]).find((m) => m.member.id === id || m.member.user_id === id);
      if (hit) return hit;
      cursor = page.pagination?.next;
      if (!page.members.length || !cursor) return undefined;
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
