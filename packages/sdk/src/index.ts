/**
 * Tessera's TypeScript SDK, the package @tessera-api/sdk: `import { Tessera } from '@tessera-api/sdk'`.
 * Runs anywhere fetch does (Node ≥ 20, Deno, Bun, browsers, Cloudflare Workers). See docs/sdk.md.
 */
import { Tessera } from './tessera.ts';

export { Tessera, Tessera as Truto, type TesseraOptions } from './tessera.ts';
export { Cursor, type ListEnvelope, type Page } from './cursor.ts';
export { TesseraConnectionError, TesseraError, TesseraTimeoutError, type ErrorEnvelope } from './errors.ts';
export {
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  HttpClient,
  RETRY_STATUSES,
  SDK_VERSION,
  parseRetryAfter,
  type ClientOptions,
  type Hooks,
  type HttpRequest,
  type RequestInfo,
  type RequestOptions,
  type ResponseInfo,
  type RetryInfo,
  type RetryOptions,
} from './http.ts';
export { stringifyQuery, type QueryObject } from './query.ts';
export {
  UnifiedApi,
  type CustomResult,
  type DeleteResult,
  type MethodMeta,
  type RecordOf,
  type UnifiedQuery,
  type UnifiedRecord,
  type UnifiedTarget,
} from './unified-api.ts';
export { ProxyApi, type ProxyQuery, type ProxyTarget } from './proxy-api.ts';
export { CustomApi, type CustomQuery } from './custom-api.ts';
export {
  IntegratedAccountsApi,
  IntegrationsApi,
  type AccountTool,
  type AccountWriteOptions,
  type AdminQuery,
  type CreateIntegratedAccount,
  type IntegratedAccount,
  type Integration,
  type UpdateIntegratedAccount,
} from './admin-api.ts';
export { LogApi, type LogQuery, type LogRecord, type LogType, type UpstreamCall } from './log-api.ts';
export { LinkTokenApi, type CreateLinkToken, type LinkToken } from './link-token-api.ts';
export * from './platform-api.ts';
export { BatchRequestApi, type BatchRequestBody, type BatchResource, type BatchResponse } from './batch-api.ts';
export * from './webhook-api.ts';
export type * from './models.gen.ts';

export default Tessera;
