import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { DOCS, GithubApiError, MESSAGES } from './errors.ts';
import { METRICS_FIRST_DAY, METRICS_HISTORY_DAYS, METRICS_LINES_PER_FILE, daysBefore, organizationDay } from './metrics.ts';
import { githubRoute, type GithubRequest, type GithubRouteDeps } from './route-kit.ts';
import type { GithubOrg } from './seed-schema.ts';
import type { GithubCopilotState } from './state.ts';

/**
 * Copilot usage metrics reports (docs/providers/sources.md §7.3): `users-1-day` and
 * `organization-1-day` answer `{download_links, report_day}`, and the links point at this
 * simulator's own file route, as GitHub's point at its report CDN. The files are signed URLs:
 * `se` (expiry, epoch seconds, one hour out) and `sig` (an HMAC of the path and `se`); a link
 * with a bad or expired signature is a 403, and so is a download that carries an Authorization
 * header (the simulator's rule, so a client that leaks its GitHub token to the file host fails
 * loudly). The users report is NDJSON in files of at most 100 lines; the organization report is
 * one JSON object.
 *
 * `day` (required): malformed or missing is a 422 (GitHub documents no 422 here; our choice, in
 * the `validation-error` style of GitHub's other endpoints); before 2025-10-10 or more than a
 * year before "today" (the seed's `billing_today`) is a 404; today or later, a report not yet
 * produced, is GitHub's documented 204. Readable by organization owners with a classic `read:org`
 * scope (GitHub: "need the `read:org` scope"), or a fine-grained token.
 */
const METRICS_SCOPES = ['read:org'];
const LINK_TTL_SECONDS = 3600;
const SIGNING_KEY = 'github-copilot-simulator-report-files';
export const REPORT_FILE_PREFIX = '/copilot-reports';

type Report = 'users-1-day' | 'organization-1-day';

const signature = (path: string, expires: string) => createHmac('sha256', SIGNING_KEY).update(`${path}\n${expires}`).digest('base64url');

function signedUrl(origin: string, path: string): string {
  const expires = String(Math.floor(Date.now() / 1000) + LINK_TTL_SECONDS);
  return `${origin}${path}?se=${expires}&sp=r&sig=${signature(path, expires)}`;
}

function reportDay(req: GithubRequest, docs: string): string {
  const day = req.query.get('day');
  const invalid = (code: string, message: string) =>
    new GithubApiError(422, MESSAGES.validationFailed, docs, { errors: [{ resource: 'CopilotMetricsReport', field: 'day', code, message }] });
  if (day === null || day.trim() === '') throw invalid('missing_field', 'day is required, as YYYY-MM-DD');
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw invalid('invalid', `day must be a calendar day as YYYY-MM-DD, got "${day.slice(0, 40)}"`);
  }
  return day;
}

/** Reports are for organization owners: a non-member gets 404 (membership does not leak), a member 403. */
function metricsOrg(req: GithubRequest, docs: string): GithubOrg {
  const org = req.state.org(req.param('org'));
  const membership = org && req.state.membership(org.login, req.caller.user.login);
  if (!org || !membership) throw new GithubApiError(404, MESSAGES.notFound, docs);
  if (membership.role !== 'admin') throw new GithubApiError(403, MESSAGES.notOwner, docs);
  return org;
}

function filePaths(state: GithubCopilotState, org: GithubOrg, report: Report, day: string): string[] {
  const base = `${REPORT_FILE_PREFIX}/${org.id}/${report}/${day}`;
  if (report === 'organization-1-day') return [`${base}/report.json`];
  const files = Math.max(1, Math.ceil(state.metricsLines(org.login, day).length / METRICS_LINES_PER_FILE));
  return Array.from({ length: files }, (_, i) => `${base}/part-${i + 1}.ndjson`);
}

function report(req: GithubRequest, which: Report, docs: string) {
  const org = metricsOrg(req, docs);
  const day = reportDay(req, docs);
  const today = req.state.billingToday;
  if (day < METRICS_FIRST_DAY || day < daysBefore(today, METRICS_HISTORY_DAYS)) throw new GithubApiError(404, MESSAGES.notFound, docs);
  if (day >= today) return { body: null, status: 204 as const };
  return { body: { download_links: filePaths(req.state, org, which, day).map((p) => signedUrl(req.origin, p)), report_day: day } };
}

const storageError = (status: number, code: string, message: string) =>
  new Response(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
    status,
    headers: { 'content-type': 'application/xml' },
  });

export function mountMetricsRoutes(app: Hono<SimEnv>, deps: GithubRouteDeps): void {
  githubRoute(app, deps, '/orgs/:org/copilot/metrics/reports/users-1-day', { docs: DOCS.usersMetrics, acceptedScopes: METRICS_SCOPES }, (req) =>
    report(req, 'users-1-day', DOCS.usersMetrics),
  );
  githubRoute(app, deps, '/orgs/:org/copilot/metrics/reports/organization-1-day', { docs: DOCS.organizationMetrics, acceptedScopes: METRICS_SCOPES }, (req) =>
    report(req, 'organization-1-day', DOCS.organizationMetrics),
  );

  // The report files: no GitHub gate (no token, no rate limit), only the URL's own signature.
  app.get(`${REPORT_FILE_PREFIX}/:orgId/:report/:day/:file`, (c) => {
    const url = new URL(c.req.url);
    const expires = url.searchParams.get('se') ?? '';
    const given = Buffer.from(url.searchParams.get('sig') ?? '');
    const wanted = Buffer.from(signature(url.pathname, expires));
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return storageError(403, 'AuthenticationFailed', 'Signature did not match.');
    if (Number(expires) < Date.now() / 1000) return storageError(403, 'AuthenticationFailed', 'Signed expiry time has passed.');
    if (c.req.header('authorization') !== undefined) {
      return storageError(403, 'AuthenticationFailed', 'A signed URL takes no Authorization header; credentials never go to the file host.');
    }
    const org = deps.state.orgById(Number(c.req.param('orgId')));
    const { report: which, day, file } = c.req.param();
    if (!org) return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
    const lines = deps.state.metricsLines(org.login, day);
    if (which === 'organization-1-day' && file === 'report.json') {
      const body = organizationDay(org, day, (d) => deps.state.metricsLines(org.login, d));
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    }
    const part = /^part-(\d+)\.ndjson$/.exec(file);
    if (which !== 'users-1-day' || !part) return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
    const slice = lines.slice((Number(part[1]) - 1) * METRICS_LINES_PER_FILE, Number(part[1]) * METRICS_LINES_PER_FILE);
    return new Response(slice.map((l) => JSON.stringify(l) + '\n').join(''), { headers: { 'content-type': 'application/x-ndjson' } });
  });
}
