import { TokenCache } from "../cache/token_cache.js";
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

  /**
   * @param client - sends the requests.
   * @param grant - builds each request's grant; default client credentials.
   * @param partition - separates cache entries that share scopes and tenant but not identity
   *   (the hash of an OBO user assertion).
   */
  constructor(client: TokenClient, grant: GrantFactory = clientCredentialsGrant, partition = "") {
    this.#client = client;
    this.#grant = grant;
    this.#partition = partition;
    this.#cache = new TokenCache({ now: client.now, logger: client.logger });
  }

  /** Gets a token for `scopes`; see `AppCredential.getToken` for what it throws. */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const client = this.#client;
    const name = client.credentialName;
    let success = () => "";
    const work = async () => {
      const list = normalizeScopes(name, scopes);
      const tenantId = resolveTenant(name, client.tenantPolicy, options.tenantId);
      const claims = buildClaims(name, options.claims, options.enableCae);
      const scopeKey = list.length === 1 ? list[0] : [...list].sort().join(" ");
      const key = `${tenantId}\n${scopeKey}\n${options.enableCae === true}\n${this.#partition}`;
      success = () => `getToken succeeded scopes=[${list.join(" ")}] tenant=${tenantId}`;
      const timeoutMs = requestTimeout(name, options.requestOptions?.timeout);
      return this.#cache.get(
        key,
        async (signal) =>
          toAccessToken(
            await client.request(tenantId, this.#grant(list), { signal, claims, timeoutMs }),
          ),
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
