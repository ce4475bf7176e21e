import { TesseraError, errors } from '../../errors/catalogue.ts';
import type { UpstreamRequest } from '../../upstream/types.ts';
import type { EngineServices, Execution } from '../types.ts';
import { applyContextPatch } from '../context.ts';
import { oauth2Credentials, resolveSettings, type OAuth2Settings } from './settings.ts';
import { requestToken, TokenEndpointError, type TokenGrant } from './token-client.ts';
import { fingerprint, isStale, mergeOAuth, readToken, type StoredToken } from './token-state.ts';

/**
 * Keeps an oauth2 account's access token usable (docs/oauth2.md):
 *
 * - before a call, a token that is missing or expires within the skew is refreshed (refresh-token
 *   grant) or fetched (client-credentials grant);
 * - refreshes of one account run under a per-account lock, and a caller that queued behind a
 *   refresh of the same token adopts its outcome: N concurrent requests make one token request;
 * - the new token is persisted (the old refresh token kept when none comes back) and this
 *   request's context updated;
 * - a refusal (4xx) from the token endpoint marks the account `needs_reauth` and fails with 401;
 * - an upstream 401 to a request that carried the current token forces one refresh and one
 *   retry of that request.
 */

interface Outcome {
  /** Fingerprints of the tokens this outcome replaced. */
  from: string[];
  at: number;
  oauth?: Record<string, unknown>;
  error?: unknown;
}

/** How long a failed refresh answers callers that queued behind it (they do not retry it at once). */
const FAILURE_MEMORY_MS = 5_000;
/** How long a successful refresh is remembered for requests still holding the replaced token. */
const SUCCESS_MEMORY_MS = 10 * 60_000;

/**
 * The last refresh outcome per account, per running Tessera (keyed by its EngineServices, so two
 * instances in one process share nothing but their database, like two processes).
 */
const outcomesByServices = new WeakMap<EngineServices, Map<string, Outcome>>();

function outcomesOf(services: EngineServices): Map<string, Outcome> {
  let map = outcomesByServices.get(services);
  if (!map) outcomesByServices.set(services, (map = new Map()));
  return map;
}

function remember(outcomes: Map<string, Outcome>, accountId: string, outcome: Outcome) {
  outcomes.set(accountId, outcome);
  if (outcomes.size > 1000) {
    for (const [id, o] of outcomes) if (outcome.at - o.at > SUCCESS_MEMORY_MS) outcomes.delete(id);
  }
}

function recall(outcomes: Map<string, Outcome>, accountId: string, from: string, settings: OAuth2Settings, now = Date.now()): Outcome | undefined {
  const o = outcomes.get(accountId);
  if (!o || !o.from.includes(from)) return undefined;
  if (o.error) return now - o.at <= FAILURE_MEMORY_MS ? o : undefined;
  if (now - o.at > SUCCESS_MEMORY_MS) return undefined;
  // An adopted token must itself be usable; otherwise refresh again, from it.
  return o.oauth && !isStale(readToken({ oauth: o.oauth }), settings.skewSeconds, undefined, now) ? o : undefined;
}

/** The grant that renews this token, or none (an authorization-code token without a refresh token). */
function grantFor(token: StoredToken, settings: OAuth2Settings): TokenGrant | undefined {
  if (settings.grantType === 'client_credentials') return { grant_type: 'client_credentials' };
  if (token.refresh_token) return { grant_type: 'refresh_token', refresh_token: token.refresh_token };
  return undefined;
}

/** Access tokens this execution has replaced: a 401 to a request carrying one is retried with the current one. */
const replacedTokens = new WeakMap<Execution, Set<string>>();

function setOAuth(exec: Execution, oauth: Record<string, unknown>) {
  const before = readToken(exec.credentials).access_token;
  applyContextPatch(exec, { oauth });
  const after = readToken(exec.credentials).access_token;
  if (before && before !== after) {
    const set = replacedTokens.get(exec) ?? new Set<string>();
    set.add(before);
    replacedTokens.set(exec, set);
  }
}

