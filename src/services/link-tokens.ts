import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';
import type { Catalog } from '../integrations/catalog.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import { nameText, storedText } from '../query/safe-input.ts';
import type { LinkTokenRecord } from '../store/link-token-rows.ts';
import type { Store } from '../store/types.ts';
import { refuseSealMarkers, TENANT_ID_RULE, type IntegratedAccountsService } from './integrated-accounts.ts';
import { hashToken } from './tokens.ts';

/**
 * Link tokens (docs/connect.md): what an application hands its user's browser so the hosted
 * connect page can connect one account for one tenant, without the application's API token.
 * Random secrets shown once, stored as SHA-256 like API tokens; 7 days; single use.
 */
export const LINK_TOKEN_PREFIX = 'tlk_';
export const LINK_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const CONNECT_PATH = '/connect-account';

const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http(s) URL');

/**
 * The body of POST /link-token (docs/contract.md §1.2). Truto's TS SDK sends `unified_model_id`
 * where the contract names `environment_unified_model_id`: both are accepted. Neither, nor
 * `truto_static_gate_id`, changes what the page offers here (Tessera has no per-model gating);
 * they are accepted so those requests do not fail. `integration_override` is Tessera's: what POST
 * /integrated-account takes under the same name, applied to the account the token connects.
 */
