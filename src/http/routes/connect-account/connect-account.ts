import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { isTesseraError } from '../../../errors/catalogue.ts';
import type { IntegrationDefinition } from '../../../integrations/definition-schema.ts';
import { ConnectRefused } from '../../../services/connect-account.ts';
import type { LinkTokenRecord } from '../../../store/link-token-rows.ts';
import type { IntegratedAccountRecord } from '../../../store/types.ts';
import type { RouteDocs } from '../../openapi/route-doc.ts';
import type { HttpEnv } from '../../types.ts';
import { FIELD_PREFIX, formBody, type FormState } from './form.ts';
import { pageUrl, type PageMode } from './html.ts';
import { layout } from './layout.ts';
import { listBody } from './list.ts';
import { errorBody, successBody, type ConnectMessage } from './result.ts';

const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
/** A person reads these errors, not a program: HTML pages, never the JSON envelope. */
const htmlErrors = (...codes: [number, string][]) => Object.fromEntries(codes.map(([code, text]) => [String(code), html(text)]));
const TOKEN_ERRORS: [number, string][] = [
  [404, 'The link token is unknown, or the integration cannot be connected with it (an HTML page)'],
  [410, 'The link token expired or was already used (an HTML page)'],
];
const tokenParam = { name: 'link_token', in: 'query', required: true, schema: { type: 'string' }, description: 'From POST /link-token' };

export const connectAccountDocs: RouteDocs = {
  operations: [
    {
      method: 'get',
      path: '/connect-account',
      operationId: 'connectAccountPage',
      summary: 'The hosted connect page (HTML)',
      description:
        "Lists the integrations the link token may connect, or the named one's credential form. The link token is the only credential (docs/connect.md). Errors are HTML pages: 404 unknown token, 410 expired or used.",
      tags: ['Link tokens'],
      public: true,
      parameters: [
        tokenParam,
        { name: 'integration', in: 'query', schema: { type: 'string' } },
        { name: 'integrations', in: 'query', schema: { type: 'string' }, description: 'Comma-separated: narrow the list' },
        { name: 'iframe', in: 'query', schema: { type: 'boolean' } },
        { name: 'no_back', in: 'query', schema: { type: 'boolean' } },
      ],
      success: { '200': html('The page'), ...htmlErrors(...TOKEN_ERRORS) },
      errors: [],
    },
    {
      method: 'post',
      path: '/connect-account',
      operationId: 'connectAccountSubmit',
      summary: "The connect page's form submission (HTML)",
      description:
        "Form-encoded: link_token, form_nonce, integration and the fields as field:<name>. Connects the account (or reconnects the token's account) and answers the result page; a refusal answers the form again with the reason, and the token stays usable.",
      tags: ['Link tokens'],
      public: true,
      requestBody: {
        required: true,
        content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } },
      },
      success: {
        '200': html('The result page'),
        ...htmlErrors(
          [400, 'A missing field or an expired form: the form again, with the reason'],
          ...TOKEN_ERRORS,
          [422, 'The provider refused the details: the form again, with its reason; the token stays usable'],
          [502, 'The provider could not be reached: the form again'],
        ),
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/connect-account/oauth',
      operationId: 'connectAccountOAuth',
      summary: "Starts an OAuth integration's sign-in from the connect page",
      tags: ['Link tokens'],
      public: true,
      parameters: [tokenParam, { name: 'integration', in: 'query', schema: { type: 'string' } }],
      success: { '302': { description: "To the provider's authorize URL" }, ...htmlErrors(...TOKEN_ERRORS) },
      errors: [],
    },
    {
      method: 'get',
      path: '/connect-account/oauth-return',
      operationId: 'connectAccountOAuthReturn',
      summary: 'Where the OAuth callback returns the person to: the result page',
      tags: ['Link tokens'],
      public: true,
      parameters: [tokenParam, { name: 'integrated_account_id', in: 'query', schema: { type: 'string' } }],
      success: { '200': html('The result page'), ...htmlErrors(...TOKEN_ERRORS) },
      errors: [],
    },
  ],
};

