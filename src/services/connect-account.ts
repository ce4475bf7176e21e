import { createHash, randomBytes } from 'node:crypto';
import { errors, isTesseraError } from '../errors/catalogue.ts';
import type { CredentialField, IntegrationDefinition } from '../integrations/definition-schema.ts';
import type { LinkTokenRecord } from '../store/link-token-rows.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import { createAccountBody, type IntegratedAccountsService } from './integrated-accounts.ts';
import type { LinkTokensService } from './link-tokens.ts';
import { startAuthorization, type OAuth2ConnectDeps } from './oauth2-connect.ts';

/**
 * The hosted connect page's use cases (docs/connect.md): what a link token may connect, the
 * per-page form nonce, and the connection itself through the same service POST
 * /integrated-account and PATCH use, so validation and storage are the API's.
 */
export interface ConnectAccountDeps {
  linkTokens: LinkTokensService;
  accounts: IntegratedAccountsService;
  box: SecretBox;
  oauth: OAuth2ConnectDeps;
}

/** How long a rendered form may be submitted: a person filling it in, not a replay days later. */
export const FORM_NONCE_TTL_MS = 2 * 60 * 60 * 1000;

/** One field's problem, for the form to show next to it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A connection that did not happen, told so the form can show it: the token stays usable. */
export class ConnectRefused extends Error {
  constructor(
    message: string,
    readonly fields: FieldProblem[],
    readonly status: number,
  ) {
    super(message);
    this.name = 'ConnectRefused';
  }
}

export class ConnectAccountService {
  constructor(private readonly app: ConnectAccountDeps) {}

  resolve(token: string | undefined): Promise<LinkTokenRecord> {
    return this.app.linkTokens.resolve(token);
  }

  /** What the page lists: the token's one integration, or the environment's, narrowed by the SDK's `integrations=a,b`. */
  async offered(record: LinkTokenRecord, narrowTo?: string[]): Promise<IntegrationDefinition[]> {
    const defs = await this.app.linkTokens.offered(record.environment_id, record.integration ?? undefined);
    return narrowTo?.length ? defs.filter((d) => narrowTo.includes(d.name)) : defs;
  }

  /** The integration a submission or page names, if the token allows it; else 404 (never another environment's). */
  async integrationFor(record: LinkTokenRecord, name: string | undefined): Promise<IntegrationDefinition> {
    const chosen = record.integration ?? name;
    if (!chosen) throw errors.missingQuery(['integration']);
    const def = (await this.app.linkTokens.offered(record.environment_id, record.integration ?? undefined)).find((d) => d.name === chosen);
    if (!def) throw errors.integrationNotFound(`Integration ${chosen} cannot be connected with this link`);
    return def;
  }

  /**
   * The form's nonce: the token's id and a deadline, sealed (authenticated) by the box. It ties a
   * submission to a page this server rendered for this token within the last two hours.
   */
  formNonce(record: LinkTokenRecord): string {
    return this.app.box.encrypt(JSON.stringify({ t: record.id, e: Date.now() + FORM_NONCE_TTL_MS, r: randomBytes(8).toString('hex') }));
  }

  checkFormNonce(record: LinkTokenRecord, nonce: string | undefined) {
    let parsed: { t?: string; e?: number } = {};
    try {
      parsed = JSON.parse(this.app.box.decrypt(nonce ?? '')) as typeof parsed;
    } catch {
      // An altered, foreign or missing nonce: treated like an expired one.
    }
    if (parsed.t !== record.id || typeof parsed.e !== 'number' || parsed.e < Date.now())
      throw errors.badRequest('This form has expired or did not come from this page; reload the page and enter the details again');
  }

