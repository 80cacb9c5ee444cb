import { TokenCache } from "../cache/token_cache.js";
import type { PersistentTokenStore } from "../cache/token_store.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { logOutcome } from "../util/logger.js";
import { requestTimeout } from "../util/timeout.js";
import { buildClaims } from "./claims.js";
import { clientCredentialsGrant, type Grant } from "./grants.js";
import { normalizeScopes } from "./scopes.js";
import { resolveTenant } from "./tenant.js";
import type { TokenClient } from "./token_client.js";
import { toAccessToken } from "./token_response.js";

/** Builds the grant of one request from its scopes. */
export type GrantFactory = (scopes: readonly string[]) => Grant;

/**
 * The whole `getToken` path of an application credential: validate scopes, resolve the tenant,
 * build claims, serve from cache or join/start a single request, and log the outcome.
 */
export class ConfidentialClient {
  readonly #client: TokenClient;
  readonly #cache: TokenCache;
  readonly #grant: GrantFactory;
  readonly #partition: string;
  readonly #store: PersistentTokenStore | undefined;
  /**
   * The cache key of each scope string a plain call (no tenant, claims or timeout option) passed
   * validation with, without and with CAE: a repeated call finds its token without validating,
   * sorting or joining again. Holds keys only, and grows like the cache itself.
   */
  #plainKeys: Map<string, string> | undefined;
  #plainCaeKeys: Map<string, string> | undefined;
  /** Whether `getToken` was called before: a credential used once never builds the maps above. */
  #called = false;

  /**
   * @param client - sends the requests.
   * @param grant - builds each request's grant; default client credentials.
   * @param partition - separates cache entries that share scopes and tenant but not identity
   *   (the hash of an OBO user assertion).
   * @param store - the persistent cache, consulted on a miss and given every new token.
   */
  constructor(
    client: TokenClient,
    grant: GrantFactory = clientCredentialsGrant,
    partition = "",
    store?: PersistentTokenStore,
  ) {
    this.#client = client;
    this.#store = store;
    this.#grant = grant;
    this.#partition = partition;
    this.#cache = new TokenCache({ now: client.now, logger: client.logger });
  }

  /** Gets a token for `scopes`; see `AppCredential.getToken` for what it throws. */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const cae = options.enableCae === true;
    const plain =
      typeof scopes === "string" &&
      options.tenantId === undefined &&
      !options.claims &&
      options.requestOptions?.timeout === undefined;
    if (plain) {
      const key = (cae ? this.#plainCaeKeys : this.#plainKeys)?.get(scopes);
      const token = key === undefined ? undefined : this.#cache.peek(key);
      if (token) {
        const { logger, tenantPolicy } = this.#client;
        if (logger.enabled("info"))
          logger.info(successLine([scopes], tenantPolicy.configuredTenantId));
        return Promise.resolve(token);
      }
    }
    const client = this.#client;
    const name = client.credentialName;
    let success = () => "";
    // Not async: logOutcome awaits what it returns and catches what it throws.
    const work = () => {
      const list = normalizeScopes(name, scopes);
      const tenantId = resolveTenant(name, client.tenantPolicy, options.tenantId);
      const claims = buildClaims(name, options.claims, options.enableCae);
      const scopeKey = list.length === 1 ? list[0] : [...list].sort().join(" ");
      const key = `${tenantId}\n${scopeKey}\n${cae}\n${this.#partition}`;
      if (plain && this.#called) {
        if (cae) (this.#plainCaeKeys ??= new Map()).set(scopes, key);
        else (this.#plainKeys ??= new Map()).set(scopes, key);
      }
      this.#called = true;
      success = () => successLine(list, tenantId);
      const timeoutMs = requestTimeout(name, options.requestOptions?.timeout);
      const store = this.#store;
      return this.#cache.get(
        key,
        async (signal) => {
          const settings = { signal, claims, timeoutMs };
          if (!store)
            return toAccessToken(await client.request(tenantId, this.#grant(list), settings));
          // Built when a store is configured and the cache missed: never on a hit.
          const query = { tenantId, scopes: list, cae };
          if (this.#partition) Object.assign(query, { partition: this.#partition });
          const kept = options.claims ? undefined : await store.accessToken(query);
          if (kept) return kept;
          const result = await client.request(tenantId, this.#grant(list), settings);
          await store.save(query, result);
          return toAccessToken(result);
        },
        {
          challenge: options.claims,
          abortMessage: `${name}: the operation was aborted.`,
          signal: options.abortSignal,
        },
      );
    };
    return logOutcome(client.logger, work, () => success());
  }

  /** Drops cached tokens and releases sockets. */
  close(): void {
    this.#cache.clear();
    this.#client.close();
  }
}

function successLine(scopes: readonly string[], tenantId: string): string {
  return `getToken succeeded scopes=[${scopes.join(" ")}] tenant=${tenantId}`;
}