/**
 * The hosted connect page, /connect-account?link_token=… (docs/connect.md). Mounted before the
 * API-token middleware: the link token is its only credential and an Authorization header is
 * never read here. Every answer is HTML, errors included, under a strict CSP with a per-response
 * nonce; the page may be framed only by TESSERA_CONNECT_FRAME_ANCESTORS.
 */
export function connectAccountRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', async (c) => {
    const q = c.req.query();
    const mode = modeOf(q);
    return page(c, mode, async (nonce) => {
      const svc = c.get('services').connectAccount;
      const record = await svc.resolve(q.link_token);
      if (!record.integration && !q.integration) {
        return { status: 200, title: 'Connect an account', body: listBody(await svc.offered(record, mode.integrations), mode) };
      }
      const def = await svc.integrationFor(record, q.integration);
      return form(c, { def, mode, record, nonce });
    });
  });

  app.post('/', async (c) => {
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    const mode = modeOf({ link_token: str('link_token'), iframe: str('iframe'), no_back: str('no_back'), integrations: str('integrations') });
    return page(c, mode, async (nonce) => {
      const svc = c.get('services').connectAccount;
      const record = await svc.resolve(mode.linkToken);
      svc.checkFormNonce(record, str('form_nonce'));
      const def = await svc.integrationFor(record, str('integration'));
      const entered: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) if (k.startsWith(FIELD_PREFIX) && typeof v === 'string') entered[k.slice(FIELD_PREFIX.length)] = v;
      try {
        const account = await svc.connect(record, def, entered);
        return success(def, record, account);
      } catch (e) {
        if (!(e instanceof ConnectRefused)) throw e;
        return form(c, { def, mode, record, nonce, values: entered, error: { message: e.message, fields: e.fields }, status: e.status });
      }
    });
  });

  app.get('/oauth', async (c) => {
    const q = c.req.query();
    const mode = modeOf(q);
    return page(c, mode, async () => {
      const svc = c.get('services').connectAccount;
      const record = await svc.resolve(q.link_token);
      const def = await svc.integrationFor(record, q.integration);
      const origin = publicOrigin(c);
      const location = await svc.startOAuth(record, def, origin, origin + pageUrl(mode, { integration: def.name }, '/connect-account/oauth-return'));
      // A link, not a form: CSP form-action would refuse a form's redirect to the provider.
      return new Response(null, { status: 302, headers: { location, 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' } });
    });
  });

  app.get('/oauth-return', async (c) => {
    const q = c.req.query();
    const mode = modeOf(q);
    return page(c, mode, async () => {
      const svc = c.get('services').connectAccount;
      const record = await svc.resolve(q.link_token);
      const def = await svc.integrationFor(record, q.integration);
      return success(def, record, await svc.finishOAuth(record, q.integrated_account_id));
    });
  });

  return app;
}

interface Rendered {
  status: number;
  title: string;
  body: string;
}

/** Renders what `build` returns, or the error page for what it throws, with the page's headers. */
async function page(c: Context<HttpEnv>, mode: PageMode, build: (nonce: string) => Promise<Rendered | Response>): Promise<Response> {
  const nonce = randomBytes(16).toString('base64');
  let rendered: Rendered | Response;
  try {
    rendered = await build(nonce);
  } catch (e) {
    rendered = errorPage(c, e, mode);
  }
  if (rendered instanceof Response) return rendered;
  return new Response(layout({ title: rendered.title, nonce, body: rendered.body }), {
    status: rendered.status,
    headers: pageHeaders(nonce, c.get('services').config.connectFrameAncestors),
  });
}

export function pageHeaders(nonce: string, frameAncestors: string[]): Record<string, string> {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    // Older browsers know only this header; with allowed ancestors, CSP alone decides.
    ...(frameAncestors.length ? {} : { 'x-frame-options': 'DENY' }),
    // The URL carries the link token: never in a Referer, never in a cache.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

function form(
  c: Context<HttpEnv>,
  p: {
    def: IntegrationDefinition;
    mode: PageMode;
    record: LinkTokenRecord;
    nonce: string;
    values?: Record<string, string>;
    error?: FormState['error'];
    status?: number;
  },
): Rendered {
  const verb = p.record.integrated_account_id ? 'Reconnect' : 'Connect';
  return {
    status: p.status ?? 200,
    title: `${p.error ? 'Error: ' : ''}${verb} ${p.def.label}`,
    body: formBody({
      def: p.def,
      mode: p.mode,
      formNonce: c.get('services').connectAccount.formNonce(p.record),
      reconnect: Boolean(p.record.integrated_account_id),
      fixed: Boolean(p.record.integration),
      values: p.values,
      error: p.error,
    }),
  };
}

function success(def: IntegrationDefinition, record: LinkTokenRecord, account: IntegratedAccountRecord): Rendered {
  const reconnect = Boolean(record.integrated_account_id);
  if (account.status !== 'active') {
    // Only an OAuth return gets here: the account was kept with the provider's refusal.
    const message: ConnectMessage = {
      result: 'error',
      error: account.last_error ?? 'Validation failed',
      error_type: 'validation_error',
      integration: def.name,
      integrated_account_id: account.id,
      is_truto: true,
    };
    return {
      status: 422,
      title: `Error: ${def.label} was not connected`,
      body: errorBody({ title: `${def.label} was not connected`, message: message.error!, report: message }),
    };
  }
  let redirect: string | undefined;
  if (record.redirect_uri) {
    const url = new URL(record.redirect_uri);
    url.searchParams.set('integrated_account_id', account.id);
    url.searchParams.set('integration', def.name);
    redirect = url.href;
  }
  const message: ConnectMessage = { result: 'success', integration: def.name, integrated_account_id: account.id, is_truto: true };
  return {
    status: 200,
    title: `${def.label} ${reconnect ? 'reconnected' : 'connected'}`,
    body: successBody({ label: def.label, message, redirect, reconnect }),
  };
}

const TITLES: Record<string, string> = {
  TESSERA_LINK_TOKEN_INVALID: 'This link does not work',
  TESSERA_LINK_TOKEN_EXPIRED: 'This link has expired',
  TESSERA_LINK_TOKEN_USED: 'This link was already used',
  TESSERA_INTEGRATION_NOT_FOUND: 'This service cannot be connected here',
};

/** An HTML page for what went wrong: the catalogue's status and message; a fault of ours says only that. */
function errorPage(c: Context<HttpEnv>, e: unknown, mode: PageMode): Rendered {
  if (!isTesseraError(e) || e.status >= 500) {
    c.get('services').logger.error({ request_id: c.get('requestId'), err: e }, 'connect page failed');
    const status = isTesseraError(e) ? e.status : 500;
    return {
      status,
      title: 'Error: something went wrong',
      body: errorBody({ title: 'Something went wrong', message: 'The page could not be shown. Try again in a minute.', mode }),
    };
  }
  const title = TITLES[e.code] ?? 'The account cannot be connected';
  const errorType = e.code.startsWith('TESSERA_LINK_TOKEN_') ? 'invalid_token' : e.code === 'TESSERA_INTEGRATION_NOT_FOUND' ? 'invalid_integration' : undefined;
  const report: ConnectMessage | undefined = errorType ? { result: 'error', error: e.message, error_type: errorType, is_truto: true } : undefined;
  return { status: e.status, title: `Error: ${title}`, body: errorBody({ title, message: e.message, report, mode }) };
}

function modeOf(q: Record<string, string | undefined>): PageMode {
  const integrations = q.integrations
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 100);
  return { linkToken: q.link_token ?? '', iframe: q.iframe === 'true', noBack: q.no_back === 'true', integrations };
}

function publicOrigin(c: Context<HttpEnv>): string {
  return (c.get('services').config.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
}
