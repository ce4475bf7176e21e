/** OAuth 2.0 credentials for oauth2 integrations (docs/oauth2.md). */
export { ensureFreshToken, resetOAuth2State, type OAuth2EngineServices } from './ensure-fresh-token.ts';
export { InProcessRefreshLock, refreshLock, setRefreshLock, type RefreshLock } from './refresh-lock.ts';
export { authorizationUrl, exchangeAuthorizationCode, type AuthorizeUrlInput, type CodeExchangeInput } from './authorization-code.ts';
export { resolveSettings, oauth2Credentials, type OAuth2Settings } from './settings.ts';
export { requestToken, TokenEndpointError, type TokenSet, type TokenGrant } from './token-client.ts';
