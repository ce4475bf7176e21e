import type { HttpClient, RequestOptions } from './http.ts';

/**
 * `/custom/{path}` (docs/contract.md §13): any verb, forwarded to the integration's base URL with
 * its authorization applied. Unlike Truto's SDK 2.0.12, the URL is built with the slash after the
 * base URL (`https://host/custom/...`, never `https://hostcustom/...`).
 */
export interface CustomQuery {
  integrated_account_id?: string;
  [key: string]: unknown;
}

export class CustomApi {
  constructor(private readonly http: HttpClient) {}

  /** `request('GET', '/users/me', { integrated_account_id })`; the path may start with a slash or not. */
  request<T = unknown>(method: string, path: string, query: CustomQuery = {}, body?: unknown, request?: RequestOptions): Promise<T> {
    const clean = path.replace(/^\/+/, '');
    const hasBody =
      body !== undefined && !(body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0 && body.constructor === Object);
    return this.http.request<T>(method, `custom/${clean}`, { ...request, query, body: hasBody ? body : undefined });
  }
}
