import type { ConfidentialClient } from "../oauth/confidential_client.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";

/**
 * What every application (client-credentials) credential does once constructed: hand `getToken`
 * to its confidential client and release it on `close()`. Subclasses only validate their
 * arguments and choose the client authentication.
 */
export abstract class AppCredential implements TokenCredential {
  readonly #client: ConfidentialClient;

  /** @param client - the configured core. */
  protected constructor(client: ConfidentialClient) {
    this.#client = client;
  }

  /**
   * Gets an application token. Served from the in-memory cache until five minutes before expiry;
   * concurrent calls for the same scopes share one request.
   *
   * @param scopes - one `…/.default` scope, e.g. `"https://management.azure.com/.default"`.
   * @param options - `abortSignal`, `tenantId`, `claims`, `enableCae`, `requestOptions.timeout`.
   * @throws AuthenticationError when Entra refuses (`code` = Entra's error, e.g. `invalid_client`) or the exchange fails (`ERR_TIMEOUT`, `ERR_NETWORK`, …).
   * @throws CredentialUnavailableError (`ERR_TENANT_NOT_ALLOWED`) for a tenant outside `additionallyAllowedTenants`.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for malformed scopes, tenant or claims.
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
  }

  /** Releases sockets and drops cached tokens. */
  async close(): Promise<void> {
    this.#client.close();
  }

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
