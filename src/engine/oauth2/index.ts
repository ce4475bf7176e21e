/** OAuth 2.0 credentials for oauth2 integrations (docs/oauth2.md). */
export { ensureFreshToken, refreshNow } from './ensure-fresh-token.ts';
export { InProcessRefreshLock, type RefreshLock } from './refresh-lock.ts';
export { authorizationUrl, exchangeAuthorizationCode, type AuthorizeUrlInput, type CodeExchangeInput } from './authorization-code.ts';
export { checkOAuth2Context, resolveSettings, oauth2Credentials, type OAuth2Settings } from './settings.ts';
export { requestToken, TokenEndpointError, type TokenSet, type TokenGrant } from './token-client.ts';
export { CONNECT_STATE_TTL_MS, openState, pkcePair, sealState, type ConnectState, type Sealer } from './connect-state.ts';
