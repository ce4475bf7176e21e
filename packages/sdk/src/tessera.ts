import { IntegratedAccountsApi, IntegrationsApi } from './admin-api.ts';
import { CustomApi } from './custom-api.ts';
import { HttpClient, type ClientOptions, type HttpRequest } from './http.ts';
import { ProxyApi } from './proxy-api.ts';
import { UnifiedApi } from './unified-api.ts';

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
  readonly http: HttpClient;

  constructor(options: TesseraOptions) {
    this.http = new HttpClient(options);
    this.unifiedApi = new UnifiedApi(this.http);
    this.proxyApi = new ProxyApi(this.http);
    this.customApi = new CustomApi(this.http);
    this.integratedAccounts = this.integratedAccount = new IntegratedAccountsApi(this.http);
    this.integrations = this.integration = new IntegrationsApi(this.http);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Any other endpoint, e.g. `tessera.request('GET', '/integrated-account/<id>/capabilities')`. */
  request<T = unknown>(method: string, path: string, options?: HttpRequest): Promise<T> {
    return this.http.request<T>(method, path, options);
  }
}
