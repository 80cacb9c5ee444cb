import { TokenCache } from "../cache/token_cache.js";
import type { PersistentTokenStore, TokenQuery } from "../cache/token_store.js";
import { AuthenticationError, AuthenticationRequiredError } from "../errors.js";
import type { AbortSignalLike, AccessToken, GetTokenOptions } from "../types.js";
import { logOutcome } from "../util/logger.js";
import { requestTimeout } from "../util/timeout.js";
import { accountFromTokenResponse, type AuthenticationRecord } from "./authentication_record.js";
import { buildClaims } from "./claims.js";
import { refreshTokenGrant } from "./grants.js";
import { normalizeScopes } from "./scopes.js";
import { resolveTenant } from "./tenant.js";
import type { TokenClient } from "./token_client.js";
import { toAccessToken, type TokenResult } from "./token_response.js";
import type { Interaction, SessionSettings, UserSession } from "./user_session.js";

/** Entra errors on a refresh that mean only the user can fix it by signing in again. */
const INTERACTION_REQUIRED = new Set([
  "invalid_grant",
  "interaction_required",
  "login_required",
  "consent_required",
]);

type Prepared = ReturnType<typeof prepare>;

function prepare(
  client: TokenClient,
  defaultTenantId: string,
  scopes: unknown,
  options: GetTokenOptions,
) {
  const name = client.credentialName;
  const list = normalizeScopes(name, scopes);
  const tenantId = resolveTenant(name, client.tenantPolicy, options.tenantId) || defaultTenantId;
  return {
    scopes: list,
    tenantId,
    claims: buildClaims(name, options.claims, options.enableCae),
    timeoutMs: requestTimeout(name, options.requestOptions?.timeout),
    key: JSON.stringify([tenantId, [...list].sort(), options.enableCae === true]),
    options,
  };
}

/**
 * What runs a {@link UserSession}, loaded at its first `getToken` or `authenticate`: access tokens
 * cached per tenant, scopes and CAE; the refresh token kept in memory (replaced whenever Entra
 * rotates it) and used for silent renewal, new scopes and claims challenges; the account as an
 * {@link AuthenticationRecord}. The credential's interaction signs the user in, never two at a
 * time.
 */
export class UserSessionState {
  readonly client: TokenClient;
  readonly #defaultTenantId: string;
  readonly #interaction: Interaction;
  readonly #automatic: boolean;
  readonly #cache: TokenCache;
  #refreshToken: string | undefined;
  #account: AuthenticationRecord | undefined;
  #running: Promise<unknown> | undefined;
  #closing = new AbortController();
  #store: PersistentTokenStore | undefined;

  /** @param settings - the client, default tenant, interaction and automatic flag of its session. */
  constructor({ client, defaultTenantId, interaction, automatic }: SessionSettings) {
    this.client = client;
    this.#defaultTenantId = defaultTenantId;
    this.#interaction = interaction;
    this.#automatic = automatic;
    this.#cache = new TokenCache({ now: client.now, logger: client.logger });
  }