  /**
   * Connects with the entered fields: a new account for the token's tenant, or new credentials for
   * the token's account. A refusal (a missing field, the provider saying no) is a ConnectRefused
   * and leaves the token usable; success uses the token up.
   */
  async connect(record: LinkTokenRecord, def: IntegrationDefinition, entered: Record<string, string>): Promise<IntegratedAccountRecord> {
    if (def.credentials.format !== 'api_key') throw errors.badRequest(`${def.label} connects through its own sign-in page; use its Connect button`);
    const fields = credentialValues(def.credentials.config.fields, entered);
    const context = { ...record.context, ...fields };
    try {
      return await this.app.linkTokens.useOnce(record, async () => {
        if (!record.integrated_account_id) {
          const body = createAccountBody.parse({
            tenant_id: record.tenant_id,
            integration: def.name,
            context,
            authentication_method: 'api_key',
            ...(record.region ? { region: record.region } : {}),
            integration_override: record.integration_override,
          });
          return this.app.accounts.create(record.environment_id, body);
        }
        const account = await this.app.accounts.get(record.environment_id, record.integrated_account_id);
        // Without persist_previous_context the new context replaces the old: keys it lacks are cleared.
        const cleared = record.persist_previous_context ? {} : Object.fromEntries(Object.keys(account.context).map((k) => [k, undefined]));
        return this.app.accounts.patch(record.environment_id, account.id, { context: { ...cleared, ...context } });
      });
    } catch (e) {
      throw refusal(e, def);
    }
  }

  /** OAuth: the provider's authorize URL, returning to the page's `return_url` once the person consented. */
  async startOAuth(record: LinkTokenRecord, def: IntegrationDefinition, origin: string, returnUrl: string): Promise<string> {
    const started = await startAuthorization(
      this.app.oauth,
      record.environment_id,
      {
        integration: def.name,
        tenant_id: record.tenant_id,
        integrated_account_id: record.integrated_account_id ?? undefined,
        scope: record.scopes ?? undefined,
        context: record.context,
        integration_override: record.integrated_account_id ? {} : record.integration_override,
        return_url: returnUrl,
      },
      origin,
    );
    return started.authorize_url;
  }

  /**
   * The OAuth callback came back: the account it names must be the token's (its environment, tenant
   * and integration, made after the token, or the token's own account on a reconnect). Then the
   * token is used up, as with a form.
   */
  async finishOAuth(record: LinkTokenRecord, accountId: string | undefined): Promise<IntegratedAccountRecord> {
    if (!accountId) throw errors.missingQuery(['integrated_account_id']);
    const account = await this.app.accounts.get(record.environment_id, accountId);
    const ours = record.integrated_account_id
      ? account.id === record.integrated_account_id
      : account.tenant_id === record.tenant_id &&
        account.created_at >= record.created_at &&
        (!record.integration || account.integration === record.integration);
    if (!ours) throw errors.accountNotFound(accountId);
    return this.app.linkTokens.useOnce(record, async () => account);
  }
}

/** The declared fields' values as the context holds them: trimmed, empty left out, `transform` applied. */
export function credentialValues(fields: CredentialField[], entered: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    let v = (entered[f.name] ?? '').trim();
    if (!v) continue;
    if (f.transform === 'lowercase') v = v.toLowerCase();
    else if (f.transform === 'uppercase') v = v.toUpperCase();
    else if (f.transform === 'sha256') v = createHash('sha256').update(v).digest('hex');
    out[f.name] = v;
  }
  return out;
}

/** What the form shows for a failed connection; link-token errors and server faults pass through as they are. */
function refusal(e: unknown, def: IntegrationDefinition): unknown {
  if (!isTesseraError(e)) return e;
  if (e.code === 'TESSERA_VALIDATION_FAILED') {
    const failures = ((e.details as { failures?: { path: string; message: string }[] } | undefined)?.failures ?? []).map((f) => ({
      field: f.path.replace(/^context\./, ''),
      message: f.message,
    }));
    return new ConnectRefused(`Check the ${def.label} details: ${failures.map((f) => f.message).join('; ') || e.message}`, failures, 400);
  }
  if (e.code === 'TESSERA_ACCOUNT_VALIDATION_FAILED') {
    // The provider refused what was entered; the secrets are the likely culprits.
    const secret = def.credentials.format === 'api_key' ? def.credentials.config.fields.filter((f) => f.type === 'password') : [];
    return new ConnectRefused(
      `${def.label} did not accept these details. ${e.message.replace(/^Validation of the .* credentials failed: /, 'It said: ')}`,
      secret.map((f) => ({ field: f.name, message: `${def.label} did not accept this ${f.label}` })),
      422,
    );
  }
  if (e.status === 429 || e.status >= 500)
    return new ConnectRefused(`${def.label} could not be reached to check these details; try again in a minute.`, [], 502);
  return e;
}
