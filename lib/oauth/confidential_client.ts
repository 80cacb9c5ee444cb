import { TokenCache } from "../cache/token_cache.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { buildClaims } from "./claims.js";
import { clientCredentialsGrant, type Grant } from "./grants.js";
import { normalizeScopes } from "./scopes.js";
import { resolveTenant } from "./tenant.js";
import type { TokenClient } from "./token_client.js";

/** Builds the grant of one request from its scopes. */
export type GrantFactory = (scopes: readonly string[]) => Grant;

/**
 * The whole `getToken` path of an application credential: validate scopes, resolve the tenant,
 * build claims, serve from cache or join/start a single request, and log the outcome.
 */
export class ConfidentialClient {
  readonly #client: TokenClient;
  readonly #cache: TokenCache;

  constructor(client: TokenClient) {
    this.#client = client;
    this.#cache = new TokenCache({ now: client.now, logger: client.logger });
  }

  /**
   * Gets a token; `grant` defaults to client credentials. `partition` separates cache entries that
   * share scopes and tenant but not identity (e.g. the hash of an OBO user assertion).
   */
  async getToken(
    scopes: string | string[],
    options: GetTokenOptions = {},
    grant: GrantFactory = clientCredentialsGrant,
    partition = "",
  ): Promise<AccessToken> {
    const client = this.#client;
    const name = client.credentialName;
    try {
      const list = normalizeScopes(name, scopes);
      const tenantId = resolveTenant(name, client.tenantPolicy, options.tenantId);
      const claims = buildClaims(name, options.claims, options.enableCae);
      const key = `${tenantId}\n${list.length === 1 ? list[0] : [...list].sort().join(" ")}\n${options.enableCae === true}\n${partition}`;
      const token = await this.#cache.get(
        key,
        async (signal) => {
          const result = await client.request(tenantId, grant(list), {
            signal,
            ...(claims ? { claims } : {}),
            ...(options.requestOptions?.timeout
              ? { timeoutMs: options.requestOptions.timeout }
              : {}),
          });
          const accessToken: AccessToken = {
            token: result.accessToken,
            expiresOnTimestamp: result.expiresOnTimestamp,
            tokenType: "Bearer",
          };
          if (result.refreshAfterTimestamp !== undefined)
            accessToken.refreshAfterTimestamp = result.refreshAfterTimestamp;
          return accessToken;
        },
        {
          bypass: Boolean(options.claims),
          flightKey: `${key} ${claims ?? ""}`,
          abortMessage: `${name}: the operation was aborted.`,
          ...(options.abortSignal ? { signal: options.abortSignal } : {}),
        },
      );
      if (client.logger.enabled("info"))
        client.logger.info(`getToken succeeded scopes=[${list.join(" ")}] tenant=${tenantId}`);
      return token;
    } catch (error) {
      client.logger.error(
        `getToken failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw error;
    }
  }

  /** Drops cached tokens and releases sockets. */
  close(): void {
    this.#cache.clear();
    this.#client.close();
  }
}