  /**
   * Gets a token: from the cache, else silently with the refresh token (carrying `claims` for a
   * challenge), else through the interaction. With automatic authentication disabled a needed
   * sign-in is an {@link AuthenticationRequiredError}.
   */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    let success = () => "";
    const work = () => {
      const request = prepare(this.client, this.#defaultTenantId, scopes, options);
      success = () =>
        `getToken succeeded scopes=[${request.scopes.join(" ")}] tenant=${request.tenantId}`;
      return this.#silentOrCached(request).catch((error: unknown) => {
        if (!(error instanceof AuthenticationRequiredError)) throw error;
        if (this.#automatic) return this.#interactAfterOthers(request, error);
        throw this.#required(
          request,
          "automatic authentication is disabled and no token can be obtained silently; call authenticate() first.",
          error,
        );
      });
    };
    return logOutcome(
      this.client.logger,
      async () => work(),
      () => success(),
    );
  }

  /**
   * Keeps this session's tokens in the persistent cache too: access tokens are looked up there on
   * a miss, and the refresh token of `account` (from `authenticationRecord`) signs the user in
   * silently in a new process.
   */
  attachStore(store: PersistentTokenStore, account: AuthenticationRecord | undefined): void {
    this.#store = store;
    this.#account ??= account;
  }

  #storeQuery(request: Prepared): TokenQuery {
    const account = this.#account;
    const query: TokenQuery = {
      tenantId: request.tenantId,
      scopes: request.scopes,
      cae: request.options.enableCae === true,
    };
    if (account) {
      query.homeAccountId = account.homeAccountId;
      const general = ["organizations", "common", "consumers"].includes(request.tenantId);
      if (general) query.realm = account.tenantId;
    }
    return query;
  }

  /** Runs the interaction whatever is cached, keeps its tokens, and returns the signed-in account. */
  async authenticate(
    scopes: string | string[],
    options: GetTokenOptions = {},
  ): Promise<AuthenticationRecord | undefined> {
    const request = prepare(this.client, this.#defaultTenantId, scopes, options);
    await this.#interact(request, this.#required(request, "authenticate() was called."));
    this.client.logger.info(`authenticate succeeded tenant=${request.tenantId}`);
    return this.#account;
  }

  /** Forgets tokens, cancels a sign-in in progress (closing its loopback server), and releases sockets. */
  close(): void {
    this.#closing.abort();
    this.#closing = new AbortController();
    this.#cache.clear();
    this.#refreshToken = undefined;
    this.client.close();
  }

  #required(request: Prepared, message: string, cause?: unknown): AuthenticationRequiredError {
    return new AuthenticationRequiredError({
      scopes: request.scopes,
      getTokenOptions: request.options,
      message: `${this.client.credentialName}: ${message}`,
      cause,
    });
  }

  #silentOrCached(request: Prepared): Promise<AccessToken> {
    return this.#cache.get(request.key, (signal) => this.#refresh(request, signal), {
      challenge: request.options.claims,
      abortMessage: `${this.client.credentialName}: the operation was aborted.`,
      signal: request.options.abortSignal,
    });
  }

  async #refresh(request: Prepared, signal: AbortSignalLike): Promise<AccessToken> {
    const store = this.#store;
    const query = this.#storeQuery(request);
    if (store && query.homeAccountId && !request.options.claims) {
      const kept = await store.accessToken(query);
      if (kept) return kept;
    }
    const refreshToken =
      this.#refreshToken ?? (store ? await store.refreshToken(query) : undefined);
    if (!refreshToken) throw this.#required(request, "no user has signed in yet.");
    const grant = refreshTokenGrant(request.scopes, refreshToken);
    try {
      const result = await this.client.request(request.tenantId, grant, { ...request, signal });
      const token = this.#accept(result);
      await store?.save(this.#storeQuery(request), result);
      return token;
    } catch (error) {
      if (!(error instanceof AuthenticationError && INTERACTION_REQUIRED.has(error.code)))
        throw error;
      if (this.#refreshToken === refreshToken) this.#refreshToken = undefined;
      if (error.code === "invalid_grant") await store?.forgetRefreshToken(query.cae, refreshToken);
      throw this.#required(
        request,
        `the refresh token was refused (${error.code}); the user must sign in again.`,
        error,
      );
    }
  }

  async #interactAfterOthers(request: Prepared, reason: AuthenticationRequiredError) {
    while (this.#running) {
      // Another call is already asking the user; its refresh token may cover this call too.
      await this.#running.catch(() => undefined);
      if (!this.#refreshToken) continue;
      const token = await this.#silentOrCached(request).catch((error: unknown) => {
        if (!(error instanceof AuthenticationRequiredError)) throw error;
      });
      if (token) return token;
    }
    return this.#interact(request, reason);
  }

  async #interact(request: Prepared, reason: AuthenticationRequiredError): Promise<AccessToken> {
    // The sign-in stops when the caller aborts or the credential is closed.
    const controller = new AbortController();
    const abort = () => controller.abort();
    const signals = [request.options.abortSignal, this.#closing.signal];
    for (const signal of signals) {
      if (signal?.aborted) abort();
      signal?.addEventListener("abort", abort, { once: true });
    }
    const interaction = { ...request, signal: controller.signal, reason };
    const run = this.#interaction(this.client, interaction).then(async (result) => {
      const token = this.#accept(result);
      this.#cache.set(request.key, token);
      await this.#store?.save(this.#storeQuery(request), result);
      return token;
    });
    this.#running = run;
    try {
      return await run;
    } finally {
      for (const signal of signals) signal?.removeEventListener("abort", abort);
      if (this.#running === run) this.#running = undefined;
    }
  }

  #accept(result: TokenResult): AccessToken {
    if (result.refreshToken) this.#refreshToken = result.refreshToken;
    const { authority, clientId } = this.client;
    const account = accountFromTokenResponse(authority.host, clientId, result);
    if (account) this.#account = account;
    return toAccessToken(result);
  }
}