export const createLinkTokenBody = z
  .object({
    tenant_id: storedText(TENANT_ID_RULE).optional(),
    integration: nameText().optional(),
    integrated_account_id: z.string().uuid().optional(),
    persist_previous_context: z.boolean().optional(),
    redirect_uri: httpUrl.optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    region: z.enum(['wnam', 'enam', 'apac', 'eu']).optional(),
    scopes: z
      .array(storedText({ maxLength: 256 }))
      .max(100)
      .optional(),
    environment_unified_model_id: z.string().max(128).nullish(),
    unified_model_id: z.string().max(128).nullish(),
    truto_static_gate_id: z.string().max(128).nullish(),
    integration_override: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type CreateLinkTokenInput = z.infer<typeof createLinkTokenBody>;

/** What POST /link-token answers: the token (only now), and what it allows. */
export interface IssuedLinkToken {
  link_token: string;
  id: string;
  tenant_id: string;
  integration: string | null;
  integrated_account_id: string | null;
  redirect_uri: string | null;
  /** The hosted page to open with the token: `{TESSERA_PUBLIC_URL or this server}/connect-account?link_token=…`. */
  connect_url: string;
  expires_at: string;
  created_at: string;
}

export interface LinkTokensDeps {
  store: Store;
  catalog: Catalog;
  accounts: IntegratedAccountsService;
  publicUrl?: string;
}

export class LinkTokensService {
  constructor(private readonly app: LinkTokensDeps) {}

  async create(environmentId: string, input: CreateLinkTokenInput, origin: string): Promise<IssuedLinkToken> {
    let tenantId = input.tenant_id;
    let integration = input.integration;
    if (input.integrated_account_id) {
      // Another environment's account is a 404, as everywhere.
      const account = await this.app.accounts.get(environmentId, input.integrated_account_id);
      if (integration && integration !== account.integration)
        throw errors.badRequest(`Integrated account ${account.id} belongs to integration ${account.integration}, not ${integration}; leave integration out`);
      if (tenantId && tenantId !== account.tenant_id)
        throw errors.badRequest(`Integrated account ${account.id} belongs to tenant ${account.tenant_id}, not ${tenantId}; leave tenant_id out`);
      if (input.integration_override) throw errors.badRequest('integration_override applies to new accounts; PATCH the account to change it');
      tenantId = account.tenant_id;
      integration = account.integration;
    } else {
      if (!tenantId) throw errors.missingBody(['tenant_id']);
      if (input.persist_previous_context !== undefined)
        throw errors.badRequest('persist_previous_context applies only with integrated_account_id (a reconnect)');
    }
    if (integration) await this.usableIntegration(environmentId, integration);
    if (input.integration_override) {
      if (!integration) throw errors.badRequest('integration_override needs integration: an override is checked against the integration it changes');
      this.app.accounts.checkIntegrationOverride(integration, input.integration_override);
    }
    if (input.context) refuseSealMarkers(input.context);

    const token = LINK_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = new Date();
    // Housekeeping on the way: tokens a week past their expiry go (until then the page can still say "expired").
    await this.app.store.linkTokens.deleteExpired(new Date(now.getTime() - LINK_TOKEN_TTL_MS).toISOString());
    const record = await this.app.store.linkTokens.create({
      id: randomUUID(),
      token_hash: hashToken(token),
      environment_id: environmentId,
      tenant_id: tenantId,
      integration: integration ?? null,
      integrated_account_id: input.integrated_account_id ?? null,
      redirect_uri: input.redirect_uri ?? null,
      region: input.region ?? null,
      context: input.context ?? {},
      persist_previous_context: input.persist_previous_context ?? false,
      integration_override: input.integration_override ?? {},
      scopes: input.scopes ?? null,
      expires_at: new Date(now.getTime() + LINK_TOKEN_TTL_MS).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    });
    const connectUrl = new URL(`${(this.app.publicUrl ?? origin).replace(/\/+$/, '')}${CONNECT_PATH}`);
    connectUrl.searchParams.set('link_token', token);
    return {
      link_token: token,
      id: record.id,
      tenant_id: record.tenant_id,
      integration: record.integration,
      integrated_account_id: record.integrated_account_id,
      redirect_uri: record.redirect_uri,
      connect_url: connectUrl.href,
      expires_at: record.expires_at,
      created_at: record.created_at,
    };
  }

  /** The token's record if it can still connect; otherwise the error that says why (unknown, expired, used). */
  async resolve(token: string | undefined): Promise<LinkTokenRecord> {
    if (!token || token.length > 200) throw errors.linkTokenInvalid();
    const record = await this.app.store.linkTokens.findByHash(hashToken(token));
    if (!record) throw errors.linkTokenInvalid();
    if (record.expires_at <= new Date().toISOString()) throw errors.linkTokenExpired(record.expires_at);
    if (record.used_at) throw errors.linkTokenUsed();
    return record;
  }

  /**
   * Runs `connect` holding the token: claimed first, so two submissions racing with one token
   * cannot both connect; released again when `connect` fails, so a mistyped key does not use the
   * token up (docs/connect.md, "Single use").
   */
  async useOnce<T>(record: LinkTokenRecord, connect: () => Promise<T>): Promise<T> {
    const at = new Date().toISOString();
    if (!(await this.app.store.linkTokens.claim(record.id, at))) throw errors.linkTokenUsed();
    try {
      return await connect();
    } catch (e) {
      await this.app.store.linkTokens.release(record.id, at);
      throw e;
    }
  }

  /** The integrations the page may offer in the environment, in label order (installed, enabled; shown in the catalog unless named). */
  async offered(environmentId: string, only?: string): Promise<IntegrationDefinition[]> {
    const rows = new Map((await this.app.store.environmentIntegrations.list(environmentId)).map((r) => [r.integration, r]));
    const defs = only ? [this.app.accounts.integrationOf(only)] : [...this.app.catalog.integrations.values()];
    return defs
      .filter((def) => {
        const row = rows.get(def.name);
        if (!row) return true;
        return row.is_installed && row.is_enabled && (only !== undefined || row.show_in_catalog);
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  private async usableIntegration(environmentId: string, name: string) {
    this.app.accounts.integrationOf(name);
    const row = await this.app.store.environmentIntegrations.get(environmentId, name);
    if (row && (!row.is_installed || !row.is_enabled))
      throw errors.integrationNotFound(
        `Integration ${name} is not installed and enabled in this environment; install or enable it with /environment-integration first`,
      );
  }
}