/**
 * Makes sure `exec.credentials` holds a usable access token for an oauth2 integration; a no-op for
 * other credential formats. `force` renews even a token that looks fresh (the provider said 401).
 */
export async function ensureFreshToken(exec: Execution, options: { force?: boolean } = {}): Promise<void> {
  if (!oauth2Credentials(exec.integration)) return;
  const settings = resolveSettings(exec.integration, exec.credentials);
  if (settings.retryOn401) installRetryOn401(exec);
  const token = readToken(exec.credentials);
  if (!options.force && !isStale(token, settings.skewSeconds, exec.account.created_at)) return;
  const grant = grantFor(token, settings);
  // Nothing to renew with: send what we have and let the provider decide (a 401 marks needs_reauth).
  if (!grant) return;
  await renew(exec, settings, token, grant);
}

async function renew(exec: Execution, settings: OAuth2Settings, token: StoredToken, grant: TokenGrant): Promise<void> {
  const accountId = exec.account.id;
  const from = fingerprint(token);
  const outcomes = outcomesOf(exec.services);
  const adopt = (o: Outcome) => {
    if (o.error) throw o.error;
    setOAuth(exec, o.oauth!);
  };
  const early = recall(outcomes, accountId, from, settings);
  if (early) return adopt(early);

  await exec.services.withAccountLock(accountId, async () => {
    const queued = recall(outcomes, accountId, from, settings);
    if (queued) return adopt(queued);
    // Another request or process may have renewed the token, or given up on it, while we waited.
    const stored = await exec.services.loadAccount(accountId);
    if (!stored) throw errors.accountNotFound(accountId);
    if (stored.status === 'needs_reauth' && exec.account.status !== 'needs_reauth') throw errors.needsReauth();
    const storedToken = readToken(stored.context);
    const storedFrom = fingerprint(storedToken);
    if (storedFrom !== from && storedToken.access_token && !isStale(storedToken, settings.skewSeconds, stored.created_at)) {
      return setOAuth(exec, stored.context.oauth as Record<string, unknown>);
    }
    // Renew from the stored token when it is newer than ours (it may carry a rotated refresh token).
    const newer = storedFrom !== from && (storedToken.refresh_token || settings.grantType === 'client_credentials');
    const base = newer ? stored.context : exec.credentials;
    const useGrant = newer ? (grantFor(storedToken, settings) ?? grant) : grant;
    const replaced = newer ? [from, storedFrom] : [from];

    let oauth: Record<string, unknown>;
    // Counted for tessera_oauth_token_refreshes_total (the token endpoint is not a traced upstream call).
    const counted = (outcome: 'success' | 'failure') => exec.services.observer?.tokenRefresh(exec.integration.name, outcome);
    try {
      oauth = mergeOAuth(base, await requestToken(settings, useGrant, exec.services.egress.fetchFor(exec.integration.name)));
    } catch (e) {
      counted('failure');
      const error = await failure(exec, settings, useGrant, e);
      remember(outcomes, accountId, { from: replaced, at: Date.now(), error });
      throw error;
    }
    counted('success');
    // Remember first: a provider that rotates refresh tokens has already invalidated the old one,
    // so the new token must reach the other requests even if the store write fails.
    remember(outcomes, accountId, { from: replaced, at: Date.now(), oauth });
    setOAuth(exec, oauth);
    try {
      await exec.services.persistContextUnderLock(accountId, { oauth });
    } catch (e) {
      exec.services.logger.error(
        { request_id: exec.requestId, integrated_account_id: accountId, err: { message: (e as Error).message } },
        'Could not store the refreshed OAuth token',
      );
    }
  });
}

