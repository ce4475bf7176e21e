import { IntegratedAccountsApi, IntegrationsApi } from './admin-api.ts';
import { BatchRequestApi } from './batch-api.ts';
import { CustomApi } from './custom-api.ts';
import { HttpClient, type ClientOptions, type HttpRequest } from './http.ts';
import { LinkTokenApi } from './link-token-api.ts';
import { LogApi } from './log-api.ts';
import { ApiTokenApi, EnvironmentApi, EnvironmentIntegrationApi, UnifiedModelApi } from './platform-api.ts';
import { ProxyApi } from './proxy-api.ts';
import { UnifiedApi } from './unified-api.ts';
import { WebhooksApi } from './webhook-api.ts';

export type TesseraOptions = ClientOptions;

/**
 * The Tessera client. Speaks Truto's wire contract, so `baseUrl` may point at Tessera or Truto.
 *
 *   const tessera = new Tessera({ token, baseUrl: 'http://localhost:8080' });
 *   const user = await tessera.unifiedApi.get('usage-metering', 'users', id, { integrated_account_id });
 */
export class Tessera {
  readonly unifiedApi: UnifiedApi;
  readonly proxyApi: ProxyApi;
  readonly customApi: CustomApi;
  readonly integratedAccounts: IntegratedAccountsApi;
  readonly integrations: IntegrationsApi;
  /** Truto SDK names for the admin resources. */
  readonly integratedAccount: IntegratedAccountsApi;
  readonly integration: IntegrationsApi;
  /** GET /log: persisted request logs and webhook deliveries (Truto's SDK calls it `log` too). */
  readonly log: LogApi;
  /** The platform resources (platform-api.ts), under Truto's SDK names. */
  readonly environment: EnvironmentApi;
  readonly apiToken: ApiTokenApi;
  readonly environmentIntegration: EnvironmentIntegrationApi;
  readonly unifiedModel: UnifiedModelApi;
  /** POST /batch-request (docs/batch.md), under Truto's SDK name. */
  readonly batchRequest: BatchRequestApi;
  /** POST /link-token: tokens for the hosted connect page (docs/connect.md), under Truto's SDK name. */
  readonly linkToken: LinkTokenApi;
  /** /webhook: account events delivered signed to your endpoint (docs/webhooks.md), under Truto's SDK name. */
  readonly webhook: WebhooksApi;
  readonly http: HttpClient;

  constructor(options: TesseraOptions) {
    this.http = new HttpClient(options);
    this.unifiedApi = new UnifiedApi(this.http);
    this.proxyApi = new ProxyApi(this.http);
    this.customApi = new CustomApi(this.http);
    this.integratedAccounts = this.integratedAccount = new IntegratedAccountsApi(this.http);
    this.integrations = this.integration = new IntegrationsApi(this.http);
    this.log = new LogApi(this.http);
    this.batchRequest = new BatchRequestApi(this.http);
    this.linkToken = new LinkTokenApi(this.http);
    this.webhook = new WebhooksApi(this.http);
    [this.environment, this.apiToken] = [new EnvironmentApi(this.http), new ApiTokenApi(this.http)];
    [this.environmentIntegration, this.unifiedModel] = [new EnvironmentIntegrationApi(this.http), new UnifiedModelApi(this.http)];
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Any other endpoint, e.g. `tessera.request('GET', '/integrated-account/<id>/capabilities')`. */
  request<T = unknown>(method: string, path: string, options?: HttpRequest): Promise<T> {
    return this.http.request<T>(method, path, options);
  }
}