/** The error a failed renewal answers with; a refusal also marks the account needs_reauth. */
async function failure(exec: Execution, settings: OAuth2Settings, grant: TokenGrant, e: unknown): Promise<unknown> {
  if (!(e instanceof TokenEndpointError)) return e;
  const what = grant.grant_type === 'refresh_token' ? 'refresh the OAuth access token' : 'issue an OAuth access token';
  const remote = { rawResponse: e.body ?? null };
  if (e.kind === 'rejected') {
    const fix =
      grant.grant_type === 'client_credentials'
        ? 'Check the OAuth client id and secret, then PATCH them onto the integrated account context.'
        : 'Reconnect it with POST /oauth2/authorize {integrated_account_id}, or PATCH a new context.oauth.token onto it.';
    const message = `${settings.label} refused to ${what} (${e.code}${detailOf(e.body)}). The integrated account needs re-authentication. ${fix}`;
    await exec.services.markNeedsReauth(exec.account.id, message, exec.requestId);
    exec.services.logger.warn(
      { request_id: exec.requestId, integrated_account_id: exec.account.id, status: e.status, error: e.code },
      'OAuth token renewal refused',
    );
    return new TesseraError(401, message, { code: 'TESSERA_OAUTH_FAILED', remote });
  }
  const message = `Could not ${what} for ${settings.label}: ${e.message}. The account is unchanged; retry later.`;
  if (e.kind === 'timeout') return errors.upstreamTimeout(message);
  if (e.status === 429) return new TesseraError(429, message, { code: 'TESSERA_OAUTH_FAILED', remote });
  return new TesseraError(502, message, { code: 'TESSERA_OAUTH_FAILED', remote });
}

function detailOf(body: unknown): string {
  const b = body as Record<string, unknown> | null;
  const text = typeof b?.error_description === 'string' ? b.error_description : typeof b?.message === 'string' ? b.message : undefined;
  return text ? `: ${text.slice(0, 200)}` : '';
}

/** Execs whose sender already retries 401s. */
const wrapped = new WeakSet<Execution>();

function carries(request: UpstreamRequest, token: string): boolean {
  return request.url.includes(token) || Object.values(request.headers).some((v) => v.includes(token));
}

function swapToken(request: UpstreamRequest, from: string, to: string): UpstreamRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k] = v.split(from).join(to);
  return { ...request, url: request.url.split(from).join(to), headers };
}

/**
 * Wraps this execution's sender once: a 401 to a request that carried the account's access token
 * forces one renewal and retries the request once with the new token (wherever the definition's
 * authorization put it). A second 401 goes back to the engine, which marks the account needs_reauth.
 */
function installRetryOn401(exec: Execution) {
  if (wrapped.has(exec)) return;
  wrapped.add(exec);
  const send = exec.send;
  exec.send = async (request) => {
    const response = await send(request);
    if (response.status !== 401) return response;
    const token = readToken(exec.credentials);
    const current = token.access_token;
    if (!current) return response;
    if (!carries(request, current)) {
      // Sent with a token this execution has since replaced (a concurrent call renewed it).
      const stale = [...(replacedTokens.get(exec) ?? [])].find((t) => carries(request, t));
      return stale ? send(swapToken(request, stale, current)) : response;
    }
    const settings = resolveSettings(exec.integration, exec.credentials);
    const grant = grantFor(token, settings);
    if (!grant) return response;
    await renew(exec, settings, token, grant);
    const fresh = readToken(exec.credentials).access_token;
    if (!fresh || fresh === current) return response;
    exec.services.logger.info(
      { request_id: exec.requestId, integrated_account_id: exec.account.id },
      'Provider answered 401; retried once with a renewed OAuth token',
    );
    return send(swapToken(request, current, fresh));
  };
}

/**
 * Renews the account's token now, whatever its expiry (POST /integrated-account/refresh-credentials),
 * through the same lock and coalescing as a refresh before a call. Says why when it cannot.
 */
export async function refreshNow(exec: Execution): Promise<'refreshed' | 'not_oauth2' | 'no_refresh_token'> {
  if (!oauth2Credentials(exec.integration)) return 'not_oauth2';
  const settings = resolveSettings(exec.integration, exec.credentials);
  const token = readToken(exec.credentials);
  const grant = grantFor(token, settings);
  if (!grant) return 'no_refresh_token';
  await renew(exec, settings, token, grant);
  return 'refreshed';
}
